"""Reports as PDF, laid out for paper: the same templates as the pages, rendered by WeasyPrint
in a print frame instead of the site frame (the couple's own private and couple reports, and the
clinician's couple page). Nothing is fetched from the network or the disk: figures are data
URIs, the stylesheet is read from our static files.

Paper rules (print.css): small cards never split across pages; a large card may break only
between its blocks, never inside a figure, and a heading stays with what follows, so the map
sits on the page of its heading and caption and no first page is left nearly empty.
"""

from __future__ import annotations

import functools

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

#: The clinician's export frame (footer: exported under the couple's grant, confidential).
CLINIC_FRAME = "clinic/print_base.html"
#: A person's own export frame (footer: private to them).
PERSONAL_FRAME = "print_base.html"


@functools.cache
def _stylesheet_text() -> str:
    parts = []
    for name in ("css/site.css", "css/print.css"):
        path = finders.find(name)
        if path:
            with open(path, encoding="utf-8") as handle:
                parts.append(handle.read())
    return "\n".join(parts)


def render_document(template: str, context: dict, *, request=None, frame: str = CLINIC_FRAME):
    """The laid-out WeasyPrint document (pages and boxes), before it is written as PDF; tests
    read its boxes to check what lands on which page."""
    import weasyprint  # deferred: loads Pango; only PDF exports need it
    from weasyprint.urls import URLFetcher  # deferred: as above, with WeasyPrint

    html = render_to_string(
        template, {**context, "base_template": frame, "printing": True}, request=request
    )
    fetcher = URLFetcher(allowed_protocols={"data"})  # figures only: never a file or the network
    document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=fetcher)
    return document.render(
        stylesheets=[weasyprint.CSS(string=_stylesheet_text(), url_fetcher=fetcher)]
    )


def render_pdf(template: str, context: dict, *, request=None, frame: str = CLINIC_FRAME) -> bytes:
    return render_document(template, context, request=request, frame=frame).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF download; never kept in a shared cache (it is someone's report)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
