from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cohort.accounts"
    label = "accounts"
    verbose_name = "Accounts and groups"

    def ready(self):
        from cohort.accounts.selectors import group_members_forget
        from cohort.accounts.signals import standing_changed

        standing_changed.connect(group_members_forget, dispatch_uid="group-members-cache")
