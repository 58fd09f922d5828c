"""The reports as PDF, laid out for paper: rendered with WeasyPrint, their boxes read page by page,
and every page rendered to PNG (pdftoppm) into tests/artifacts/ to be looked at.

Checked on the layout itself: no card is split across pages (unless it is taller than a page,
which none is allowed to be), the map is on the same page as its heading, the first page is not
left nearly empty, and every page is well used except the last.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import RequestFactory

from interdep.access.core import couple_report_for_member_or_404
from interdep.assessments import report_cache, selectors
from interdep.clinic.views import _couple_context
from interdep.couples import services as couple_services
from interdep.lib.pdf import CLINIC_FRAME, PERSONAL_FRAME, render_document

from .clinic_helpers import grant_by_both, make_clinician
from .conftest import link, make_person, submit

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _walk(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


#: Blocks that must never be split across pages.
KEEP_WHOLE = ("card", "edge", "practice")


def _kept(element) -> str | None:
    classes = set((element.get("class") or "").split())
    if "card-long" in classes:
        return None
    return next((c for c in KEEP_WHOLE if c in classes), None)


def _title(element) -> str:
    for child in element.iter():
        if child.tag in ("h2", "h3", "summary"):
            return " ".join("".join(child.itertext()).split())
    return " ".join("".join(element.itertext()).split())[:40]


def paper_layout(document) -> dict:
    """Where everything landed: for each block that must stay whole, the pages it touches; for
    each map, its page and its section heading's page; and how far down each page is used."""
    blocks: dict[int, tuple[str, set[int]]] = {}
    maps: list[tuple[int, int]] = []  # (page of the map, id of its section's heading)
    heading_page: dict[int, int] = {}
    last_heading = None
    fills = []
    for k, page in enumerate(document.pages):
        root = page._page_box
        top, height = root.content_box_y(), root.height
        bottom = top
        for box in _walk(root):
            element = getattr(box, "element", None)
            tag = getattr(box, "element_tag", None)
            if element is None or tag is None or tag in ("html", "body", "main"):
                continue
            kept = _kept(element)
            if kept:
                blocks.setdefault(id(element), (f"{kept}: {_title(element)}", set()))[1].add(k)
            if tag == "img" and "figure-map" in (element.get("class") or ""):
                maps.append((k, last_heading))  # the heading of its section came just before
            if tag == "h2":
                heading_page.setdefault(id(element), k)
                last_heading = id(element)
            if tag != "footer" and box.margin_height() < height:
                bottom = max(bottom, box.position_y + box.margin_height())
        fills.append((bottom - top) / height)
    return {
        "blocks": blocks,
        "maps": [(page, heading_page[heading]) for page, heading in maps],
        "fills": fills,
    }


def assert_laid_out_for_paper(document, *, max_pages: int) -> dict:
    info = paper_layout(document)
    split = [name for name, pages in info["blocks"].values() if len(pages) > 1]
    assert not split, f"split across pages: {split}"
    for map_page, heading_page in info["maps"]:
        assert map_page == heading_page, "the map is not on the page of its heading"
    fills = info["fills"]
    assert len(fills) <= max_pages, f"{len(fills)} pages"
    if len(fills) > 1:
        assert fills[0] > 0.7, f"first page only {fills[0]:.0%} used"
    return info


def render_pngs(pdf: bytes, stem: str) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: make test installs it")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    (ARTIFACTS / f"{stem}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(ARTIFACTS / f"{stem}.pdf"), str(ARTIFACTS / stem)],
        check=True,
    )
    pngs = sorted(ARTIFACTS.glob(f"{stem}-*.png"))
    assert pngs, "pdftoppm wrote no page"
    return pngs


@pytest.fixture
def leaning_couple(db):
    """One partner leaning codependent, the other leaning independent; both share."""
    alex, sam = make_person("Alex"), make_person("Sam")
    couple = link(alex, sam)
    submit(alex, seed=5, lean=0.25)
    submit(sam, seed=6, lean=0.9)
    couple_services.consent_set(person=alex, share=True)
    couple_services.consent_set(person=sam, share=True)
    return alex, sam, couple


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_private_report_pdf_is_laid_out_for_paper(leaning_couple):
    alex, _, _ = leaning_couple
    assessment = selectors.history(alex)[0]
    document = render_document(
        "assessments/report.html",
        {
            "assessment": assessment,
            "report": report_cache.private_report(assessment),
            "history": [],
        },
        request=_request(alex),
        frame=PERSONAL_FRAME,
    )
    info = assert_laid_out_for_paper(document, max_pages=5)
    assert len(info["maps"]) == 1
    render_pngs(document.write_pdf(), "pdf-private-report")


def test_couple_report_pdf_is_laid_out_for_paper(leaning_couple):
    alex, _, couple = leaning_couple
    access = couple_report_for_member_or_404(alex, couple.pk)
    report = report_cache.couple_report(access)
    document = render_document(
        "couples/report.html",
        {"report": report, "access": access},
        request=_request(alex),
        frame=PERSONAL_FRAME,
    )
    info = assert_laid_out_for_paper(document, max_pages=6)
    assert len(info["maps"]) == 1
    render_pngs(document.write_pdf(), "pdf-couple-report")


def test_clinician_pdf_is_laid_out_for_paper(client, leaning_couple):
    alex, sam, couple = leaning_couple
    person, profile = make_clinician()
    grant_by_both(alex, sam, profile)
    client.force_login(person)
    response = client.get(f"/clinic/couples/{couple.pk}/report.pdf")
    assert response.status_code == 200
    _, context = _couple_context(_request(person), couple.pk, history=True)
    document = render_document(
        "clinic/couple.html", context, request=_request(person), frame=CLINIC_FRAME
    )
    info = assert_laid_out_for_paper(document, max_pages=4)
    assert len(info["maps"]) == 1
    render_pngs(response.content, "pdf-clinician-report")


def test_the_couples_own_pdfs_download(client, leaning_couple):
    alex, sam, couple = leaning_couple
    client.force_login(sam)
    assessment = selectors.history(sam)[0]
    mine = client.get(f"/report/{assessment.pk}/report.pdf")
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF-")
    assert mine["Content-Disposition"].startswith("attachment;")
    ours = client.get(f"/couple/{couple.pk}/report.pdf")
    assert ours.status_code == 200 and ours.content.startswith(b"%PDF-")
    couple_services.consent_set(person=alex, share=False)
    assert client.get(f"/couple/{couple.pk}/report.pdf").status_code == 403
