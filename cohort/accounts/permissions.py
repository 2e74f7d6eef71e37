"""Who may do what: every rule that more than one place asks. `is_*` say what kind of account a
user is (anyone, signed in or not); `may_*` answer a question for an active, signed-in account
(an inactive one may do nothing); each `*_require` raises PermissionDenied with the reason.
Querysets scope rows with `.for_viewer(viewer)`, which asks these same rules."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.accounts.roles import Role
from cohort.core.exceptions import PermissionDenied

STAFF_ROLES = frozenset({Role.MENTOR, Role.COORDINATOR, Role.ORGANISER})
COORDINATING_ROLES = frozenset({Role.COORDINATOR, Role.ORGANISER})

ORGANISERS_ONLY = gettext_lazy("Only organisers can do this.")
MENTOR_PAGES_ONLY = gettext_lazy("Only mentors, coordinators and organisers use the mentor pages.")


def _role(user) -> str | None:
    return user.role if user.is_authenticated else None


def _is_active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


# --- What kind of account ---------------------------------------------------------------


def is_member(user) -> bool:
    return _role(user) == Role.MEMBER


def is_mentor(user) -> bool:
    return _role(user) == Role.MENTOR


def is_coordinator(user) -> bool:
    return _role(user) == Role.COORDINATOR


def is_organiser(user) -> bool:
    return _role(user) == Role.ORGANISER


# --- Seeing groups ------------------------------------------------------------------------


def may_see_all_groups(user) -> bool:
    """Organisers see every group, member, division, thread and postcard."""
    return _is_active(user) and is_organiser(user)


def looks_after_groups(user) -> bool:
    """Mentors, coordinators and organisers look after groups (theirs, their division's,
    all): they page through everyone they look after and see their work."""
    return _is_active(user) and _role(user) in STAFF_ROLES


def may_see_division(user, division_id: int) -> bool:
    """A division's boards: organisers any; anyone else only their own (a member's group's
    division, a coordinator's division)."""
    if may_see_all_groups(user):
        return True
    return division_id == (user.group.division_id if user.group_id else user.division_id)


# --- Reviewing ----------------------------------------------------------------------------


def may_review(user) -> bool:
    """Mentors, coordinators and organisers review work and flagged days (of the groups
    they look after) and use the mentor pages."""
    return looks_after_groups(user)


def reviewer_require(user, detail: str = MENTOR_PAGES_ONLY) -> None:
    if not may_review(user):
        raise PermissionDenied(detail)


def may_assign_mentors(user) -> bool:
    """Coordinators (their division's groups) and organisers (any group)."""
    return _is_active(user) and _role(user) in COORDINATING_ROLES


def mentor_assigner_require(user) -> None:
    if not may_assign_mentors(user):
        raise PermissionDenied(_("Only coordinators and organisers assign mentors."))


# --- Analytics ----------------------------------------------------------------------------


def may_see_analytics(user) -> bool:
    """Organisers (everything) and coordinators (their division)."""
    return _is_active(user) and _role(user) in COORDINATING_ROLES


def analytics_viewer_require(user) -> None:
    if not may_see_analytics(user):
        raise PermissionDenied(_("Analytics are for organisers and coordinators."))


# --- Device sync --------------------------------------------------------------------------


def may_connect_devices(user) -> bool:
    """Active members connect step-counting devices (their days are the ones that count)."""
    return _is_active(user) and is_member(user)


def may_see_device_overview(user) -> bool:
    """Organisers (every group) and coordinators (their division's) see who syncs."""
    return _is_active(user) and _role(user) in COORDINATING_ROLES


def device_overview_require(user) -> None:
    if not may_see_device_overview(user):
        raise PermissionDenied("The device overview is for organisers and coordinators.")


# --- Announcements and threads ------------------------------------------------------------


def may_post_announcements(user) -> bool:
    """Mentors, coordinators and organisers, to the groups they look after."""
    return looks_after_groups(user)


def may_address_division(user, division_id: int | None) -> bool:
    """Organisers address any division, a coordinator their own."""
    return may_see_all_groups(user) or (
        _is_active(user)
        and is_coordinator(user)
        and division_id is not None
        and user.division_id == division_id
    )


def may_address_everyone(user) -> bool:
    return may_see_all_groups(user)


def may_publish_any_announcement(user) -> bool:
    """Organisers publish anyone's draft; others only their own."""
    return may_see_all_groups(user)


def may_read_any_thread(user) -> bool:
    """Organisers may open any mentor-student thread (each read is audited)."""
    return may_see_all_groups(user)


# --- Members' own things and organisers' tools --------------------------------------------


def may_log_activity(user) -> bool:
    """Only members walk the path: steps logged for a staff account would show nowhere.
    About the account the day belongs to, so an organiser can still correct a removed
    member's day."""
    return is_member(user)


def may_hand_in_work(user) -> bool:
    return is_member(user)


def may_correct_activity(user) -> bool:
    """Organisers change another member's day (audited)."""
    return may_see_all_groups(user)


def may_manage_members(user) -> bool:
    """Organisers create groups, add, restore and move members."""
    return may_see_all_groups(user)


def may_manage_every_group(user) -> bool:
    """Organisers manage every group (a leader manages their own: accounts.selectors)."""
    return may_see_all_groups(user)


def organiser_require(user, detail: str = ORGANISERS_ONLY) -> None:
    if not may_see_all_groups(user):
        raise PermissionDenied(detail)


# --- Paths and maps -----------------------------------------------------------------------


def may_see_every_path(user) -> bool:
    """Mentors, coordinators and organisers see any path (to look after groups on it);
    members only the paths of the current chain and those they walk or walked."""
    return looks_after_groups(user)


def may_manage_paths(user) -> bool:
    """Organisers create paths (from a GPX or GeoJSON file or an image) and edit them;
    coordinators and mentors only read them."""
    return may_see_all_groups(user)


def path_manager_require(user) -> None:
    if not may_manage_paths(user):
        raise PermissionDenied(_("Only organisers create and edit paths."))


# --- People (the console's groups and members in bulk) ------------------------------------


def may_see_people(user) -> bool:
    """The console's People pages: organisers (every group, and they change them: see
    may_manage_members) and coordinators (their division's groups, read-only, and their
    sign-in sheets)."""
    return _is_active(user) and _role(user) in COORDINATING_ROLES


def people_viewer_require(user) -> None:
    if not may_see_people(user):
        raise PermissionDenied("The People pages are for organisers and coordinators.")


def members_manager_require(user) -> None:
    if not may_manage_members(user):
        raise PermissionDenied(ORGANISERS_ONLY)


# --- The organiser's console (/organise/) -------------------------------------------------


def may_use_console(user) -> bool:
    """Organisers (everything) and coordinators (their division, reading where they may not
    write) open the console: its overview, seasons, mentors, audit and analytics."""
    return _is_active(user) and _role(user) in COORDINATING_ROLES


def console_viewer_require(user) -> None:
    if not may_use_console(user):
        raise PermissionDenied(_("The console is for organisers and coordinators."))


def may_run_jobs(user) -> bool:
    """Organisers run a scheduled job now (the console's "run now", POST /api/v1/jobs/...);
    coordinators see the jobs' state only."""
    return may_see_all_groups(user)


def job_runner_require(user) -> None:
    if not may_run_jobs(user):
        raise PermissionDenied(_("Only organisers run jobs."))


def may_manage_seasons(user) -> bool:
    """Organisers create the next season, change its dates and activate it; coordinators
    read the seasons."""
    return may_see_all_groups(user)


def season_manager_require(user) -> None:
    if not may_manage_seasons(user):
        raise PermissionDenied(_("Only organisers change seasons."))


def may_read_audit(user) -> bool:
    """Organisers read the whole audit log; coordinators the events of their division's
    people (selectors scope it)."""
    return may_use_console(user)


def may_hold_token_scope(user, scope: str) -> bool:
    """Every account may hold read and activity:write tokens; only organisers the organise
    scope (run jobs from a script)."""
    return scope != "organise" or may_see_all_groups(user)
