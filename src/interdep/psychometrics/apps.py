from django.apps import AppConfig


class PsychometricsConfig(AppConfig):
    name = "interdep.psychometrics"
    label = "psychometrics"

    def ready(self) -> None:
        # Each app registers its own data holder: the anchor answers join the export.
        from interdep.psychometrics import datarights  # deferred: models load after apps

        datarights.register_holder()
