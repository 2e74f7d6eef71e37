from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "cohort.journeys"
    label = "journeys"

    def ready(self):
        from django.db.models.signals import post_save

        from cohort.accounts.models import User
        from cohort.accounts.signals import member_joined
        from cohort.journeys.services import member_joined_received, user_saved_received

        # Members are on the current path from the moment they join, however they join.
        post_save.connect(user_saved_received, sender=User, dispatch_uid="journeys-enroll")
        member_joined.connect(member_joined_received, dispatch_uid="journeys-enroll-many")
