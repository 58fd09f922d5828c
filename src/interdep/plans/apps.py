from django.apps import AppConfig

from interdep.couples.signals import sharing_changed


class PlansConfig(AppConfig):
    name = "interdep.plans"
    label = "plans"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.plans import datarights, services  # deferred: models load after apps

        datarights.register_holder()
        # Practices for the two of them follow the couple report's consent and the link.
        sharing_changed.connect(services.on_sharing_changed, dispatch_uid="plans_sharing")
