from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "outsidein.accounts"
    label = "accounts"
    verbose_name = "Organizations and access"
