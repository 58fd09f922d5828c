"""Private free text is encrypted at rest: the raw table holds Fernet tokens only, keys come from
the environment, and `rotate_encryption` re-encrypts everything with the newest key."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models

from interdep import crypto

PLAIN = "We argued about the holiday; I felt small - heron"


class SecretNote(models.Model):
    """A throw-away model holding one encrypted column (its table exists only during a test)."""

    body = crypto.EncryptedTextField(blank=True, default="")

    class Meta:
        app_label = "datarights"


@pytest.fixture
def notes(transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(SecretNote)
    yield SecretNote
    with connection.schema_editor() as editor:
        editor.delete_model(SecretNote)


@pytest.fixture(scope="module", autouse=True)
def _forget_the_model_afterwards():
    yield
    apps.all_models["datarights"].pop("secretnote", None)
    apps.clear_cache()


def _raw(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {SecretNote._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_alone_reveals_none_of_the_text(notes, settings):
    key = crypto.generate_key()
    settings.ENCRYPTION_KEYS = [key]
    note = notes.objects.create(body=PLAIN)
    raw = _raw(note.pk)
    assert PLAIN not in raw and "heron" not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token (version byte 0x80)
    assert Fernet(key.encode()).decrypt(raw.encode()).decode() == PLAIN
    assert notes.objects.get(pk=note.pk).body == PLAIN
    other = notes.objects.create(body=PLAIN)
    assert _raw(other.pk) != raw  # a fresh IV each time: equal texts do not look equal


def test_rotation_re_encrypts_every_value_with_the_newest_key(notes, settings):
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.ENCRYPTION_KEYS = [old]
    ids = [notes.objects.create(body=f"{PLAIN} {k}").pk for k in range(3)]
    empty = notes.objects.create(body="").pk
    settings.ENCRYPTION_KEYS = [new, old]  # the new key first; the old one still reads
    assert notes.objects.get(pk=ids[0]).body == f"{PLAIN} 0"
    out = io.StringIO()
    call_command("rotate_encryption", batch_size=2, stdout=out)
    assert "datarights.SecretNote.body: 3 re-encrypted" in out.getvalue()
    for k, pk in enumerate(ids):
        assert Fernet(new.encode()).decrypt(_raw(pk).encode()).decode() == f"{PLAIN} {k}"
        with pytest.raises(InvalidToken):
            Fernet(old.encode()).decrypt(_raw(pk).encode())
    assert _raw(empty) == ""
    settings.ENCRYPTION_KEYS = [new]  # the old key can go now
    assert [notes.objects.get(pk=pk).body for pk in ids] == [f"{PLAIN} {k}" for k in range(3)]


def test_a_value_whose_key_was_removed_is_an_error_not_garbage(notes, settings):
    settings.ENCRYPTION_KEYS = [crypto.generate_key()]
    pk = notes.objects.create(body=PLAIN).pk
    settings.ENCRYPTION_KEYS = [crypto.generate_key()]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        notes.objects.get(pk=pk)


def test_rotation_covers_every_encrypted_column_of_the_installed_apps():
    found = {f"{model._meta.label}.{field}" for model, field in crypto.encrypted_fields()}
    expected = {
        "checkins.CheckIn.note": "interdep.checkins",
        "plans.PlanItem.reflection": "interdep.plans",
        "exercises.ExerciseEntry.content": "interdep.exercises",
    }
    assert set(expected) <= found


def _settings_in_a_fresh_process(extra_env: dict, code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "interdep.settings", **extra_env}
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_keys_come_from_the_environment_newest_first(tmp_path):
    a, b = crypto.generate_key(), crypto.generate_key()
    done = _settings_in_a_fresh_process(
        {"INTERDEP_ENCRYPTION_KEYS": f"{a}, {b}", "INTERDEP_VAR_DIR": str(tmp_path)},
        "from django.conf import settings; from interdep import crypto; "
        "print(','.join(settings.ENCRYPTION_KEYS)); print(crypto.encrypt('x'))",
    )
    assert done.returncode == 0, done.stderr
    keys, token = done.stdout.split()
    assert keys == f"{a},{b}"
    assert Fernet(a.encode()).decrypt(token.encode()) == b"x"  # written with the first key


def test_production_refuses_to_encrypt_without_keys(tmp_path):
    done = _settings_in_a_fresh_process(
        {
            "PRODUCTION": "true",
            "SECRET_KEY": "s" * 60,
            "ALLOWED_HOSTS": "x.example.org",
            "INTERDEP_VAR_DIR": str(tmp_path),
            "INTERDEP_ENCRYPTION_KEYS": "",
        },
        "from interdep import crypto; crypto.encrypt('x')",
    )
    assert done.returncode != 0 and "INTERDEP_ENCRYPTION_KEYS" in done.stderr
