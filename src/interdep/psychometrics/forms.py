"""The anchors' answers as posted: "<measure>.<item>" -> value, only for questions on offer."""

from __future__ import annotations


def posted_anchor_answers(post, measures) -> dict[str, str]:
    keys = {f"{m.id}.{i.id}" for m in measures for i in m.items}
    return {key: post.get(key, "") for key in keys if post.get(key, "")}
