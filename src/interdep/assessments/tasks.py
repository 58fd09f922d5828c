"""Background work for assessments (run by the db_worker; arguments are ids, never objects)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from interdep.access.assessments import latest_submitted
from interdep.access.core import couple_report_access
from interdep.assessments import report_cache


@task()
def reports_prepare(person_id: int) -> int:
    """Compute and keep a person's latest report, and their couple report for both partners if
    it exists now, so the first view after a submit (or a yes to sharing) is as fast as the
    next. Returns how many reports were prepared (the pages compute any that are missing)."""
    person = get_user_model().objects.filter(pk=person_id).first()
    if person is None:
        return 0
    prepared = 0
    latest = latest_submitted(person)
    if latest is not None:
        report_cache.private_report(latest)
        prepared += 1
    access = couple_report_access(person)
    if access.allowed:
        report_cache.prepare_couple(access)
        prepared += 2
    return prepared
