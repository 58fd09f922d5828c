from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "interdep.plans"
    label = "plans"
