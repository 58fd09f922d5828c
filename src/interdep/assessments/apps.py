from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "interdep.assessments"
    label = "assessments"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.assessments import datarights  # deferred: models load after apps

        datarights.register_holder()
