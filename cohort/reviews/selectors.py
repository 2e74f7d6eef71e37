"""Reads of assignments and submissions: what a member may hand in next (episode states),
their own submissions, and the work waiting for a reviewer."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.competition.models import Episode, Season
from cohort.core.caching import cache_version, cached
from cohort.core.exceptions import NotFound
from cohort.reviews.models import Assignment, Submission, SubmissionFile

DONE, UNLOCKED, LOCKED = "done", "unlocked", "locked"

# The reviewer's queue is long-lived and can be long: keyset pages of this size, oldest first.
PENDING_PAGE_SIZE = 50


@dataclass
class RequiredWork:
    assignment: Assignment
    status: str | None  # the member's latest submission's status, None before any


@dataclass
class EpisodeState:
    episode: Episode
    state: str  # DONE, UNLOCKED or LOCKED
    required: list[RequiredWork] = field(default_factory=list)

    @property
    def is_open_to_member(self) -> bool:
        return self.state != LOCKED

    @property
    def unlock_rule(self) -> str:
        """The one rule that opens a locked episode (its dates only plan the season: they
        open nothing); empty once it is open."""
        if self.state != LOCKED:
            return ""
        return gettext(
            "Unlocks when a mentor approves your required work of episode %(number)s, "
            "whatever the date."
        ) % {"number": self.episode.number - 1}


def episode_states(*, user_id: int, season: Season) -> list[EpisodeState]:
    """Each episode of `season` in order, "done" (every required assignment approved for the
    member), "unlocked" (the first, or the one after a done episode) or "locked", with its
    required assignments and the member's latest status for each. An unlocked episode with
    no required assignments counts as done, so it never blocks the next. Three queries:
    episodes, their required assignments, the member's submissions of them."""
    episodes = _season_episodes(season)
    latest, approved = _member_progress(user_id=user_id, season=season)
    states, previous_done = [], True
    for episode in episodes:
        work = [RequiredWork(a, latest.get(a.pk)) for a in episode.required]
        if not previous_done:
            state = LOCKED
        elif all(item.assignment.pk in approved for item in work):
            state = DONE
        else:
            state = UNLOCKED
        states.append(EpisodeState(episode, state, work))
        previous_done = state == DONE
    return states


SEASON_EPISODES_VERSION_KEY = "reviews:season-episodes:version"


def _season_episodes(season: Season) -> list:  # of Episode, each with `required`
    """The season's episodes in order, each with its required assignments (`required`, with
    their categories): the same for every member, so cached under a version that any save of
    an episode, an assignment or a category renews (reviews.services.season_episodes_forget)."""

    def load() -> list:
        required = Assignment.objects.filter(is_required=True).select_related("category")
        return list(
            Episode.objects.filter(season=season)
            .order_by("number")
            .prefetch_related(Prefetch("assignments", queryset=required, to_attr="required"))
        )

    version = cache_version(SEASON_EPISODES_VERSION_KEY, None)
    if version is None:  # no cache: read the database
        return load()
    return cached("season_episodes", f"reviews:season-episodes:{season.pk}:{version}", load, 3600)


def _member_progress(*, user_id: int, season: Season) -> tuple[dict[int, str], set[int]]:
    """({assignment id: latest status}, {approved assignment ids}) for the member's
    submissions of the season's assignments, in one query."""
    rows = (
        Submission.objects.filter(user_id=user_id, assignment__episode__season=season)
        .order_by("created_at", "id")
        .values_list("assignment_id", "status")
    )
    latest, approved = {}, set()
    for assignment_id, status in rows:
        latest[assignment_id] = status
        if status == Submission.Status.APPROVED:
            approved.add(assignment_id)
    return latest, approved


def episode_state_for(*, user_id: int, episode: Episode) -> str:
    """The member's state of one episode (see episode_states)."""
    states = episode_states(user_id=user_id, season=episode.season)
    return next(s.state for s in states if s.episode.pk == episode.pk)


@dataclass
class AssignmentRow:
    assignment: Assignment
    state: str  # of its episode for the viewer; DONE/UNLOCKED for one outside episodes
    status: str | None  # the viewer's latest submission's status


def assignments_for_member(*, user_id: int, season: Season | None) -> list[AssignmentRow]:
    """The open assignments of `season` (and those outside any episode), each with the
    member's episode state and latest status. Five queries whatever the sizes."""
    states: dict[int | None, str] = {}  # an assignment outside any episode finds none
    in_season = Q(pk__in=[])
    if season is not None:
        states = {s.episode.pk: s.state for s in episode_states(user_id=user_id, season=season)}
        in_season = Q(episode__season=season)
    assignments = list(
        Assignment.objects.filter(in_season | Q(episode__isnull=True), is_open=True)
        .select_related("category", "episode")
        .order_by("episode__number", "title", "id")
    )
    latest = dict(
        Submission.objects.filter(user_id=user_id, assignment__in=assignments)
        .order_by("created_at", "id")
        .values_list("assignment_id", "status")
    )
    return [
        AssignmentRow(a, states.get(a.episode_id, UNLOCKED), latest.get(a.pk)) for a in assignments
    ]


def submissions_visible_to(viewer: User) -> QuerySet[Submission]:
    """Submissions the viewer may see: their own, plus (for staff roles) those of members of
    the groups they may see, drafts excepted. Members never see each other's work."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Submission.objects.none()
    if permissions.is_member(viewer):
        return Submission.objects.filter(user=viewer)
    handed_in = ~Q(status=Submission.Status.DRAFT)
    if permissions.may_see_all_groups(viewer):
        return Submission.objects.filter(Q(user=viewer) | handed_in)
    groups = Group.objects.for_viewer(viewer).values("pk")
    return Submission.objects.filter(Q(user=viewer) | (Q(user__group__in=groups) & handed_in))


def _with_relations(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.select_related(
        "user", "reviewer", "assignment", "assignment__category", "assignment__episode"
    )


def _with_files(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    """Plus the files (one more query for the whole page)."""
    return _with_relations(queryset).prefetch_related(
        Prefetch("files", queryset=SubmissionFile.objects.order_by("id"))
    )


def submission_list(
    *, viewer: User, assignment_id: int | None = None, status: str | None = None
) -> QuerySet[Submission]:
    """The viewer's own submissions, newest first, optionally of one assignment or status;
    relations loaded (one query however many rows)."""
    rows = Submission.objects.filter(user=viewer)
    if assignment_id is not None:
        rows = rows.filter(assignment_id=assignment_id)
    if status:
        rows = rows.filter(status=status)
    return _with_files(rows).order_by("-id")


def submission_get_for_viewer(viewer: User, submission_id: int) -> Submission:
    """One submission the viewer may see (submissions_visible_to), else NotFound."""
    found = _with_files(submissions_visible_to(viewer)).filter(pk=submission_id).first()
    if found is None:
        raise NotFound(_("No such submission."))
    return found


def submission_file_get_for_viewer(viewer: User, file_id: int) -> SubmissionFile:
    """One file of a submission the viewer may see (submissions_visible_to), else NotFound:
    another member's file is 404, never 403, so ids reveal nothing."""
    visible = submissions_visible_to(viewer).values("pk")
    found = SubmissionFile.objects.filter(pk=file_id, submission__in=visible).first()
    if found is None:
        raise NotFound(_("No such file."))
    return found


def submissions_pending_for_reviewer(
    reviewer: User,
    *,
    after_id: int | None = None,
    limit: int = PENDING_PAGE_SIZE,
    with_files: bool = False,
) -> list[Submission]:
    """Pending submissions the reviewer may decide, oldest first, never their own: a keyset
    page after `after_id` (the last id of the previous page). Members get none. With
    `with_files`, each one's `files` are prefetched (one more query)."""
    if not permissions.may_review(reviewer):
        return []
    pending = submissions_visible_to(reviewer).filter(status=Submission.Status.PENDING)
    pending = pending.exclude(user=reviewer)
    if after_id is not None:
        pending = pending.filter(pk__gt=after_id)
    load = _with_files if with_files else _with_relations
    return list(load(pending).order_by("id")[:limit])


# The /submissions/ page shows this many of the member's past submissions, newest first.
HISTORY_SIZE = 50


@dataclass
class AssignmentCard:
    row: AssignmentRow
    draft: Submission | None  # the member's draft of it, to edit

    @property
    def can_hand_in(self) -> bool:
        """Open to the member and neither awaiting review nor approved."""
        return self.row.state != LOCKED and self.row.status not in (
            Submission.Status.PENDING,
            Submission.Status.APPROVED,
        )


@dataclass
class EpisodeCards:
    episode: Episode | None  # None: work outside any episode
    state: str
    cards: list[AssignmentCard]

    @property
    def unlock_rule(self) -> str:
        return EpisodeState(self.episode, self.state).unlock_rule if self.episode else ""


@dataclass
class SubmissionsPage:
    season: Season | None
    episodes: list[EpisodeCards]
    history: list[Submission]


def submissions_page_get(*, user: User, season: Season | None) -> SubmissionsPage:
    """The member's open assignments of `season` grouped by episode (outside-episode work
    last), each with its draft, and their latest HISTORY_SIZE submissions with files. Seven
    queries whatever the sizes: five for assignments_for_member, then all the member's
    submissions (a few per assignment; drafts come from them) and their files."""
    rows = assignments_for_member(user_id=user.pk, season=season)
    history = list(_with_files(Submission.objects.filter(user=user)).order_by("-id"))
    drafts = {s.assignment_id: s for s in history if s.status == Submission.Status.DRAFT}
    groups: dict[int | None, EpisodeCards] = {}
    for row in sorted(rows, key=lambda r: r.assignment.episode is None):
        episode = row.assignment.episode
        key = episode.pk if episode else None
        if key not in groups:
            groups[key] = EpisodeCards(episode, row.state, [])
        groups[key].cards.append(AssignmentCard(row, drafts.get(row.assignment.pk)))
    return SubmissionsPage(season, list(groups.values()), history[:HISTORY_SIZE])
