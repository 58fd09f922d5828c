"""Encryption at rest for private free text (check-in notes, reflections, exercise entries).

The database alone reveals none of it: values are Fernet tokens (AES-128-CBC + HMAC-SHA256).
Keys come from ``settings.ENCRYPTION_KEYS`` (environment ``INTERDEP_ENCRYPTION_KEYS``, comma
separated, newest first). Older keys still decrypt, so keys can be rotated: put a new key first,
then run ``interdep manage rotate_encryption`` to re-encrypt every stored value with it.
"""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction


def generate_key() -> str:
    """A new random key, for INTERDEP_ENCRYPTION_KEYS."""
    return Fernet.generate_key().decode()


def _development_key() -> str:
    """Outside production, a key derived from SECRET_KEY so a developer needs no set-up."""
    digest = hashlib.sha256(("interdep-encryption:" + settings.SECRET_KEY).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@functools.cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "INTERDEP_ENCRYPTION_KEYS holds a key that is not a Fernet key"
        ) from exc


def cipher() -> MultiFernet:
    keys = tuple(getattr(settings, "ENCRYPTION_KEYS", None) or ())
    if not keys:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("PRODUCTION=true needs INTERDEP_ENCRYPTION_KEYS")
        keys = (_development_key(),)
    return _cipher(keys)


def encrypt(text: str) -> str:
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "a stored value cannot be decrypted with any configured key (was a key removed too early?)"
        ) from exc


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted; reads give back the plain text. Not searchable or sortable by
    design: nothing should query inside private notes."""

    description = "Text encrypted at rest"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)


def rotate_model_field(model: type[models.Model], field_name: str, *, batch_size: int = 500) -> int:
    """Re-encrypt one encrypted column with the newest key: reading decrypts with any configured
    key and saving encrypts with the first, so a load-and-save is the rotation."""
    changed = 0
    with transaction.atomic():
        rows = model.objects.exclude(**{field_name: ""}).only("pk", field_name)
        batch = []
        for row in rows.iterator(chunk_size=batch_size):
            batch.append(row)
            if len(batch) >= batch_size:
                changed += model.objects.bulk_update(batch, [field_name])
                batch = []
        if batch:
            changed += model.objects.bulk_update(batch, [field_name])
    return changed


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored with EncryptedTextField, for rotation and tests."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]
