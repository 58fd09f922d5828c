from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "interdep.clinic"
    label = "clinic"
    verbose_name = "Clinicians"

    def ready(self) -> None:
        from interdep.clinic.sources import register_default_sources

        register_default_sources()
