from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from interdep.couples.signals import sharing_changed


class CheckinsConfig(AppConfig):
    name = "interdep.checkins"
    label = "checkins"
    verbose_name = "Daily check-ins"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.checkins import clinic, datarights, tasks  # deferred: models load after apps
        from interdep.checkins.models import CheckIn  # deferred: models load after apps

        datarights.register_holder()
        clinic.register_source_for_clinic()
        # "Us over time" follows the check-ins and the couple's consent.
        post_save.connect(tasks.on_checkin_changed, sender=CheckIn, dispatch_uid="checkin_saved")
        post_delete.connect(
            tasks.on_checkin_changed, sender=CheckIn, dispatch_uid="checkin_deleted"
        )
        sharing_changed.connect(tasks.on_sharing_changed, dispatch_uid="checkins_sharing")
