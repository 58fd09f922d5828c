from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "interdep.clinic"
    label = "clinic"
    verbose_name = "Clinicians"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.clinic import datarights  # deferred: models load after apps

        datarights.register_holder()
