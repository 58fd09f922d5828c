from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "interdep.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Each app registers its own data holder (and clinic section): nobody does it for it.
        from interdep.accounts import datarights  # deferred: models load after apps

        datarights.register_holder()
