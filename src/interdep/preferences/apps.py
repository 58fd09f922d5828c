from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "interdep.preferences"
    verbose_name = "Account settings"

    def ready(self) -> None:
        from interdep.preferences import (
            reauth,
        )  # deferred: connect signals once the registry is ready

        reauth.connect()
