import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


def _pending_plausible_from_threshold(apps, schema_editor):
    """Days already awaiting review were flagged before the threshold was kept with them:
    they count at most the manual-entry threshold until reviewed."""
    DailyActivity = apps.get_model("activity", "DailyActivity")
    DailyActivity.objects.filter(review="pending", plausible_steps__isnull=True).update(
        plausible_steps=settings.ACTIVITY_FLAG_STEPS
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0006_streak_days_signature"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyactivity",
            name="plausible_steps",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="The member's flag threshold when the day was flagged: while it awaits review it counts at most this many steps.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="dailyactivity",
            name="counted_steps",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(review="rejected", then=models.Value(0)),
                    models.When(
                        review="pending",
                        then=django.db.models.functions.comparison.Least(
                            models.F("steps"),
                            django.db.models.functions.comparison.Coalesce(
                                models.F("plausible_steps"),
                                models.Value(0),
                                output_field=models.IntegerField(),
                            ),
                            output_field=models.IntegerField(),
                        ),
                    ),
                    default=models.F("steps"),
                    output_field=models.IntegerField(),
                ),
                help_text="What the day counts towards progress, streaks and points.",
                output_field=models.IntegerField(),
            ),
        ),
        migrations.RunPython(_pending_plausible_from_threshold, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="dailyactivity",
            name="activity_counted_steps",
        ),
        migrations.AddIndex(
            model_name="dailyactivity",
            index=models.Index(
                condition=models.Q(("counted_steps__gt", 0)),
                fields=["user", "date"],
                include=("counted_steps",),
                name="activity_counted_steps",
            ),
        ),
    ]
