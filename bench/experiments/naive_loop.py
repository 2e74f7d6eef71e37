"""The baseline: the seed's DailyStepUpdateJob, member by member (Rails' find_each), with
the same rules and the same results as the set-based job. Only for the benchmark."""

from django.db.models import Sum


def progress_loop_all(batch: int = 1_000, limit: int | None = None) -> int:
    from cohort.accounts.models import User
    from cohort.activity.models import DailyActivity
    from cohort.journeys.models import Enrollment
    from cohort.journeys.progress import progress_for_steps
    from cohort.journeys.selectors import path_current_get
    from cohort.journeys.services import milestone_notification_drafts
    from cohort.notifications.services import notifications_create

    path = path_current_get()
    walkers = User.objects.filter(role=User.Role.MEMBER, is_active=True).order_by("pk")
    done, last = 0, 0
    while True:
        ids = list(walkers.filter(pk__gt=last).values_list("pk", flat=True)[:batch])
        if not ids or (limit and done >= limit):
            return done
        last = ids[-1]
        for user_id in ids[: limit - done] if limit else ids:
            enrollment = Enrollment.objects.get(user_id=user_id, path_id=path.id)
            days = DailyActivity.objects.filter(
                user_id=user_id, date__gte=enrollment.started_on
            ).exclude(review=DailyActivity.Review.REJECTED)
            steps = days.aggregate(total=Sum("steps"))["total"] or 0
            progress = progress_for_steps(
                steps=steps,
                steps_per_unit=path.steps_per_unit,
                total=path.total_distance,
                milestones=path.milestones,
            )
            enrollment.steps = steps
            enrollment.distance, enrollment.progress = progress.distance, progress.percent
            enrollment.current_milestone_id = progress.milestone.id if progress.milestone else None
            reached = progress.milestone.order if progress.milestone else 0
            if reached > enrollment.notified_order:
                notifications_create(
                    drafts=milestone_notification_drafts(enrollment, path, reached)
                )
                enrollment.notified_order = reached
            enrollment.save()
            done += 1
