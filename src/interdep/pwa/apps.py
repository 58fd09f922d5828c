from django.apps import AppConfig


class PwaConfig(AppConfig):
    name = "interdep.pwa"
    verbose_name = "Installable app and site pages"

    def ready(self) -> None:
        from interdep.pwa import roles  # deferred: connect signals once the registry is ready

        roles.connect()
