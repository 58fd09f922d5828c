from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "interdep.preferences"
    verbose_name = "Account settings"
