from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "interdep.accounts"
    label = "accounts"
