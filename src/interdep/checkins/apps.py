from django.apps import AppConfig

from interdep.checkins.signals import checkins_changed
from interdep.couples.signals import sharing_changed


class CheckinsConfig(AppConfig):
    name = "interdep.checkins"
    label = "checkins"
    verbose_name = "Daily check-ins"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.checkins import clinic, datarights, tasks  # deferred: models load after apps

        datarights.register_holder()
        clinic.register_source_for_clinic()
        # "Us over time" follows the check-ins and the couple's consent.
        checkins_changed.connect(tasks.on_checkins_changed, dispatch_uid="checkins_us_over_time")
        sharing_changed.connect(tasks.on_sharing_changed, dispatch_uid="checkins_sharing")
