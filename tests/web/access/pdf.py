"""The couple's own PDF exports: exactly who sees the page sees its PDF."""

from . import Case, signed_in

CASES: dict[str, Case] = {
    "report_pdf": Case("GET", "/report/{assessment}/report.pdf", signed_in(404, self=200)),
    "couple_report_pdf": Case(
        "GET", "/couple/{couple}/report.pdf", signed_in(404, self=200, partner=200)
    ),
}
