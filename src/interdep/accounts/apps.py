from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "interdep.accounts"
    label = "accounts"

    def ready(self):
        from interdep import deploy
        from interdep.accounts import sessions  # noqa: F401  (connects the sign-in receiver)

        deploy.register_checks()
