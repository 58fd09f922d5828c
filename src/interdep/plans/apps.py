from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "interdep.plans"
    label = "plans"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.plans import datarights  # deferred: models load after apps

        datarights.register_holder()
