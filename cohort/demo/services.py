"""Demo data: a realistic, idempotent data set for `make run` and benchmarks."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery

from cohort.accounts.models import MAX_GROUP_MEMBERS, Division, Group, User
from cohort.activity.models import DailyActivity
from cohort.activity.services.recompute import progress_recompute_groups
from cohort.core.clock import programme_today
from cohort.demo.camino import (
    CAMINO_GPX,
    CAMINO_POSTCARDS,
    ILLUSTRATED_PATH_NAME,
    LAKESIDE_MILESTONES,
    STEPS_PER_KM,
)
from cohort.demo.mentors import DEMO_DOMAIN
from cohort.demo.seasons import demo_programme_seed
from cohort.journeys.models import Milestone, Path
from cohort.journeys.services import path_cache_clear, path_import, path_make_current

MARKER_COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#db2777"]
FIRST_NAMES = [
    "Ana", "Ben", "Chloé", "Dev", "Ebo", "Fatima", "Gus", "Hana", "Ivan", "Jia", "Kofi",
    "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tariq",
]  # fmt: skip
LAST_NAMES = ["Silva", "Okafor", "Novak", "Kim", "Haddad", "Moreau", "Singh", "Lopez", "Berg"]


@dataclass(frozen=True)
class DemoSignIn:
    member_email: str
    organiser_email: str
    password: str
    created_members: int


def _member_email(n: int) -> str:
    return f"member{n}@{DEMO_DOMAIN}"


@transaction.atomic
def demo_seed(*, members: int, password: str) -> DemoSignIn:
    """Create what is missing of the demo: an organiser, a division, and `members` members in
    groups of 20 sharing `password`. Running it again changes nothing."""
    organiser_email = f"organiser@{DEMO_DOMAIN}"
    if not User.objects.filter(email=organiser_email).exists():
        User.objects.create_user(
            organiser_email, "Olivia Organiser", password, role=User.Role.ORGANISER
        )
    division, _ = Division.objects.get_or_create(name="Camino pilot")
    group_count = max(1, -(-members // MAX_GROUP_MEMBERS))
    existing_groups = {g.name: g for g in Group.objects.filter(name__startswith="Walkers ")}
    new_groups = []
    for index in range(1, group_count + 1):
        name = f"Walkers {index:03d}"
        if name not in existing_groups:
            group = Group(name=name, division=division)
            group.set_password(password)
            new_groups.append(group)
    # One hash for every new group: Argon2 per group would dominate large seeds.
    if new_groups:
        for group in new_groups[1:]:
            group.password = new_groups[0].password
        Group.objects.bulk_create(new_groups)
        existing_groups = {g.name: g for g in Group.objects.filter(name__startswith="Walkers ")}
    known = set(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True)
    )
    new_users = []
    for n in range(1, members + 1):
        email = _member_email(n)
        if email in known:
            continue
        group = existing_groups[f"Walkers {(n - 1) // MAX_GROUP_MEMBERS + 1:03d}"]
        user = User(
            email=email,
            display_name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}",
            group=group,
            marker_colour=MARKER_COLOURS[n % len(MARKER_COLOURS)],
        )
        user.set_unusable_password()
        new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=2000)
    _demo_counts_and_leaders()
    path = _demo_path()
    if new_users:
        _demo_activity(path, emails={u.email for u in new_users})
        progress_recompute_groups(group_ids=list(Group.objects.values_list("pk", flat=True)))
    demo_programme_seed()
    return DemoSignIn(_member_email(1), organiser_email, password, len(new_users))


DEMO_PATH_NAME = "Camino Francés"
DEMO_DAYS = 30


def _demo_path() -> Path:
    """The Camino as the current path, started DEMO_DAYS ago, if no path exists yet:
    imported from the shipped GPX by the same service as `import_path` and the API. And
    the illustrated Lakeside Loop beside it (not current)."""
    path = Path.objects.filter(name=DEMO_PATH_NAME).first()
    if path is not None:
        return path
    start = programme_today() - dt.timedelta(days=DEMO_DAYS)
    with CAMINO_GPX.open("rb") as gpx:
        path = path_import(
            source=gpx, name=DEMO_PATH_NAME, unit=Path.Unit.KILOMETRES, start_date=start
        )
    path.description = "Saint-Jean-Pied-de-Port to Santiago de Compostela across northern Spain."
    path.end_date = start + dt.timedelta(days=180)
    path.steps_per_unit = STEPS_PER_KM
    path.save(update_fields=["description", "end_date", "steps_per_unit", "updated_at"])
    milestones = list(path.milestones.all())
    for milestone in milestones:
        milestone.postcard = CAMINO_POSTCARDS.get(milestone.name, "")
    Milestone.objects.bulk_update(milestones, ["postcard"])
    _demo_illustrated_path(start)
    if not Path.objects.filter(is_current=True).exists():
        path_make_current(path=path)
    path_cache_clear()
    return path


def _demo_illustrated_path(start: dt.date) -> None:
    """An illustrated path: milestones in a drawing's pixels, its line through them."""
    if Path.objects.filter(name=ILLUSTRATED_PATH_NAME).exists():
        return
    path = Path.objects.create(
        name=ILLUSTRATED_PATH_NAME,
        description="Once round the lake, drawn rather than mapped.",
        unit=Path.Unit.KILOMETRES,
        steps_per_unit=STEPS_PER_KM,
        total_distance=Decimal(LAKESIDE_MILESTONES[-1][1]),
        start_date=start,
        kind=Path.Kind.ILLUSTRATED,
    )
    Milestone.objects.bulk_create(
        Milestone(path=path, order=n, name=name, distance=Decimal(km), x=x, y=y, postcard=text)
        for n, (name, km, x, y, text) in enumerate(LAKESIDE_MILESTONES)
    )


def _demo_activity(path: Path, *, emails: set[str]) -> None:
    """DEMO_DAYS of plausible steps for each new demo member, before today."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    today = programme_today()
    first = max(path.start_date, today - dt.timedelta(days=DEMO_DAYS))
    rows = []
    for user_id in User.objects.filter(email__in=emails).values_list("pk", flat=True):
        habit = rng.randint(4_000, 14_000)
        day = first
        while day < today:
            if rng.random() < 0.85:
                steps = max(0, int(rng.gauss(habit, habit * 0.25)))
                rows.append(DailyActivity(user_id=user_id, date=day, steps=steps, source="web"))
            day += dt.timedelta(days=1)
    DailyActivity.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    latest = DailyActivity.objects.filter(user_id=OuterRef("pk")).order_by("-date").values("date")
    User.objects.filter(email__in=emails).update(last_logged_on=Subquery(latest[:1]))


def _demo_counts_and_leaders() -> None:
    """Set each demo group's member count and first member as leader, in two statements."""
    from django.db.models import Count, Min, OuterRef, Subquery

    members = User.objects.filter(group=OuterRef("pk"), is_active=True).values("group")
    Group.objects.filter(name__startswith="Walkers ").update(
        member_count=Subquery(members.annotate(c=Count("id")).values("c")[:1]),
    )
    Group.objects.filter(name__startswith="Walkers ", leader__isnull=True).update(
        leader=Subquery(members.annotate(first=Min("id")).values("first")[:1]),
    )
