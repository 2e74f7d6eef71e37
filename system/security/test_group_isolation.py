"""Group isolation: people of group A ask for group B's objects on every page and API route
with an id in it. The routes come from the URL resolver and the OpenAPI document, so a new
route with an id and no entry below fails `test_every_object_route_has_an_entry`."""

import re

import pytest

from system.security.conftest import api_operations, client_for, page_routes
from system.security.matrix import api_bodies, differences, observe, page_bodies
from system.security.urls_fill import params_of

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")

# Routes with a parameter that names no group's object, and why they are not in the matrix.
NOT_GROUP_OBJECTS = {
    "GET join/<str:token>/": "an invite token: unguessable, hashed, answers 410 when unknown",
    "POST join/<str:token>/": "an invite token (see test_tokens_hashed_at_rest)",
    "GET analytics/export/<slug:kind>.csv": "a kind of export, organisers only (role matrix)",
    "POST analytics/export/<slug:kind>.csv": "GET only",
    "GET season/titles/<int:title_id>/equip/": "POST only",
    "GET season/titles/<int:title_id>/redeem/": "POST only",
    "POST season/titles/<int:title_id>/equip/": "titles are one shop for everyone",
    "POST season/titles/<int:title_id>/redeem/": "titles are one shop for everyone",
    "POST /api/v1/titles/{title_id}/equip": "titles are one shop for everyone",
    "POST /api/v1/titles/{title_id}/redeem": "titles are one shop for everyone",
    "GET /api/v1/activity/{day}": "a date of the viewer's own activity, never another's",
    "PUT /api/v1/activity/{day}": "a date of the viewer's own activity, never another's",
    "GET /api/v1/leaderboards/{board}": "a board's name; names outside the group follow privacy",
    "GET /api/v1/leaderboards/{board}/me": "a board's name; the viewer's own rank",
    "GET /api/v1/paths/{path_id}/positions": "the shared path; positions of the viewer's group",
    "GET /api/v1/paths/{path_id}": "the shared path (members: the current chain's and theirs)",
    "GET /api/v1/paths/{path_id}/route": "the shared path's line",
    "GET announcements/<int:announcement_id>/publish/": "POST only",
    "GET announcements/<int:announcement_id>/read/": "POST only",
    "GET group/<int:group_id>/leader/": "POST only",
    "GET group/<int:group_id>/members/": "POST only",
    "GET group/<int:group_id>/members/<int:user_id>/remove/": "POST only",
    "GET group/<int:group_id>/password/": "POST only",
    "GET group/<int:group_id>/import/": "POST only",
    "GET group/<int:group_id>/import/apply/": "POST only",
    # The People pages: organisers only (403 to every viewer here, whatever the group: the
    # role matrix); coordinators' division scope is test_coordinator_scope.py's.
    "GET organise/people/groups/<int:group_id>/": "organisers and coordinators only",
    "POST organise/people/groups/<int:group_id>/": "GET only",
    "GET organise/people/groups/<int:group_id>/sheet/": "organisers and coordinators only",
    "POST organise/people/groups/<int:group_id>/sheet/": "organisers and coordinators only",
    "GET organise/people/members/<int:user_id>/move/": "POST only",
    "POST organise/people/members/<int:user_id>/move/": "organisers only (role matrix)",
    "GET organise/people/members/<int:user_id>/remove/": "POST only",
    "POST organise/people/members/<int:user_id>/remove/": "organisers only (role matrix)",
    "GET organise/people/members/<int:user_id>/restore/": "POST only",
    "POST organise/people/members/<int:user_id>/restore/": "organisers only (role matrix)",
    "GET mentor/reviews/<int:submission_id>/": "POST only",
    "GET mentor/flags/<int:activity_id>/": "POST only",
    "POST submissions/files/<int:file_id>/": "GET only",
    "GET submissions/<int:submission_id>/withdraw/": "POST only",
    "POST notifications/<int:notification_id>/open/": "GET only",
    "GET profile/passkeys/<int:passkey_id>/remove/": "POST only",
    "GET profile/devices/<slug:provider>/connect/": "POST only",
    "POST profile/devices/<slug:provider>/connect/": "a provider's name: the viewer's own",
    "GET profile/devices/<slug:provider>/callback/": "a provider's name: the viewer's own "
    "connection, the state checked against the viewer's session",
    "POST profile/devices/<slug:provider>/callback/": "GET only",
    "GET profile/devices/<slug:provider>/disconnect/": "POST only",
    "POST profile/devices/<slug:provider>/disconnect/": "a provider's name: the viewer's own",
    "POST /api/v1/devices/{provider}/webhook": "a provider's name; the members come from the "
    "provider's signed body (test_device_webhooks.py)",
    "GET milestones/<int:milestone_id>/": "a milestone of a shared path: reached-only, 404 "
    "ahead (test_milestone_postcards.py)",
    "GET milestones/<int:milestone_id>/photo/": "as its page (test_milestone_postcards.py)",
    "POST milestones/<int:milestone_id>/": "GET only",
    "POST milestones/<int:milestone_id>/photo/": "GET only",
    "GET organise/jobs/<str:name>/run/": "POST only",
    "POST organise/jobs/<str:name>/run/": "a scheduled job's name: organisers only",
    "POST /api/v1/jobs/{name}/run": "a scheduled job's name: organisers only",
    "GET organise/seasons/<int:season_id>/dates/": "POST only",
    "POST organise/seasons/<int:season_id>/dates/": "seasons are shared: organisers only",
    "GET organise/seasons/<int:season_id>/activate/": "POST only",
    "POST organise/seasons/<int:season_id>/activate/": "seasons are shared: organisers only",
    "GET map/paths/<int:path_id>/image/": "the shared path's image (as GET /api/v1/paths/{id})",
    "POST map/paths/<int:path_id>/image/": "GET only",
    # Issue 22: keys and tokens that name no group's object.
    "GET setup/<str:key>/": "the one-time set-up key: hashed, 410 when unknown or used",
    "POST setup/<str:key>/": "the one-time set-up key (test_setup_link.py)",
    "GET organise/texts/<str:key>/": "privacy or terms: one text for the site, organisers only",
    "POST organise/texts/<str:key>/": "privacy or terms: organisers only (role matrix)",
    "GET profile/close/confirm/<str:token>/": "signed for the viewer's own account only "
    "(test_account_close.py: another member's link is 404)",
    "POST profile/close/confirm/<str:token>/": "as its GET",
    # The path editor: paths are shared by every group; its roles are the role matrix's.
    "GET organise/paths/<int:path_id>/": "a shared path: staff read, organisers write",
    "POST organise/paths/<int:path_id>/": "a shared path: organisers only",
    "GET organise/paths/<int:path_id>/current/": "POST only",
    "POST organise/paths/<int:path_id>/current/": "a shared path: organisers only",
    "GET organise/paths/<int:path_id>/milestones/": "POST only",
    "POST organise/paths/<int:path_id>/milestones/": "a shared path: organisers only",
    "GET organise/paths/<int:path_id>/milestones/<int:milestone_id>/": "POST only",
    "POST organise/paths/<int:path_id>/milestones/<int:milestone_id>/": "organisers only",
    "GET organise/paths/<int:path_id>/milestones/<int:milestone_id>/move/": "POST only",
    "POST organise/paths/<int:path_id>/milestones/<int:milestone_id>/move/": "organisers only",
}

VIEWERS = ("member", "leader", "mentor")  # of group A: a plain member, its leader, its mentor

# What each of group A's viewers gets for group B's object. 404 everywhere, except where the
# route is closed to that role whatever the group (403, the same for A's own object: the role
# matrix holds those), so the answer never tells that B's object exists.
EXPECTED = {
    "GET group/<int:group_id>/": (404, 404, 404),
    "POST group/<int:group_id>/": (404, 404, 404),
    "POST group/<int:group_id>/leader/": (404, 404, 404),
    "POST group/<int:group_id>/members/": (404, 404, 404),
    "POST group/<int:group_id>/members/<int:user_id>/remove/": (404, 404, 404),
    "POST group/<int:group_id>/password/": (404, 404, 404),
    "POST group/<int:group_id>/import/": (404, 404, 404),
    "POST group/<int:group_id>/import/apply/": (404, 404, 404),
    "GET messages/<int:thread_id>/": (404, 404, 404),
    "POST messages/<int:thread_id>/": (404, 404, 404),
    "GET submissions/files/<int:file_id>/": (404, 404, 404),
    "POST submissions/<int:submission_id>/withdraw/": (404, 404, 404),
    "POST /api/v1/submissions/{submission_id}/withdraw": (404, 404, 404),
    "GET notifications/<int:notification_id>/open/": (404, 404, 404),
    "POST announcements/<int:announcement_id>/publish/": (404, 404, 404),
    "POST announcements/<int:announcement_id>/read/": (404, 404, 404),
    "POST mentor/reviews/<int:submission_id>/": (403, 403, 404),
    "POST mentor/flags/<int:activity_id>/": (404, 404, 404),
    "DELETE /api/v1/tokens/{token_id}": (404, 404, 404),
    "POST profile/passkeys/<int:passkey_id>/remove/": (404, 404, 404),
    "GET /api/v1/messages/threads/{thread_id}": (404, 404, 404),
    "POST /api/v1/messages/threads/{thread_id}": (404, 404, 404),
    "GET /api/v1/submissions/{submission_id}": (404, 404, 404),
    "POST /api/v1/submissions/{submission_id}": (404, 404, 404),
    "GET /api/v1/submissions/{submission_id}/file": (404, 404, 404),
    "GET /api/v1/submissions/{submission_id}/files/{file_id}": (404, 404, 404),
    "POST /api/v1/submissions/{submission_id}/review": (403, 403, 404),
    "POST /api/v1/activity/flags/{activity_id}/review": (404, 404, 404),
    "POST /api/v1/announcements/{announcement_id}/publish": (404, 404, 404),
    "POST /api/v1/announcements/{announcement_id}/read": (404, 404, 404),
    "POST /api/v1/groups/{group_id}/members": (403, 403, 403),
    # Closing an account for someone: organisers only, whatever the group.
    "GET people/<int:user_id>/close/": (403, 403, 403),
    "POST people/<int:user_id>/close/": (403, 403, 403),
}


def _object_routes() -> tuple[list[str], list[str]]:
    pages = [f"{m} {r}" for r in page_routes() if _PARAM.search(r) for m in ("GET", "POST")]
    api = [op for op in api_operations() if _PARAM.search(op)]
    return pages, api


def _viewers(world) -> dict:
    return {
        "member": lambda: client_for(world.a.member),
        "leader": lambda: client_for(world.a.leader),
        "mentor": lambda: client_for(world.a.mentor),
    }


def _ask_all(world, side) -> dict[str, tuple]:
    pages, api = _object_routes()
    pages = [key for key in pages if key not in NOT_GROUP_OBJECTS]
    api = [key for key in api if key not in NOT_GROUP_OBJECTS]
    values = params_of(side, world)
    return {
        **observe(pages, values, _viewers(world), api=False, bodies=page_bodies(side)),
        **observe(api, values, _viewers(world), api=True, bodies=api_bodies(world.a)),
    }


def test_every_object_route_has_an_entry():
    pages, api = _object_routes()
    routes = set(pages) | set(api)
    unlisted = sorted(routes - set(EXPECTED) - set(NOT_GROUP_OBJECTS))
    assert unlisted == [], f"add these routes to EXPECTED or NOT_GROUP_OBJECTS: {unlisted}"
    stale = sorted((set(EXPECTED) | set(NOT_GROUP_OBJECTS)) - routes)
    assert stale == [], f"entries for routes that are gone: {stale}"


@pytest.mark.django_db
def test_group_b_objects_answer_404_to_group_a(world):
    observed = _ask_all(world, world.b)
    assert differences(EXPECTED, observed) == []
    own = _ask_all(world, world.a)
    for key, statuses in observed.items():
        for viewer, theirs, ours in zip(VIEWERS, statuses, own[key], strict=True):
            # A 403 for B's object is allowed only where A's own object gets it too.
            assert theirs == 404 or theirs == ours, f"{key} as {viewer}: {theirs} vs own {ours}"


@pytest.mark.django_db
def test_no_content_of_group_b_reaches_group_a(world):
    """The bodies too: nothing of B's (message text, notification, news) in any answer."""
    secrets = ["Hello from Bravo", "Secret of Bravo", "Draft for Bravo", "News for Bravo"]
    client = client_for(world.a.leader)
    urls = [
        "/", "/messages/", "/notifications/", "/announcements/", "/submissions/", "/group/",
        "/api/v1/messages/threads", "/api/v1/notifications", "/api/v1/announcements",
        "/api/v1/dashboard", "/api/v1/submissions",
    ]  # fmt: skip
    for url in urls:
        body = client.get(url).content.decode()
        assert not [s for s in secrets if s in body], url
