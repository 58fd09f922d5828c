from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "interdep.checkins"
    label = "checkins"
    verbose_name = "Daily check-ins"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.checkins import clinic, datarights  # deferred: models load after apps

        datarights.register_holder()
        clinic.register_source_for_clinic()
