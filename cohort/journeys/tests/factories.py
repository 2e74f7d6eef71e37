import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from cohort.accounts.tests.factories import StaffFactory
from cohort.journeys.models import Milestone, Path
from cohort.journeys.services import path_cache_clear

# 100 steps a unit keeps the arithmetic readable: 1,000 steps = 10 units.
STEPS_PER_UNIT = 100


def path_create(
    *,
    name: str = "Test Way",
    total: int = 100,
    milestones: tuple[tuple[str, int], ...] = (
        ("Start", 0),
        ("Ford", 10),
        ("Inn", 50),
        ("End", 100),
    ),
    start: dt.date | None = None,
    end: dt.date | None = None,
    current: bool = True,
    next_path: Path | None = None,
) -> Path:
    """A path with milestones on a straight line (x = distance * 10), made current."""
    start = start or timezone.localdate() - dt.timedelta(days=30)
    path = Path.objects.create(
        name=name,
        unit=Path.Unit.KILOMETRES,
        steps_per_unit=STEPS_PER_UNIT,
        total_distance=Decimal(total),
        start_date=start,
        end_date=end,
        is_current=current,
        next_path=next_path,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(path=path, order=i, name=n, distance=Decimal(d), x=d * 10.0, y=100.0)
            for i, (n, d) in enumerate(milestones)
        ]
    )
    path_cache_clear()
    return path


def path_make_current_in_admin(client, path):
    """The admin's "make current" action on `path`, signed in as staff; the page it ends on."""
    client.force_login(StaffFactory())
    return client.post(
        reverse("admin:journeys_path_changelist"),
        {"action": "make_current", "_selected_action": [path.pk]},
        follow=True,
    )
