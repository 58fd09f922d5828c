"""However an account is deleted (the delete page, the admin, a script), every registered
eraser runs first, inside the same transaction."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from interdep.datarights.services import erase_person_data


@receiver(
    pre_delete, sender=get_user_model(), dispatch_uid="datarights-erase-before-account-delete"
)
def _erase_before_account_delete(sender, instance, **kwargs):
    erase_person_data(person=instance)
