from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.core.caching import cached
from cohort.core.exceptions import NotFound, PermissionDenied

LEADER_NEEDS_OWN_SIGN_IN = gettext_lazy(
    "Group leaders need a personal password: anyone who knows the group password could "
    "otherwise act as the leader. Set one on your profile (/profile/password/) to use the "
    "leader tools."
)
DIVISION_NEEDS_OWN_SIGN_IN = gettext_lazy(
    "Your division asks every member for a personal password: set one at /profile/password/ "
    "before you continue."
)


def group_get_for_viewer(*, viewer: User, group_id: int) -> Group:
    """The group if the viewer may see it; NotFound otherwise (never 403: no existence leak)."""
    group = (
        Group.objects.for_viewer(viewer)
        .select_related("leader", "division")
        .filter(pk=group_id)
        .first()
    )
    if group is None:
        raise NotFound(_("No such group."))
    return group


def group_members_list(*, group: Group) -> QuerySet[User]:
    """The group's members by name. One query."""
    return (
        group.members.filter(is_active=True)
        .only("id", "email", "display_name", "marker_colour", "group_id", "role")
        .order_by("display_name", "id")
    )


def group_members_key(group_id: int) -> str:
    return f"accounts:group:{group_id}:members:v1"


def group_members_cached(*, group: Group) -> list[User]:
    """group_members_list, from the cache; dropped when the group's membership changes."""
    return cached(
        "group_members",
        group_members_key(group.pk),
        lambda: list(group_members_list(group=group)),
        600,
    )


# "token-revoke": anyone may revoke their own tokens, staff too (tokens from before staff
# stopped being offered new ones must not be left alive with no way to end them).
MEMBER_PROFILE_SECTIONS = frozenset(
    {"about", "password", "passkeys", "privacy", "leetcode", "tokens", "token-revoke"}
)
STAFF_PROFILE_SECTIONS = frozenset({"about", "password", "passkeys", "token-revoke"})


def profile_sections(user: User) -> frozenset[str]:
    """The profile's sections this role is offered: leaderboard privacy, LeetCode and API
    tokens (for logging steps) are about a member's own standing and steps, so staff get
    only their name, zone, colour, password and passkeys."""
    return MEMBER_PROFILE_SECTIONS if user.is_member else STAFF_PROFILE_SECTIONS


GROUP_CHOICES_MAX = 500


def group_choices_for_viewer(*, viewer: User) -> list[tuple[int, str]]:
    """(id, name) of the groups the viewer may see, by name, for a picker (the map's). One
    query; at most GROUP_CHOICES_MAX."""
    groups = Group.objects.for_viewer(viewer).order_by("name", "pk").values_list("pk", "name")
    return list(groups[:GROUP_CHOICES_MAX])


def user_get_for_viewer(*, viewer: User, user_id: int) -> User:
    """A user in a group the viewer may see; NotFound otherwise."""
    user = User.objects.for_viewer(viewer).select_related("group").filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such member."))
    return user


def personal_password_missing_for_division(user: User) -> bool:
    """A member of a division that requires a personal password who has none yet. No query
    when the user came with group__division (the backend's get_user, the token lookup)."""
    if not user.is_authenticated or not user.is_member or user.has_personal_password:
        return False
    group = user.group if user.group_id else None
    division = group.division if group is not None else None
    return bool(division and division.is_personal_password_required)


def group_is_led_by(*, viewer: User, group: Group) -> bool:
    """The viewer is this group's leader (whether or not they may use the tools yet)."""
    return viewer.is_member and group.leader_id == viewer.pk and viewer.group_id == group.pk


def group_can_manage(*, viewer: User, group: Group) -> bool:
    """Organisers manage every group; a leader manages their own once they have a personal
    password (with only the shared one, any member could sign in as the leader)."""
    return permissions.may_manage_every_group(viewer) or (
        group_is_led_by(viewer=viewer, group=group) and viewer.has_personal_password
    )


def group_get_for_manager(*, viewer: User, group_id: int) -> Group:
    """The group if the viewer may manage it; NotFound if unseen, PermissionDenied if only
    seen, or if the viewer leads it without a personal password (saying so)."""
    group = group_get_for_viewer(viewer=viewer, group_id=group_id)
    if not group_can_manage(viewer=viewer, group=group):
        if group_is_led_by(viewer=viewer, group=group):
            raise PermissionDenied(LEADER_NEEDS_OWN_SIGN_IN)
        raise PermissionDenied(_("Only the group's leader or an organiser can change the group."))
    return group


def members_import_scope(*, viewer: User) -> Group | None:
    """Where the viewer may import members: None for organisers (any group, new groups,
    moves), their own group for a leader with a personal password (up to its cap);
    PermissionDenied for everyone else."""
    if permissions.may_manage_members(viewer):
        return None
    if viewer.is_authenticated and viewer.is_member and viewer.group_id is not None:
        group = group_get_for_viewer(viewer=viewer, group_id=viewer.group_id)
        if group_is_led_by(viewer=viewer, group=group):
            return group_get_for_manager(viewer=viewer, group_id=group.pk)
    raise PermissionDenied("Only organisers and group leaders import members.")


PEOPLE_PAGE_SIZE = 50


def people_groups_page(*, viewer: User, query: str = "", after: str = "") -> list[Group]:
    """A page of the groups the viewer may see, by name (keyset: those after `after`),
    matching `query` in their name; one row more than PEOPLE_PAGE_SIZE says there is a
    next page. One query (leader and division joined)."""
    groups = Group.objects.for_viewer(viewer).select_related("leader", "division")
    if query:
        groups = groups.filter(name__icontains=query)
    if after:
        groups = groups.filter(name__gt=after)
    return list(groups.order_by("name", "pk")[: PEOPLE_PAGE_SIZE + 1])


def former_members_list(*, viewer: User, query: str = "") -> list[User]:
    """Members without a group (removed), newest first, for organisers to bring back; at
    most PEOPLE_PAGE_SIZE, matching `query` in the email or name. Nobody else sees them
    (a removed member is in no group a coordinator looks after). One query."""
    if not permissions.may_manage_members(viewer):
        return []
    users = User.objects.filter(role=User.Role.MEMBER, group__isnull=True)
    if query:
        users = users.filter(Q(email__icontains=query) | Q(display_name__icontains=query))
    users = users.only("id", "email", "display_name", "date_joined")
    return list(users.order_by("-pk")[:PEOPLE_PAGE_SIZE])


def member_get_for_people(*, viewer: User, user_id: int) -> User:
    """A member (in a group or removed) for the People pages' actions: organisers only,
    others NotFound (the actions are theirs; coordinators only read)."""
    if not permissions.may_manage_members(viewer):
        raise NotFound("No such member.")
    user = User.objects.select_related("group").filter(pk=user_id, role=User.Role.MEMBER)
    found = user.first()
    if found is None:
        raise NotFound("No such member.")
    return found


def groups_named(*, names: list[str]) -> dict[str, Group]:
    """The groups with these exact names, by name. One query."""
    return {g.name: g for g in Group.objects.filter(name__in=names)}
