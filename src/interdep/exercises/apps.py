from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "interdep.exercises"
    label = "exercises"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.exercises import datarights  # deferred: models load after apps

        datarights.register_holder()
