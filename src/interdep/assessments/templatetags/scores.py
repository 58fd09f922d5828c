"""{{ value|whole }}: a score as a whole number, by the same rule the charts use
(interdep.science.rounding.whole: half away from zero). Empty for a missing score, so
``|whole|default:"–"`` shows a dash for missing and "0" for a real zero."""

from django import template

from interdep.science.rounding import whole as _whole

register = template.Library()


@register.filter
def whole(value) -> str:
    try:
        number = _whole(value)
    except (TypeError, ValueError):
        return ""
    return "" if number is None else str(number)
