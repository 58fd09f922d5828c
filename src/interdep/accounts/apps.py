from django.apps import AppConfig
from django.db.models.signals import post_migrate

from interdep.lib import throttle


class AccountsConfig(AppConfig):
    name = "interdep.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep import deploy  # deferred: checks register once the apps are ready
        from interdep.accounts import (
            datarights,  # deferred: models load after apps
            sessions,  # noqa: F401  (connects the sign-in receiver)
        )

        datarights.register_holder()
        deploy.register_checks()
        # The database cache's table (no Redis) is made by `migrate` itself.
        post_migrate.connect(throttle.create_cache_tables, sender=self)
