"""A couple's report as PDF: the clinician's couple page rendered by WeasyPrint from the same
template (a print frame instead of the site frame). Nothing is fetched from the network or the
disk: figures are data URIs, the stylesheet is read from our static files."""

from __future__ import annotations

import functools

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


@functools.cache
def _stylesheet_text() -> str:
    parts = []
    for name in ("css/site.css", "css/print.css"):
        path = finders.find(name)
        if path:
            with open(path, encoding="utf-8") as handle:
                parts.append(handle.read())
    return "\n".join(parts)


def render_pdf(template: str, context: dict, *, request=None) -> bytes:
    import weasyprint  # deferred: loads Pango; only PDF exports need it
    from weasyprint.urls import URLFetcher  # deferred: as above, with WeasyPrint

    html = render_to_string(
        template, {**context, "base_template": "clinic/print_base.html"}, request=request
    )
    fetcher = URLFetcher(allowed_protocols={"data"})  # figures only: never a file or the network
    document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[weasyprint.CSS(string=_stylesheet_text(), url_fetcher=fetcher)]
    )
