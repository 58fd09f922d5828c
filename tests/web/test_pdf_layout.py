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

from interdep.assessments import reports, selectors
from interdep.clinic.pdf import CLINIC_FRAME, PERSONAL_FRAME, render_document

from .clinic_helpers import grant_by_both
from .conftest import link, make_person, submit

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _walk(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) is None:
        return set()
    return set((element.get("class") or "").split())


def layout(document) -> dict:
    """Per page: which cards (by their first heading) and which maps it holds, and how far down
    the content reaches (share of the page's content height)."""
    pages = []
    for page in document.pages:
        root = page._page_box
        content_top = root.content_box_y()
        content_height = root.height
        cards, maps, headings = [], 0, []
        bottom = content_top
        for box in _walk(root):
            classes = _classes(box)
            tag = getattr(box, "element_tag", None)
            if "card" in classes and box.element not in [c[0] for c in cards]:
                cards.append((box.element, _heading(box.element)))
            if tag == "img" and "figure-map" in classes:
                maps += 1
            if tag in ("h1", "h2", "h3"):
                headings.append(box.element.text_content().strip() if hasattr(box.element, "text_content") else "")
            if tag in ("p", "img", "li", "h1", "h2", "h3", "table", "tr") and box.element is not None:
                bottom = max(bottom, box.position_y + box.margin_height())
        pages.append(
            {
                "cards": [(id(el), title) for el, title in cards],
                "maps": maps,
                "fill": (bottom - content_top) / content_height,
            }
        )
    return {"pages": pages}


def _heading(element) -> str:
    for child in element.iter():
        if child.tag in ("h2", "h3"):
            return "".join(child.itertext()).strip()
    return ""


def check_paper_layout(document, *, name: str) -> dict:
    info = layout(document)
    pages = info["pages"]
    seen: dict[int, list[int]] = {}
    for k, page in enumerate(pages):
        for card_id, _ in page["cards"]:
            seen.setdefault(card_id, []).append(k)
    split = {cid: ks for cid, ks in seen.items() if len(ks) > 1}
    return {"pages": pages, "split": split}


def render_pngs(pdf: bytes, stem: str) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: make test installs it")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    (ARTIFACTS / f"{stem}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(ARTIFACTS / f"{stem}.pdf"), str(ARTIFACTS / stem)],
        check=True,
    )
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))


@pytest.fixture
def leaning_couple(db):
    """One partner leaning codependent, the other leaning independent; both share."""
    from interdep.couples import services as couple_services

    alex, sam = make_person("Alex"), make_person("Sam")
    couple = link(alex, sam)
    submit(alex, seed=5, lean=0.25)
    submit(sam, seed=6, lean=0.9)
    couple_services.consent_set(person=alex, share=True)
    couple_services.consent_set(person=sam, share=True)
    return alex, sam, couple


def _private(rf_user, assessment):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = rf_user
    report = reports.personal_report(assessment)
    return render_document(
        "assessments/report.html",
        {"assessment": assessment, "report": report, "history": []},
        request=request,
        frame=PERSONAL_FRAME,
    )


def test_explore(leaning_couple):
    alex, sam, couple = leaning_couple
    doc = _private(alex, selectors.history(alex)[0])
    result = check_paper_layout(doc, name="private")
    for k, p in enumerate(result["pages"]):
        print(k, p)
    print(result["split"])
    render_pngs(doc.write_pdf(), "pdf-private")
