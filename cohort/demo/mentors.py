"""The demo's mentors: one for each demo group (mentorN@ mentors "Walkers N"), signing in
with the organiser's password, and some pending Kickoff work for them to review."""

from cohort.accounts.models import Group, User
from cohort.competition.models import Season
from cohort.reviews.models import Assignment, Submission

DEMO_DOMAIN = "demo.cohort.example"  # every demo account's address ends with it
PENDING_GROUPS = 5  # groups whose first members have handed in Kickoff work
PENDING_MEMBERS = 3


def demo_mentors_seed() -> None:
    """Create what is missing of the demo mentors and their pending work; running it again
    changes nothing."""
    groups = list(Group.objects.filter(name__startswith="Walkers ").order_by("name"))
    mentors = _mentors(count=len(groups))
    Group.mentors.through.objects.bulk_create(
        [
            Group.mentors.through(group_id=group.pk, user_id=mentor.pk)
            for group, mentor in zip(groups, mentors, strict=True)
        ],
        ignore_conflicts=True,
    )
    _pending_work(groups[:PENDING_GROUPS])


def _mentors(*, count: int) -> list[User]:
    """mentor1 .. mentor<count>, with the demo organiser's password hash (no hashing)."""
    emails = [f"mentor{n}@{DEMO_DOMAIN}" for n in range(1, count + 1)]
    known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    password = (
        User.objects.filter(email=f"organiser@{DEMO_DOMAIN}")
        .values_list("password", flat=True)
        .first()
    )
    User.objects.bulk_create(
        [
            User(
                email=email,
                display_name=f"Mentor {n}",
                role=User.Role.MENTOR,
                password=password or "!unusable",
            )
            for n, email in enumerate(emails, start=1)
            if email not in known
        ]
    )
    found = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [found[email] for email in emails]


def _pending_work(groups: list[Group]) -> None:
    """Each group's first members hand in each Kickoff assignment of the active season they
    have not handed in yet."""
    kickoff = list(
        Assignment.objects.filter(
            episode__season__status=Season.Status.ACTIVE, episode__number=1, is_open=True
        )
    )
    members = [
        member
        for group in groups
        for member in User.objects.filter(group=group, role=User.Role.MEMBER).order_by("id")[
            :PENDING_MEMBERS
        ]
    ]
    handed_in = set(
        Submission.objects.filter(user__in=members, assignment__in=kickoff).values_list(
            "user_id", "assignment_id"
        )
    )
    Submission.objects.bulk_create(
        Submission(user=member, assignment=work, text=f"My work for “{work.title}”.")
        for member in members
        for work in kickoff
        if (member.pk, work.pk) not in handed_in
    )
