from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "interdep.exercises"
    label = "exercises"
