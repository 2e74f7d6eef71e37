"""The main navigation, per role: the one place that says which pages each role is offered
(base.html only draws it). Roles are User.Role values; core names them as strings because
it sits below accounts. Member-only pages (logging steps, the season's titles, hand-ins,
the monthly report) are not offered to staff, who have their own (mentor, analytics)."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MEMBER = "member"
STAFF = frozenset({"mentor", "coordinator", "organiser"})
EVERYONE = frozenset({MEMBER}) | STAFF
COORDINATING = frozenset({"coordinator", "organiser"})


@dataclass(frozen=True)
class NavItem:
    label: str  # lazy: in the language of the page
    url_name: str
    roles: frozenset
    # What marks the item current: the resolver's app name, or URL names (prefixes)
    apps: tuple = ()
    names: tuple = ()
    staff_label: str = ""


NAV = (
    NavItem(_("Dashboard"), "dashboard:home", EVERYONE, names=("home",)),
    NavItem(_("Map"), "dashboard:map", EVERYONE, names=("map",)),
    NavItem(_("Season"), "dashboard:season", frozenset({MEMBER}), names=("season",)),
    NavItem(_("Leaderboards"), "competition:leaderboards", EVERYONE, apps=("competition",)),
    NavItem(_("Activity"), "activity:log", frozenset({MEMBER}), apps=("activity",)),
    NavItem(_("Submissions"), "reviews:submissions", frozenset({MEMBER}), apps=("reviews",)),
    NavItem(_("Report"), "mentoring:report", frozenset({MEMBER}), names=("report",)),
    NavItem(_("My group"), "accounts:group", EVERYONE, names=("group",), staff_label=_("Groups")),
    NavItem(_("Mentor"), "mentoring:mentor", STAFF, names=("mentor",)),
    NavItem(
        _("Analytics"),
        "analytics:home",
        frozenset({"coordinator", "organiser"}),
        apps=("analytics",),
    ),
    # The console (/organise/): its own sub-navigation leads on to the paths and the rest.
    NavItem(
        _("Organise"),
        "organise:console",
        frozenset({"coordinator", "organiser"}),
        apps=("organise",),
    ),
    NavItem(_("Announcements"), "messaging:announcements", EVERYONE, names=("announcements",)),
    NavItem(_("Messages"), "messaging:threads", EVERYONE, names=("thread",)),
)


def nav_items(user, match) -> list[dict]:
    """[{"label", "url_name", "is_current"}] of the pages this user's role is offered."""
    if not getattr(user, "is_authenticated", False):
        return []
    app = getattr(match, "app_name", "") or ""
    name = getattr(match, "url_name", "") or ""
    return _items(user.role, app, name)


def nav_html(user, match) -> SafeString:
    """The navigation's <li> items as base.html drew them from nav_items, built once per
    role, current page and language in each process (the same few dozen fragments serve every page
    view: no per-viewer data in them)."""
    if not getattr(user, "is_authenticated", False):
        return mark_safe("")
    app = getattr(match, "app_name", "") or ""
    name = getattr(match, "url_name", "") or ""
    where = (get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    return _nav_html(user.role, app, name, where, get_language())


@lru_cache(maxsize=512)
def _nav_html(role: str, app: str, name: str, where: tuple, language: str) -> SafeString:
    html = "".join(
        f'<li><a href="{escape(reverse(item["url_name"]))}"'
        + (' aria-current="page"' if item["is_current"] else "")
        + f">{escape(str(item['label']))}</a></li>\n        "
        for item in _items(role, app, name)
    )
    return mark_safe(html)  # noqa: S308 (escaped above)


def _items(role: str, app: str, name: str) -> list[dict]:
    items = []
    for item in NAV:
        if role not in item.roles:
            continue
        current = app in item.apps or any(name.startswith(n) for n in item.names)
        if item.names == ("home",):
            current = app == "dashboard" and name == "home"
        label = item.staff_label if item.staff_label and role != MEMBER else item.label
        items.append({"label": label, "url_name": item.url_name, "is_current": current})
    return items
