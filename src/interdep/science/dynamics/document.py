"""The JSON document of one variable: its couples and its pooled summary."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from interdep.science.dynamics.results import CoupleDynamics


def result_document(
    variable: str, max_gap_text: str, results: Sequence[CoupleDynamics], pooled: dict
) -> dict:
    """The JSON object of one variable: variable, max_gap, couples, pooled.

    Parameters
    ----------
    variable : str
        The variable's name.
    max_gap_text : str
        The gap as the user gave it (e.g. "3h").
    results : sequence of CoupleDynamics
        The variable's couples.
    pooled : dict
        From :func:`pool_couples`.

    Returns
    -------
    dict

    Examples
    --------
    >>> result_document("valence", "3h", [], {"parameters": {}})
    {'variable': 'valence', 'max_gap': '3h', 'couples': [], 'pooled': {'parameters': {}}}
    """
    return {
        "variable": variable,
        "max_gap": max_gap_text,
        "couples": [r.to_dict() for r in results],
        "pooled": pooled,
    }


def document_json(
    variable: str, max_gap_text: str, results: Sequence[CoupleDynamics], pooled: dict
) -> Iterator[str]:
    """The compact JSON text of :func:`result_document`, a couple at a time.

    The pieces join to ``json.dumps(result_document(...), separators=(",", ":"),
    allow_nan=False)``, without every couple's dict and the whole text in memory at once
    (at 100,000 couples those two copies are about a gigabyte).

    Examples
    --------
    >>> from interdep.science.dynamics.results import _not_estimable
    >>> rs = [_not_estimable(c, ("A", "B"), "valence", "too few") for c in ("c1", "c2")]
    >>> doc = result_document("valence", "3h", rs, {"parameters": {}})
    >>> "".join(document_json("valence", "3h", rs, {"parameters": {}})) == json.dumps(
    ...     doc, separators=(",", ":"), allow_nan=False)
    True
    """

    def dumps(value) -> str:
        return json.dumps(value, separators=(",", ":"), allow_nan=False)

    yield f'{{"variable":{dumps(variable)},"max_gap":{dumps(max_gap_text)},"couples":['
    for i, r in enumerate(results):
        yield ("," if i else "") + dumps(r.to_dict())
    yield f'],"pooled":{dumps(pooled)}}}'
