from django.apps import AppConfig


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
