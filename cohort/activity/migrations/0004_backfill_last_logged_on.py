from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    """Each member's latest logged day, for members from before the field existed."""
    User = apps.get_model("accounts", "User")
    DailyActivity = apps.get_model("activity", "DailyActivity")
    latest = DailyActivity.objects.filter(user_id=OuterRef("pk")).order_by("-date").values("date")
    ids = list(User.objects.filter(last_logged_on__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        User.objects.filter(pk__in=ids[start : start + 2000]).update(
            last_logged_on=Subquery(latest[:1])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0003_drop_redundant_user_index"),
        ("accounts", "0004_last_logged_on"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
