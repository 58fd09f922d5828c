from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "interdep.api"
    label = "api"
