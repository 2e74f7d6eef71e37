from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cohort.accounts"
    label = "accounts"
    verbose_name = "Accounts and groups"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cohort.accounts.models import Division, Group, User
        from cohort.accounts.services.groups import group_members_forget
        from cohort.accounts.signals import standing_changed
        from cohort.accounts.tokens import api_tokens_forget_all, api_tokens_forget_user

        standing_changed.connect(group_members_forget, dispatch_uid="group-members-cache")
        post_save.connect(api_tokens_forget_user, sender=User, dispatch_uid="api-token-cache")
        post_delete.connect(api_tokens_forget_user, sender=User, dispatch_uid="api-token-cache-d")
        for model in (Group, Division):
            uid = f"api-token-cache-{model.__name__}"
            post_save.connect(api_tokens_forget_all, sender=model, dispatch_uid=uid)
            post_delete.connect(api_tokens_forget_all, sender=model, dispatch_uid=uid + "-d")
