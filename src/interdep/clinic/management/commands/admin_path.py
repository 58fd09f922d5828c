"""Print where the staff admin lives (it is never at /admin/)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the path of the staff admin (set INTERDEP_ADMIN_PATH to choose it)."

    def handle(self, *args, **options):
        self.stdout.write(f"/{settings.ADMIN_PATH}/")
