from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tnrwatch.accounts"
    label = "accounts"
