from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "interdep.couples"
    label = "couples"
