"""The page frame's fixed parts, rendered once per process for each kind of reader.

The menu, the links of the head and the footer are the same for every person who shares a few
facts (signed in or not, clinician's menu or not, staff or not), yet each page drew them again:
some thirty URL reversals and static paths, about half a millisecond of every page. The block

    {% frame_part signed_in=user.is_authenticated clinician=is_clinician %}...{% endframe_part %}

renders its content with those values *only* (like ``{% include ... only %}``: nothing else of
the page's context is visible inside, not the user, not the request's data), so what it draws is
a function of the values it names, and it is kept under exactly them. One person's frame can
therefore never be served to another unless they name the same values, and then it is the same
HTML by construction. The values must be few in kind (flags, the product's name); a block that is
given something personal is still correct but gains nothing (the memory is bounded).

The URLs and static paths inside depend on the URLconf and the script prefix (part of the key)
and on settings: any settings change (tests override them) forgets every kept part.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.template.base import Node
from django.template.defaulttags import token_kwargs
from django.urls import get_script_prefix, get_urlconf

register = template.Library()

#: Bumped when a setting changes: parts kept before then are never used again.
_generation = [0]
#: Kept parts of one block, at most (each a few kilobytes).
_MAX_KEPT = 64


def _forget_all(**kwargs) -> None:
    _generation[0] += 1


setting_changed.connect(_forget_all, dispatch_uid="interdep-frame-parts")


class FramePartNode(Node):
    def __init__(self, nodelist, values: dict):
        self.nodelist = nodelist
        self.values = values
        self.kept: dict[tuple, str] = {}

    def render(self, context) -> str:
        values = {name: value.resolve(context) for name, value in self.values.items()}
        key = (
            _generation[0],
            get_urlconf(),
            get_script_prefix(),
            context.autoescape,
            tuple(sorted(values.items())),
        )
        try:
            html = self.kept.get(key)
        except TypeError:  # a value that cannot be a key: drawn each time, never kept
            return self.nodelist.render(context.new(values))
        if html is None:
            html = self.nodelist.render(context.new(values))
            if len(self.kept) >= _MAX_KEPT:
                self.kept.clear()
            self.kept[key] = html
        return html


@register.tag
def frame_part(parser, token):
    """``{% frame_part name=value ... %}...{% endframe_part %}``: see the module's docstring."""
    bits = token.split_contents()[1:]
    values = token_kwargs(bits, parser, support_legacy=False)
    if bits:
        raise template.TemplateSyntaxError("frame_part takes only name=value arguments")
    nodelist = parser.parse(("endframe_part",))
    parser.delete_first_token()
    return FramePartNode(nodelist, values)
