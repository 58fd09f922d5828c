"""One scoring entry point for anything shared: only a short list of owner-only functions may
reach the full-result scorer (safety items included); everything else scores through
`assessments.selectors.shared_scores`, which drops the safety items first.

Read from the source (like an import linter, but per function): every reference to a full-result
scorer in the web app is found with the function it sits in, and must be on the list below. A new
view, API operation, export or figure that reaches for the full result fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import interdep

#: The scorers that keep the safety items: the science function and the app's wrappers of it.
FULL_SCORERS = {"score_answers", "private_scores", "person_result"}

#: (module, top-level function) pairs allowed to use a full scorer, each for the owner alone.
OWNER_ONLY = {
    # the definitions themselves
    ("interdep.assessments.selectors", "private_scores"),
    ("interdep.assessments.selectors", "shared_scores"),
    ("interdep.assessments.selectors", "person_result"),
    # the person's own report page, own API result, own progress, own export
    ("interdep.assessments.presenters", "personal_report"),
    ("interdep.assessments.report_cache", "_private_entry"),  # stored under the owner's key only
    ("interdep.assessments.api", "report_me"),
    ("interdep.plans.presenters", "_results"),
    ("interdep.assessments.datarights", "export_assessments"),
}
#: Modules that import a full scorer by name (the import itself is not a use).
IMPORTERS = {"interdep.assessments.selectors"}

SRC = Path(interdep.__file__).parent
#: Not the web app: the science package (pure) and the research command line (a researcher's
#: own files, nothing that reaches a partner).
OUTSIDE = ("science", "cli")


def full_scorer_uses(source: str, module: str) -> set[tuple[str, str | None, str]]:
    """(module, enclosing top-level function or None, name) for each reference to a full scorer."""
    tree = ast.parse(source)
    found: set[tuple[str, str | None, str]] = set()
    # a scorer imported under another name is followed under that name too
    watched = set(FULL_SCORERS) | {
        alias.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname and alias.name in FULL_SCORERS
    }

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if function is None and isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            ):
                inner = child.name
            name = None
            if isinstance(child, ast.Name):
                name = child.id
            elif isinstance(child, ast.Attribute):
                name = child.attr
            elif isinstance(child, ast.alias):
                name = child.name.rsplit(".", 1)[-1]
            if name in watched:
                found.add((module, inner, name))
            visit(child, inner)

    visit(tree, None)
    return found


def app_modules():
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] in OUTSIDE or "migrations" in relative.parts:
            continue
        module = ".".join(("interdep", *relative.with_suffix("").parts)).removesuffix(".__init__")
        yield module, path.read_text(encoding="utf-8")


def test_only_owner_only_functions_reach_the_full_result_scorer():
    offenders = []
    for module, source in app_modules():
        for where, function, name in full_scorer_uses(source, module):
            if function is None and where in IMPORTERS:
                continue
            if (where, function) not in OWNER_ONLY:
                offenders.append(f"{where}.{function or '<module>'} uses {name}")
    assert not offenders, (
        "These reach the full result (safety items included); score anything another person can "
        "receive with assessments.selectors.shared_scores / shared_person_result:\n"
        + "\n".join(sorted(offenders))
    )


def test_the_check_sees_a_shared_view_reaching_for_the_full_result():
    """Not vacuous: the way growth edges reached the full result before is caught, however the
    scorer is imported."""
    cases = {
        "from interdep.assessments import selectors\n"
        "def growth_edges(p):\n    return selectors.person_result(p).growth_edges()\n",
        "from interdep.science.results import score_answers as s\n"
        "def caseload(i, a):\n    return s(i, a)\n",
        "from interdep.assessments.selectors import private_scores\n"
        "class View:\n    def get(self, i, a):\n        return private_scores(i, a)\n",
    }
    for source in cases:
        uses = full_scorer_uses(source, "interdep.plans.new_thing")
        assert any(function is not None for _, function, _ in uses), source
        assert all(("interdep.plans.new_thing", f) not in OWNER_ONLY for _, f, _ in uses)


def test_the_shared_scorer_drops_every_safety_item():
    from interdep.assessments.selectors import shared_scores
    from interdep.demo import demo_answers
    from interdep.science.instrument import load_instrument

    instrument = load_instrument()
    answers = demo_answers(3, lean=0.6)
    flipped = {
        k: (instrument.scale.max if v == instrument.scale.min else instrument.scale.min)
        if instrument.item(k).safety
        else v
        for k, v in answers.items()
    }
    assert flipped != answers
    assert (
        shared_scores(instrument, answers).to_dict() == shared_scores(instrument, flipped).to_dict()
    )
