from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "interdep.couples"
    label = "couples"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.couples import datarights  # deferred: models load after apps

        datarights.register_holder()
