"""Re-encrypt every encrypted column with the newest key (the first of INTERDEP_ENCRYPTION_KEYS).

Rotation: put a new key first in INTERDEP_ENCRYPTION_KEYS (keep the old ones after it), restart,
run this command, then the old keys may be removed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from interdep.crypto import encrypted_fields, rotate_model_field


class Command(BaseCommand):
    help = "Re-encrypt all private free text with the newest encryption key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        total = 0
        for model, field in encrypted_fields():
            changed = rotate_model_field(model, field, batch_size=batch_size)
            total += changed
            self.stdout.write(f"{model._meta.label}.{field}: {changed} re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(f"done: {total} values re-encrypted with the newest key")
        )
