"""Regression tests for the holes found when the running app was attacked (privacy and hardening).

Each test fails on the code before its fix. The safety differential, the single shared scorer
and the fuzzing have files of their own (test_safety_differential, test_scoring_entry_point,
test_fuzz_forms).
"""

from __future__ import annotations

import pytest

from interdep.access.assessments import latest_submitted
from interdep.assessments.presenters import dynamic_title
from interdep.assessments.selectors import shared_person_result

from .clinic_helpers import grant_by_both, make_clinician
from .conftest import PASSWORD

# -- 2: a dynamics-only clinician sees no report data ----------------------------------------


@pytest.fixture
def two_clinicians(shared_couple, alice, bob):
    reports, reports_profile = make_clinician("Dr Reports")
    dynamics, dynamics_profile = make_clinician("Dr Dynamics")
    grant_by_both(alice, bob, reports_profile, reports=True, dynamics=False)
    grant_by_both(alice, bob, dynamics_profile, reports=False, dynamics=True)
    return {"reports": reports, "dynamics": dynamics, "couple": shared_couple}


def _report_words(alice) -> list[str]:
    """What report data looks like on the clinic pages: the dynamic titles and change lines."""
    return [
        dynamic_title(shared_person_result(latest_submitted(alice)).dynamic),
        "since intake",
        "Pattern:",
        "History",
    ]


def test_a_dynamics_only_clinician_sees_no_report_data_on_the_caseload(
    client, two_clinicians, alice
):
    client.force_login(two_clinicians["reports"])
    with_reports = client.get("/clinic/").content.decode()
    client.force_login(two_clinicians["dynamics"])
    response = client.get("/clinic/")
    assert response.status_code == 200
    body = response.content.decode()
    shown = [w for w in _report_words(alice) if w in with_reports]
    assert len(shown) >= 2, "the reports-scope clinician sees report data (not vacuous)"
    leaked = [w for w in shown if w in body]
    assert not leaked, f"dynamics-only clinician sees report data: {leaked}"


@pytest.mark.parametrize("page", ["/", "/report.pdf", "/scores.csv"])
def test_a_dynamics_only_clinician_gets_no_couple_report(client, two_clinicians, page):
    path = f"/clinic/couples/{two_clinicians['couple'].pk}{page}"
    client.force_login(two_clinicians["reports"])
    assert client.get(path).status_code == 200
    client.force_login(two_clinicians["dynamics"])
    assert client.get(path).status_code == 404


# -- 3: the export holds no partner's unshared exercise --------------------------------------


def _export(person) -> dict[str, bytes]:
    import io
    import zipfile

    from interdep.datarights.services import export_zip

    with zipfile.ZipFile(io.BytesIO(export_zip(person))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_leaves_out_a_partners_unshared_preparation(client, alice, bob, couple):
    from interdep.exercises import services as exercise_services

    draft = exercise_services.exercise_start(person=alice, kind="no_rehearsal")
    exercise_services.entry_save(
        person=alice,
        exercise_id=draft.pk,
        content={"request": "Hosting the family reunion", "no": "Not this year."},
    )
    client.force_login(bob)
    assert client.get(f"/api/v1/exercises/{draft.pk}").status_code == 404
    files = _export(bob)
    rows = files["exercises/exercises.csv"].decode().splitlines()
    assert not any(line.startswith(f"{draft.pk},") for line in rows[1:]), rows
    assert b"no_rehearsal" not in files["exercises/exercises.csv"]
    assert b"no_rehearsal" not in files["data.json"]
    # Alice's own export has it, and Bob's has it once she shares it.
    assert b"no_rehearsal" in _export(alice)["exercises/exercises.csv"]
    exercise_services.preparation_share(person=alice, exercise_id=draft.pk, fields=["no"])
    assert b"no_rehearsal" in _export(bob)["exercises/exercises.csv"]


# -- 5: no CSV cell can become a formula -----------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/","x")'
DANGEROUS = [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _cells(text: str) -> list[str]:
    import csv
    import io

    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_no_formula(text: str, *, expect_in: str = FORMULA) -> None:
    cells = _cells(text)
    assert "'" + expect_in in cells, "the value should be there, neutralised"
    bad = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    bad += [c for c in cells if c.startswith("-") and not _number(c)]
    assert not bad, bad


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_clinicians_scores_csv_neutralises_a_formula_name(client, alice, bob, shared_couple):
    alice.display_name = FORMULA
    alice.save()
    clinician, profile = make_clinician("Dr Csv")
    grant_by_both(alice, bob, profile)
    client.force_login(clinician)
    response = client.get(f"/clinic/couples/{shared_couple.pk}/scores.csv")
    assert response.status_code == 200
    _assert_no_formula(response.content.decode())


def test_the_couples_audit_log_csv_neutralises_a_formula_clinician_name(
    client, alice, bob, shared_couple
):
    clinician, profile = make_clinician(FORMULA)
    grant_by_both(alice, bob, profile)
    client.force_login(clinician)
    assert client.get(f"/clinic/couples/{shared_couple.pk}/").status_code == 200
    files = _export(alice)
    logs = [name for name in files if name.endswith("audit_log.csv")]
    assert logs
    _assert_no_formula(b"\n".join(files[n] for n in logs).decode())


def test_every_csv_table_of_the_export_neutralises_every_dangerous_start():
    from interdep.lib.csv_writer import dict_rows_csv

    rows = [{f"col{k}": value for k, value in enumerate(DANGEROUS)}, {"col0": -1.5, "col1": 3}]
    text = dict_rows_csv(rows)
    cells = _cells(text)
    for value in DANGEROUS:
        assert "'" + value in cells
    assert "-1.5" in cells and "3" in cells  # numbers stay numbers


def test_the_command_lines_csv_tables_neutralise_text_cells():
    import pandas as pd

    from interdep.lib.csv_writer import frame_csv

    frame = pd.DataFrame({"person_id": DANGEROUS, "score": [-1.0] * len(DANGEROUS)})
    text = frame_csv(frame)
    cells = _cells(text)
    for value in DANGEROUS:
        assert "'" + value in cells
    assert "-1.0" in cells


def test_no_module_writes_csv_except_through_the_one_writer():
    """Every CSV the app writes goes through interdep.lib.csv_writer: no other csv.writer,
    csv.DictWriter or DataFrame.to_csv anywhere in the package."""
    import ast
    from pathlib import Path

    import interdep

    root = Path(interdep.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path.relative_to(root).as_posix() == "lib/csv_writer.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter", "to_csv"):
                if node.attr != "to_csv" and not (
                    isinstance(node.value, ast.Name) and node.value.id == "csv"
                ):
                    continue
                offenders.append(f"{path.relative_to(root)}:{node.lineno} {node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module == "csv":
                offenders.append(f"{path.relative_to(root)}:{node.lineno} from csv import")
    assert not offenders, offenders


# -- 4: a display name is never parsed as mathematics in a figure -----------------------------

MATH_NAMES = [r"$\undefinedcmd$", r"$x^2$"]


def _figure_texts(body: bytes) -> list[str]:
    """The page with its embedded SVG figures decoded (figures are base64 data URIs)."""
    import base64
    import html
    import re

    text = body.decode("utf-8", errors="replace")
    figures = [
        base64.b64decode(m).decode("utf-8")
        for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", text)
    ]
    # each drawn string is one <text> element (svg.fonttype none); mathematics would be split
    # into glyphs, so a name drawn literally is the whole content of one element
    return [
        html.unescape(t) for svg in figures for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    ]


@pytest.mark.parametrize("name", MATH_NAMES)
def test_a_mathtext_name_is_drawn_literally_on_everyone_elses_pages(
    client, alice, bob, shared_couple, name
):
    from interdep.plans import services as plan_services

    plan_services.plan_build(person=bob)
    alice.display_name = name
    alice.save()
    clinician, profile = make_clinician("Dr Math")
    grant_by_both(alice, bob, profile)
    pages = {}
    client.force_login(bob)
    for path in (f"/couple/{shared_couple.pk}/report/", "/progress/"):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content
    client.force_login(clinician)
    base = f"/clinic/couples/{shared_couple.pk}/"
    for path in (base, base + "report.pdf", base + "scores.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content
    # the name is drawn as typed (SVG text is written as text), not as mathematics
    for path in (f"/couple/{shared_couple.pk}/report/", "/progress/", base):
        texts = _figure_texts(pages[path])
        assert texts, path
        assert any(name in t for t in texts), (path, texts)
    assert name.encode() in pages[base + "scores.csv"]


# -- 6: deletion leaves no trace -------------------------------------------------------------

ALICE_WISH = "Night swimming at Bondi"
BOB_WISH = "A slow breakfast in Hobart"


def _agreed_vacation(alice, bob):
    from interdep.exercises import services as exercise_services

    exercise = exercise_services.exercise_start(person=alice, kind="vacation")
    for person, wish in ((alice, ALICE_WISH), (bob, BOB_WISH)):
        exercise_services.entry_save(
            person=person,
            exercise_id=exercise.pk,
            content={"together": wish, "alone": "", "limits": "", "budget": 900},
            send=True,
        )
    for person in (alice, bob):
        exercise_services.exercise_agree(person=person, exercise_id=exercise.pk)
    exercise.refresh_from_db()
    assert ALICE_WISH in exercise.outcome and BOB_WISH in exercise.outcome
    return exercise


def test_deletion_blanks_the_persons_words_in_shared_outcomes(alice, bob, couple):
    from interdep.datarights.services import person_delete

    _agreed_vacation(alice, bob)
    assert ALICE_WISH.encode() in b"".join(_export(bob).values())
    person_delete(person=alice)
    everything = b"".join(_export(bob).values())
    assert ALICE_WISH.encode() not in everything
    assert BOB_WISH.encode() in everything  # the partner keeps their own words


def test_deletion_removes_the_login_throttles_rows(client, alice):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from .conftest import PASSWORD

    client.post("/accounts/login/", {"email": alice.email, "password": "not it"})
    client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    models = (AccessLog, AccessFailureLog, AccessAttempt)
    before = sum(m.objects.filter(username__iexact=alice.email).count() for m in models)
    assert before >= 1, "the throttle should have logged the failure (not vacuous)"
    from interdep.datarights.services import person_delete

    person_delete(person=alice)
    left = {m.__name__: m.objects.filter(username__iexact=alice.email).count() for m in models}
    assert not any(left.values()), left


@pytest.mark.django_db(transaction=True)
def test_deletion_leaves_the_email_nowhere_in_the_sqlite_files():
    from pathlib import Path

    from django.db import connection

    from interdep.datarights.services import person_delete

    from .conftest import make_person

    if connection.vendor != "sqlite":
        pytest.skip("the write-ahead log is SQLite's")
    person = make_person("Wal Wombat")
    email = person.email.encode()
    from django.test import Client

    Client().post("/accounts/login/", {"email": person.email, "password": "not it"})
    person_delete(person=person)
    path = Path(connection.settings_dict["NAME"])
    found = [
        p.name
        for p in (path, path.with_name(path.name + "-wal"))
        if p.exists() and email in p.read_bytes()
    ]
    assert not found, f"the deleted email is still readable in {found}"


# -- 7: the export asks for the password again; idle sessions end -----------------------------


def _age_session(client, **seconds_ago):
    import time

    from interdep.accounts import sessions

    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"last_seen": sessions.LAST_SEEN, "reauth": sessions.REAUTH_AT}[key]] = now - ago
    session.save()


def test_the_full_export_needs_the_password_again_after_ten_minutes(client, alice):
    from .conftest import PASSWORD, submit

    submit(alice, seed=5)
    client.force_login(alice)
    _age_session(client, reauth=11 * 60, last_seen=30)
    refused = client.post("/accounts/data/export/")
    assert refused.status_code == 403
    assert not refused.content.startswith(b"PK")
    assert b"Type your password" in refused.content
    wrong = client.post("/accounts/data/export/", {"password": "guess"})
    assert wrong.status_code == 403
    right = client.post("/accounts/data/export/", {"password": PASSWORD})
    assert right.status_code == 200 and right.content.startswith(b"PK")
    # a fresh confirmation lasts a few minutes
    assert client.post("/accounts/data/export/").status_code == 200


@pytest.mark.parametrize(
    ("who", "idle", "signed_in"),
    [
        ("person", 2 * 60 * 60 - 60, True),
        ("person", 2 * 60 * 60 + 60, False),
        ("clinician", 29 * 60, True),
        ("clinician", 31 * 60, False),
    ],
)
def test_an_idle_session_ends(client, alice, who, idle, signed_in):
    user = alice if who == "person" else make_clinician("Dr Idle")[0]
    client.force_login(user)
    _age_session(client, last_seen=idle)
    page = client.get("/couple/")
    api = client.get("/api/v1/me")
    if signed_in:
        assert page.status_code == 200 and api.status_code == 200
    else:
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]
        assert api.status_code == 401


# -- 12: password reset ----------------------------------------------------------------------


def _reset_email(client, alice, settings, host="testserver"):
    import re

    from django.core import mail

    mail.outbox = []
    response = client.post("/accounts/password-reset/", {"email": alice.email}, HTTP_HOST=host)
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)
    return message.body, link


def test_the_reset_link_comes_from_site_url_not_the_host_header(client, alice, settings):
    settings.ALLOWED_HOSTS = ["*"]  # a permissive proxy in front: the Host header is the caller's
    settings.SITE_URL = "https://interdep.example"
    body, link = _reset_email(client, alice, settings, host="evil.example")
    assert link.startswith("https://interdep.example/accounts/reset/")
    assert "evil.example" not in body


def test_the_reset_email_states_the_real_lifetime(client, alice, settings):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
    body, _ = _reset_email(client, alice, settings)
    assert "2 hours" in body and "one day" not in body
    settings.PASSWORD_RESET_TIMEOUT = 30 * 60
    body, _ = _reset_email(client, alice, settings)
    assert "30 minutes" in body


def test_a_successful_reset_lifts_the_login_lock_out(client, alice, settings):
    from urllib.parse import urlsplit

    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/accounts/login/", {"email": alice.email, "password": "wrong"})
    locked = client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    assert locked.status_code in (403, 429), "the account should be locked out (not vacuous)"
    _, link = _reset_email(client, alice, settings)
    form_page = client.get(urlsplit(link).path, follow=True)
    new = "a brand new horse battery"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    signed_in = client.post("/accounts/login/", {"email": alice.email, "password": new})
    assert signed_in.status_code == 302, signed_in.status_code
