"""The safety differential: a person's safety answers change nothing anyone else can receive.

Two worlds are built that are identical except for Alice's safety-screen items (every one at the
lowest answer in one world, at the highest in the other). Every route of the access matrix is then
requested as every role other than Alice herself (her partner, her former partner, a stranger,
staff, and clinicians granted each scope: reports only, dynamics only, both, revoked, another
couple's), and each response (status, content type, file name, body: pages, fragments, API JSON,
SVG figures, PDF, CSV, the export zip) and every email sent to anyone but Alice must be the same
in both worlds once times and per-request tokens are normalised.

Routes come from the access matrix, which fails when a route has no entry there, so a new route
is covered here without anyone remembering to add it. Each request runs in a savepoint that is
rolled back, so a POST by one role never changes what the next request sees; and each world is
built in a savepoint too, so both worlds get the same database ids (on PostgreSQL every
sequence restarts at the same value for each world).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, TestCase
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from interdep.clinic import services as clinic_services
from interdep.demo import demo_answers
from interdep.science.instrument import load_instrument

from .access import ROLES
from .conftest import make_person
from .test_access_matrix import MATRIX, _request, build_world, enumerate_routes

#: Clinicians with one scope each (the access matrix's "clinician" has both).
SCOPED = {
    "clinician_reports": {"reports": True, "dynamics": False},
    "clinician_dynamics": {"reports": False, "dynamics": True},
}
OBSERVERS = tuple(r for r in ROLES if r != "self") + tuple(SCOPED)


def alice_answers(level: str) -> dict[str, int]:
    """The access matrix's answers for Alice with every safety item at one end of the scale."""
    instrument = load_instrument()
    answers = demo_answers(11, lean=0.8)
    end = instrument.scale.min if level == "lowest" else instrument.scale.max
    for item in instrument.items:
        if item.safety:
            answers[item.id] = int(end)
    return answers


_NORMALISE = [
    # per-request tokens
    (re.compile(rb"\b[A-Za-z0-9]{64}\b"), rb"<csrf>"),  # Django's masked CSRF token
    # random one-time codes: couple invites (ABCD-EFGH) and clinician codes (DR-ABCDEFGH)
    (re.compile(rb"\b(DR-[A-Z0-9]{8}|[A-Z0-9]{4}-[A-Z0-9]{4})\b"), rb"<code>"),
    # times: ISO timestamps, clock times, "n minutes ago" (the two worlds are seconds apart)
    (
        re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?"),
        rb"<datetime>",
    ),
    (re.compile(rb"\b\d{1,2}:\d\d(:\d\d)?(\s?[ap]\.?m\.?)?", re.I), rb"<time>"),
    (
        re.compile(rb"\d+(\s|\xc2\xa0|&nbsp;)(second|minute|hour)s?", re.I),
        rb"<n> <unit>",
    ),
    (re.compile(rb"\bjust now\b"), rb"<n> <unit> ago"),  # a notice under a minute old
]
_PDF_VOLATILE = re.compile(rb"/(CreationDate|ModDate) *\([^)]*\)|/ID *\[[^\]]*\]")


def normalise(data: bytes) -> bytes:
    for pattern, replacement in _NORMALISE:
        data = pattern.sub(replacement, data)
    return data


def _pdf_text(data: bytes) -> bytes:
    """A PDF as its text and its images (text layout in a PDF is not byte-stable in time)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = []
    for page in reader.pages:
        parts.append(page.extract_text().encode())
        for image in page.images:
            parts.append(image.data)
    return b"\n--page--\n".join(parts)


def body_of(response) -> bytes:
    """The bytes a person receives, with zips opened (entries in order, each normalised) and
    PDFs read as text and images; everything else normalised as it is."""
    data = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return b"\n".join(
                b"== " + name.encode() + b"\n" + normalise(archive.read(name))
                for name in archive.namelist()
            )
    if data.startswith(b"%PDF"):
        return normalise(_pdf_text(_PDF_VOLATILE.sub(b"", data)))
    return normalise(data)


def _add_scoped_clinicians(world) -> None:
    people = world["people"]
    alice, bob, staff = people["self"], people["partner"], people["staff"]
    for role, scope in SCOPED.items():
        person = make_person(role.replace("_", " ").title())
        profile = clinic_services.clinician_apply(
            person=person, professional_name=person.display_name, registration="HCPC PYL54321"
        )
        profile = clinic_services.clinician_verify(profile=profile, staff=staff)
        grant = clinic_services.grant_propose(person=alice, code=profile.code, **scope)
        clinic_services.grant_agree(person=bob, grant_id=grant.pk)
        people[role] = person


def _emails(alice_email: str, start: int) -> list[bytes]:
    """Emails sent since ``start`` to anyone but Alice."""
    out = []
    for message in mail.outbox[start:]:
        recipients = [r for r in message.to + message.cc + message.bcc if r != alice_email]
        if recipients:
            text = f"to={recipients}\nsubject={message.subject}\n{message.body}"
            for content, _ in getattr(message, "alternatives", []):
                text += f"\n{content}"
            out.append(normalise(text.encode()))
    return out


def _start_ids_afresh() -> None:
    """SQLite hands out the same row ids again after a rollback; PostgreSQL's sequences do not
    roll back, so on PostgreSQL every sequence restarts at the same value for each world."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid::regclass::text FROM pg_class WHERE relkind = 'S'")
        for (sequence,) in cursor.fetchall():
            cursor.execute("SELECT setval(%s, 1000000, false)", [sequence])


def _run_queued_tasks() -> int:
    """Run the background tasks a request queued, as the task worker would, so what they send
    (emails, notifications) is compared too; the savepoint then rolls them back."""
    ran = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by(
        "enqueued_at"
    ):
        args_kwargs = result.args_kwargs
        result.task.call(*args_kwargs["args"], **args_kwargs["kwargs"])
        result.delete()
        ran += 1
    return ran


def receive_everything(level: str) -> tuple[dict, bytes]:
    """Build one world and record what every observer receives from every route; returns the
    records and Alice's own report (to show the two worlds really differ for her)."""
    records: dict[tuple[str, str], tuple] = {}
    mail.outbox = []
    _start_ids_afresh()
    tasks_run = 0
    with transaction.atomic():
        cache.clear()
        world = build_world(alice_answers(level))
        _add_scoped_clinicians(world)
        alice = world["people"]["self"]
        records[("build", "emails")] = tuple(_emails(alice.email, 0))
        own = Client()
        own.force_login(alice)
        alice_sees = normalise(own.get(f"/report/{world['ids']['assessment']}/").content)
        for role in OBSERVERS:
            client = Client()
            actor = world["people"].get(role)
            if actor is not None:
                client.force_login(actor)
            signed_in = copy.deepcopy(client.cookies)
            for route in sorted(MATRIX):
                case = MATRIX[route]
                sent = len(mail.outbox)
                with transaction.atomic():
                    cache.clear()
                    client.cookies = copy.deepcopy(signed_in)  # a logout before does not last
                    with TestCase.captureOnCommitCallbacks(execute=True):
                        response = _request(client, case, world["ids"])
                    # what the task worker would send afterwards, emails too
                    tasks_run += _run_queued_tasks()
                    records[(role, route)] = (
                        response.status_code,
                        response.get("Content-Type", ""),
                        normalise(response.get("Content-Disposition", "").encode()),
                        body_of(response),
                        tuple(_emails(alice.email, sent)),
                    )
                    transaction.set_rollback(True)
        transaction.set_rollback(True)
    records[("tasks", "run")] = (tasks_run,)
    return records, alice_sees


def _first_difference(a: bytes, b: bytes) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    lo = max(0, at - 120)
    return f"...{a[lo : at + 120]!r}\n   vs ...{b[lo : at + 120]!r}"


@pytest.mark.django_db(transaction=False)
def test_safety_answers_change_nothing_anyone_else_receives():
    assert set(MATRIX) == enumerate_routes(), "the access matrix is out of date"
    low, alice_low = receive_everything("lowest")
    high, alice_high = receive_everything("highest")
    # Not vacuous: Alice's own report does differ between the worlds (her safety note, her own
    # full scores), and every observer was asked every route.
    assert alice_low != alice_high
    assert set(low) == set(high)
    assert len(low) == 2 + len(OBSERVERS) * len(MATRIX)
    assert low[("tasks", "run")][0] > 0  # background work (emails, notices) was compared too

    differences = []
    for key in sorted(low):
        if low[key] != high[key]:
            a, b = low[key], high[key]
            detail = ""
            if key[0] not in ("build", "tasks"):
                for part, name in (
                    (0, "status"),
                    (1, "type"),
                    (2, "file"),
                    (3, "body"),
                    (4, "emails"),
                ):
                    if a[part] != b[part]:
                        detail = f"{name} differs"
                        if name == "body":
                            detail += ": " + _first_difference(a[3], b[3])
                        break
            differences.append(f"{key[0]} <- {key[1]}: {detail}")
    assert not differences, (
        f"{len(differences)} responses depend on Alice's safety answers:\n" + "\n".join(differences)
    )
