from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cohort.accounts"
    label = "accounts"
    verbose_name = "Accounts and groups"
