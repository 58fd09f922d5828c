from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "interdep.checkins"
    label = "checkins"
    verbose_name = "Daily check-ins"
