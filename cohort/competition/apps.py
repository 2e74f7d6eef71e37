from django.apps import AppConfig


class CompetitionConfig(AppConfig):
    name = "cohort.competition"
    verbose_name = "Leaderboards"

    def ready(self):
        from cohort.accounts.signals import standing_changed
        from cohort.competition.services.boards import standing_changed_received

        standing_changed.connect(standing_changed_received, dispatch_uid="leaderboards")
