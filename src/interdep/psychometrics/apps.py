from django.apps import AppConfig


class PsychometricsConfig(AppConfig):
    name = "interdep.psychometrics"
    label = "psychometrics"

    def ready(self) -> None:
        from interdep.datarights.registry import DataHolder, register
        from interdep.psychometrics import services

        # Anchor answers cascade with their assessment; the export lists them with it.
        register(DataHolder("anchors", services.export_anchors))
