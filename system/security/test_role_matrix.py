"""The role matrix: every page route (the URL resolver's, GET and POST) and every API
operation (the OpenAPI document's) asked by each role, each request rolled back. A route
without an entry fails `test_every_route_has_an_entry`; a changed answer fails the matrix.

Writes carry a valid body (matrix.api_bodies / page_bodies) where an empty one would stop
at input validation before the role check. Pages answer anonymous visitors 302 (to
/login/), the API 401; an organiser who gave the password but not the TOTP code is sent to
/2fa/ (302) on every page and refused (403) on every API operation but the sign-in ones.
The ids are group A's objects; A's leader owns the submission, thread and token.
"""

import pytest

from system.security.conftest import api_operations, page_routes
from system.security.matrix import api_bodies, differences, observe, page_bodies, role_clients
from system.security.urls_fill import params_of

ROLES = ("anonymous", "member", "leader", "mentor", "organiser", "organiser_unverified")

PAGES = {
    "GET ": (302, 200, 200, 200, 200, 302),
    "POST ": (302, 200, 200, 200, 200, 302),
    "GET 2fa/": (302, 302, 302, 302, 302, 200),
    "POST 2fa/": (302, 302, 302, 302, 302, 200),
    "GET 2fa/setup/": (302, 302, 302, 302, 302, 302),
    "POST 2fa/setup/": (302, 302, 302, 302, 302, 302),
    "GET activity/": (302, 200, 200, 200, 200, 302),
    # Staff walk no path: the page says so (200) and a POST logs nothing (403).
    "POST activity/": (302, 200, 200, 403, 403, 302),
    # Verify a LeetCode username: POST only; the outcome is a message back on the profile.
    "GET activity/leetcode/verify/": (302, 405, 405, 405, 405, 302),
    "POST activity/leetcode/verify/": (302, 302, 302, 302, 302, 302),
    "GET analytics/": (302, 403, 403, 403, 200, 302),
    "POST analytics/": (405, 405, 405, 405, 405, 302),
    "GET analytics/export/<slug:kind>.csv": (302, 403, 403, 403, 200, 302),
    "POST analytics/export/<slug:kind>.csv": (405, 405, 405, 405, 405, 302),
    "GET analytics/recompute/": (405, 405, 405, 405, 405, 302),
    "POST analytics/recompute/": (302, 403, 403, 403, 302, 302),
    "GET announcements/": (302, 200, 200, 200, 200, 302),
    "POST announcements/": (302, 405, 405, 405, 405, 302),
    "GET announcements/<int:announcement_id>/publish/": (302, 405, 405, 405, 405, 302),
    "POST announcements/<int:announcement_id>/publish/": (302, 404, 404, 302, 302, 302),
    "GET announcements/<int:announcement_id>/read/": (302, 405, 405, 405, 405, 302),
    "POST announcements/<int:announcement_id>/read/": (302, 404, 404, 302, 404, 302),
    "GET announcements/new/": (302, 405, 405, 405, 405, 302),
    "POST announcements/new/": (302, 422, 422, 422, 422, 302),  # empty form: refused on the page
    "GET group/": (302, 200, 200, 200, 200, 302),
    "POST group/": (302, 200, 200, 200, 200, 302),
    "GET group/<int:group_id>/": (302, 200, 200, 200, 200, 302),
    "POST group/<int:group_id>/": (302, 200, 200, 200, 200, 302),
    "GET group/<int:group_id>/leader/": (302, 405, 405, 405, 405, 302),
    "POST group/<int:group_id>/leader/": (302, 403, 400, 403, 400, 302),
    "GET group/<int:group_id>/members/": (302, 405, 405, 405, 405, 302),
    "POST group/<int:group_id>/members/": (302, 403, 400, 403, 400, 302),
    "GET group/<int:group_id>/members/<int:user_id>/remove/": (302, 405, 405, 405, 405, 302),
    "POST group/<int:group_id>/members/<int:user_id>/remove/": (302, 403, 302, 403, 302, 302),
    "GET group/<int:group_id>/password/": (302, 405, 405, 405, 405, 302),
    "POST group/<int:group_id>/password/": (302, 403, 400, 403, 400, 302),
    # A leader's (and organiser's) members CSV for the group: empty forms are 422.
    "GET group/<int:group_id>/import/": (302, 405, 405, 405, 405, 302),
    "POST group/<int:group_id>/import/": (302, 403, 422, 403, 422, 302),
    "GET group/<int:group_id>/import/apply/": (302, 405, 405, 405, 405, 302),
    "POST group/<int:group_id>/import/apply/": (302, 403, 422, 403, 422, 302),
    # The status for all; the details for organisers, so like /metrics it waits for the code.
    "GET health/": (200, 200, 200, 200, 200, 302),
    "POST health/": (405, 405, 405, 405, 405, 302),
    "GET health/live/": (200, 200, 200, 200, 200, 200),
    "POST health/live/": (405, 405, 405, 405, 405, 405),
    "GET health/ready/": (200, 200, 200, 200, 200, 200),
    "POST health/ready/": (405, 405, 405, 405, 405, 405),
    # The sign-in page's language switcher (Django's set_language): a cookie, no session;
    # back to where it came from (the Referer, else /).
    "GET i18n/setlang/": (302, 302, 302, 302, 302, 302),
    "POST i18n/setlang/": (302, 302, 302, 302, 302, 302),
    "GET join/<str:token>/": (410, 410, 410, 410, 410, 302),
    "POST join/<str:token>/": (410, 410, 410, 410, 410, 302),
    "GET leaderboards/": (302, 200, 200, 200, 200, 302),
    "POST leaderboards/": (302, 405, 405, 405, 405, 302),
    "GET login/": (200, 200, 200, 200, 200, 200),
    "POST login/": (200, 200, 200, 200, 200, 200),
    "GET login/passkey/": (405, 405, 405, 405, 405, 405),
    "POST login/passkey/": (422, 422, 422, 422, 422, 422),
    "GET login/passkey/options/": (405, 405, 405, 405, 405, 405),
    "POST login/passkey/options/": (200, 200, 200, 200, 200, 200),
    "GET logout/": (405, 405, 405, 405, 405, 405),
    "POST logout/": (302, 302, 302, 302, 302, 302),
    # A postcard: only for those who reached the milestone (nobody here), organisers all.
    "GET milestones/<int:milestone_id>/": (302, 404, 404, 404, 200, 302),
    "POST milestones/<int:milestone_id>/": (302, 405, 405, 405, 405, 302),
    "GET milestones/<int:milestone_id>/photo/": (302, 404, 404, 404, 404, 302),  # no photo
    "POST milestones/<int:milestone_id>/photo/": (302, 405, 405, 405, 405, 302),
    "GET map/": (302, 200, 200, 200, 200, 302),
    "POST map/": (302, 200, 200, 200, 200, 302),
    # An illustrated path's image, for whoever may see the path (this one has none: 404).
    "GET map/paths/<int:path_id>/image/": (302, 404, 404, 404, 404, 302),
    "POST map/paths/<int:path_id>/image/": (302, 405, 405, 405, 405, 302),
    "GET mentor/": (302, 403, 403, 200, 200, 302),
    "POST mentor/": (405, 405, 405, 405, 405, 302),
    # Confirm or reject a flagged day: the group's mentors and organisers; others 404.
    "GET mentor/flags/<int:activity_id>/": (405, 405, 405, 405, 405, 302),
    "POST mentor/flags/<int:activity_id>/": (302, 404, 404, 302, 302, 302),
    "GET mentor/groups/": (302, 403, 403, 200, 200, 302),
    "POST mentor/groups/": (302, 403, 403, 403, 404, 302),
    "GET mentor/report/": (302, 404, 404, 200, 404, 302),
    "POST mentor/report/": (405, 405, 405, 405, 405, 302),
    "GET mentor/reviews/": (405, 405, 405, 405, 405, 302),
    "POST mentor/reviews/": (302, 403, 403, 302, 302, 302),
    "GET mentor/reviews/<int:submission_id>/": (405, 405, 405, 405, 405, 302),
    "POST mentor/reviews/<int:submission_id>/": (302, 403, 403, 302, 302, 302),
    "GET mentor/students/": (302, 403, 403, 200, 200, 302),
    "POST mentor/students/": (405, 405, 405, 405, 405, 302),
    "GET messages/": (302, 200, 200, 200, 200, 302),
    "POST messages/": (302, 405, 405, 405, 405, 302),
    "GET messages/<int:thread_id>/": (302, 404, 200, 200, 200, 302),
    "POST messages/<int:thread_id>/": (302, 404, 200, 200, 200, 302),
    "GET messages/start/": (302, 405, 405, 405, 405, 302),
    "POST messages/start/": (302, 404, 404, 404, 404, 302),
    "GET metrics": (404, 404, 404, 404, 200, 302),
    "POST metrics": (405, 405, 405, 405, 405, 302),
    "GET notifications/": (302, 200, 200, 200, 200, 302),
    "POST notifications/": (302, 405, 405, 405, 405, 302),
    # Follow a notification (marks it read): the recipient only, A's leader here.
    "GET notifications/<int:notification_id>/open/": (302, 404, 302, 404, 404, 302),
    "POST notifications/<int:notification_id>/open/": (302, 405, 405, 405, 405, 302),
    "GET notifications/badge/": (302, 200, 200, 200, 200, 302),
    "POST notifications/badge/": (302, 405, 405, 405, 405, 302),
    "GET notifications/preferences/": (302, 405, 405, 405, 405, 302),
    "POST notifications/preferences/": (302, 302, 302, 302, 302, 302),
    "GET notifications/read/": (302, 405, 405, 405, 405, 302),
    # Push kinds and quiet hours: POST only (an empty form is a valid "push nothing").
    "GET notifications/preferences/push/": (302, 405, 405, 405, 405, 302),
    "POST notifications/preferences/push/": (302, 302, 302, 302, 302, 302),
    # The installable app's files: anyone (the manifest and the service worker are fetched
    # before sign-in); the offline page is rendered as for a visitor. The 2FA step first.
    "GET manifest.webmanifest": (200, 200, 200, 200, 200, 302),
    "POST manifest.webmanifest": (405, 405, 405, 405, 405, 302),
    "GET sw.js": (200, 200, 200, 200, 200, 302),
    "POST sw.js": (405, 405, 405, 405, 405, 302),
    "GET offline/": (200, 200, 200, 200, 200, 302),
    "POST offline/": (405, 405, 405, 405, 405, 302),
    "POST notifications/read/": (302, 302, 302, 302, 302, 302),
    # The path editor: mentors (and coordinators) read it, organisers write (empty forms: 422).
    # The console: organisers and coordinators (coordinators: cohort/organise/tests and
    # test_coordinator_scope.py). Empty forms are 422 for organisers; the season's "start
    # now" asks first (200); run now queues the job and goes back (302).
    "GET organise/": (302, 403, 403, 403, 200, 302),
    "POST organise/": (302, 405, 405, 405, 405, 302),
    "GET organise/analytics/": (302, 403, 403, 403, 200, 302),
    "POST organise/analytics/": (302, 405, 405, 405, 405, 302),
    "GET organise/audit/": (302, 403, 403, 403, 200, 302),
    "POST organise/audit/": (302, 405, 405, 405, 405, 302),
    "GET organise/audit/export.csv": (302, 403, 403, 403, 200, 302),
    "POST organise/audit/export.csv": (302, 405, 405, 405, 405, 302),
    "GET organise/jobs/<str:name>/run/": (302, 405, 405, 405, 405, 302),
    "POST organise/jobs/<str:name>/run/": (302, 403, 403, 403, 302, 302),
    "GET organise/mentors/": (302, 403, 403, 403, 200, 302),
    "POST organise/mentors/": (302, 403, 403, 403, 422, 302),
    "GET organise/seasons/": (302, 403, 403, 403, 200, 302),
    "POST organise/seasons/": (302, 403, 403, 403, 422, 302),
    "GET organise/seasons/<int:season_id>/activate/": (302, 405, 405, 405, 405, 302),
    "POST organise/seasons/<int:season_id>/activate/": (302, 403, 403, 403, 200, 302),
    "GET organise/seasons/<int:season_id>/dates/": (302, 405, 405, 405, 405, 302),
    "POST organise/seasons/<int:season_id>/dates/": (302, 403, 403, 403, 422, 302),
    "GET organise/paths/": (302, 403, 403, 200, 200, 302),
    "POST organise/paths/": (302, 405, 405, 405, 405, 302),
    "GET organise/paths/new/route/": (302, 405, 405, 405, 405, 302),
    "POST organise/paths/new/route/": (302, 403, 403, 403, 422, 302),
    "GET organise/paths/new/image/": (302, 405, 405, 405, 405, 302),
    "POST organise/paths/new/image/": (302, 403, 403, 403, 422, 302),
    "GET organise/paths/<int:path_id>/": (302, 403, 403, 200, 200, 302),
    "POST organise/paths/<int:path_id>/": (302, 403, 403, 403, 422, 302),
    "GET organise/paths/<int:path_id>/current/": (302, 405, 405, 405, 405, 302),
    "POST organise/paths/<int:path_id>/current/": (302, 403, 403, 403, 302, 302),
    "GET organise/paths/<int:path_id>/milestones/": (302, 405, 405, 405, 405, 302),
    "POST organise/paths/<int:path_id>/milestones/": (302, 403, 403, 403, 422, 302),
    "GET organise/paths/<int:path_id>/milestones/<int:milestone_id>/": (
        302,
        405,
        405,
        405,
        405,
        302,
    ),
    "POST organise/paths/<int:path_id>/milestones/<int:milestone_id>/": (
        302,
        403,
        403,
        403,
        422,
        302,
    ),
    "GET organise/paths/<int:path_id>/milestones/<int:milestone_id>/move/": (
        302,
        405,
        405,
        405,
        405,
        302,
    ),
    "POST organise/paths/<int:path_id>/milestones/<int:milestone_id>/move/": (
        302,
        403,
        403,
        403,
        422,
        302,
    ),
    # The console's People pages: organisers (coordinators read: test_coordinator_scope.py);
    # writes with empty forms are 422, the removal past its confirmation a redirect.
    "GET organise/people/": (302, 403, 403, 403, 200, 302),
    "POST organise/people/": (302, 405, 405, 405, 405, 302),
    "GET organise/people/import/": (302, 405, 405, 405, 405, 302),
    "POST organise/people/import/": (302, 403, 403, 403, 422, 302),
    "GET organise/people/import/apply/": (302, 405, 405, 405, 405, 302),
    "POST organise/people/import/apply/": (302, 403, 403, 403, 422, 302),
    "GET organise/people/groups/": (302, 405, 405, 405, 405, 302),
    "POST organise/people/groups/": (302, 403, 403, 403, 422, 302),
    "GET organise/people/groups/<int:group_id>/": (302, 403, 403, 403, 200, 302),
    "POST organise/people/groups/<int:group_id>/": (302, 405, 405, 405, 405, 302),
    "GET organise/people/groups/<int:group_id>/sheet/": (302, 403, 403, 403, 200, 302),
    "POST organise/people/groups/<int:group_id>/sheet/": (302, 403, 403, 403, 200, 302),
    "GET organise/people/members/<int:user_id>/move/": (302, 405, 405, 405, 405, 302),
    "POST organise/people/members/<int:user_id>/move/": (302, 403, 403, 403, 422, 302),
    "GET organise/people/members/<int:user_id>/remove/": (302, 405, 405, 405, 405, 302),
    "POST organise/people/members/<int:user_id>/remove/": (302, 403, 403, 403, 302, 302),
    # The member is in a group: nothing to restore, said on the People page it goes back to.
    "GET organise/people/members/<int:user_id>/restore/": (302, 405, 405, 405, 405, 302),
    "POST organise/people/members/<int:user_id>/restore/": (302, 403, 403, 403, 302, 302),
    "GET profile/": (302, 200, 200, 200, 200, 302),
    # An empty POST makes a token: a member's section; staff are not offered it (403).
    "POST profile/": (302, 201, 201, 403, 403, 302),
    # The browser's zone offered once: POST only; the outcome is a message where they were.
    "GET profile/time-zone/": (302, 405, 405, 405, 405, 302),
    "POST profile/time-zone/": (302, 302, 302, 302, 302, 302),
    "GET profile/password/": (302, 200, 200, 200, 200, 302),
    # New recovery codes: organisers with an authenticator, after a code (empty form: 400).
    "GET profile/recovery-codes/": (302, 404, 404, 404, 200, 302),
    "POST profile/recovery-codes/": (302, 404, 404, 404, 400, 302),
    "POST profile/password/": (302, 400, 400, 400, 400, 302),
    # Device sync: members connect their own devices (staff walk no path: 403); the callback
    # without a connection started in this session is refused (422); organisers (and
    # coordinators, test_coordinator_scope) see who syncs.
    "GET profile/devices/": (302, 200, 200, 403, 403, 302),
    "POST profile/devices/": (302, 405, 405, 405, 405, 302),
    "GET profile/devices/<slug:provider>/connect/": (302, 405, 405, 405, 405, 302),
    "POST profile/devices/<slug:provider>/connect/": (302, 302, 302, 403, 403, 302),
    "GET profile/devices/<slug:provider>/callback/": (302, 422, 422, 403, 403, 302),
    "POST profile/devices/<slug:provider>/callback/": (302, 405, 405, 405, 405, 302),
    "GET profile/devices/<slug:provider>/disconnect/": (302, 405, 405, 405, 405, 302),
    "POST profile/devices/<slug:provider>/disconnect/": (302, 302, 302, 403, 403, 302),
    "GET organise/devices/": (302, 403, 403, 403, 200, 302),
    "POST organise/devices/": (302, 405, 405, 405, 405, 302),
    "GET profile/passkeys/": (302, 405, 405, 405, 405, 302),
    "POST profile/passkeys/": (302, 422, 422, 422, 422, 302),
    "GET profile/passkeys/options/": (302, 405, 405, 405, 405, 302),
    "POST profile/passkeys/options/": (302, 422, 422, 422, 422, 302),
    "GET profile/passkeys/<int:passkey_id>/remove/": (302, 405, 405, 405, 405, 302),
    "POST profile/passkeys/<int:passkey_id>/remove/": (302, 404, 302, 404, 404, 302),
    "GET report/": (302, 200, 200, 200, 200, 302),
    "POST report/": (405, 405, 405, 405, 405, 302),
    "GET season/": (302, 200, 200, 200, 200, 302),
    "POST season/": (302, 200, 200, 200, 200, 302),
    "GET season/titles/<int:title_id>/equip/": (302, 405, 405, 405, 405, 302),
    "POST season/titles/<int:title_id>/equip/": (302, 302, 302, 302, 302, 302),
    "GET season/titles/<int:title_id>/redeem/": (302, 405, 405, 405, 405, 302),
    "POST season/titles/<int:title_id>/redeem/": (302, 302, 302, 302, 302, 302),
    "GET season/titles/unequip/": (302, 405, 405, 405, 405, 302),
    "POST season/titles/unequip/": (302, 302, 302, 302, 302, 302),
    "GET signup/": (404, 404, 404, 404, 404, 302),
    "POST signup/": (404, 404, 404, 404, 404, 302),
    "GET submissions/": (302, 200, 200, 200, 200, 302),
    "POST submissions/": (302, 422, 422, 422, 422, 302),
    # Withdraw handed-in work before review: its owner only (A's leader); not pending: 409.
    "GET submissions/<int:submission_id>/withdraw/": (302, 405, 405, 405, 405, 302),
    "POST submissions/<int:submission_id>/withdraw/": (302, 404, 302, 404, 404, 302),
    "GET submissions/files/<int:file_id>/": (302, 404, 200, 200, 200, 302),
    "POST submissions/files/<int:file_id>/": (302, 405, 405, 405, 405, 302),
    # Issue 22, the member's own data. The set-up link (unknown key: 410; an unverified
    # organiser is held at the code step first).
    "GET setup/<str:key>/": (410, 410, 410, 410, 410, 302),
    "POST setup/<str:key>/": (410, 410, 410, 410, 410, 302),
    # The privacy notice and the terms: open to everyone; organisers edit them.
    "GET privacy/": (200, 200, 200, 200, 200, 302),
    "POST privacy/": (405, 405, 405, 405, 405, 302),
    "GET terms/": (200, 200, 200, 200, 200, 302),
    "POST terms/": (405, 405, 405, 405, 405, 302),
    "GET terms/accept/": (302, 302, 302, 302, 302, 302),  # no terms set: back to the page
    "POST terms/accept/": (302, 302, 302, 302, 302, 302),
    "GET organise/texts/<str:key>/": (302, 403, 403, 403, 200, 302),
    "POST organise/texts/<str:key>/": (302, 403, 403, 403, 302, 302),  # empty: no terms
    # The member's export (POST from the profile's button; GET goes to the button).
    "GET profile/export/": (302, 302, 302, 302, 302, 302),
    "POST profile/export/": (302, 200, 200, 200, 200, 302),
    # Closing one's own account (an empty form: 400); the emailed link is the viewer's own.
    "GET profile/close/": (302, 200, 200, 200, 200, 302),
    "POST profile/close/": (302, 400, 400, 400, 400, 302),
    "GET profile/close/confirm/<str:token>/": (302, 404, 404, 404, 404, 302),
    "POST profile/close/confirm/<str:token>/": (302, 404, 404, 404, 404, 302),
    # An organiser closes a member's account on their request (past the confirmation).
    "GET people/<int:user_id>/close/": (302, 403, 403, 403, 200, 302),
    "POST people/<int:user_id>/close/": (302, 403, 403, 403, 302, 302),
}

API = {
    "GET /api/v1/activity": (401, 200, 200, 200, 200, 403),
    "GET /api/v1/activity/flags": (401, 403, 403, 200, 200, 403),
    "POST /api/v1/activity/flags/{activity_id}/review": (401, 404, 404, 200, 200, 403),
    "GET /api/v1/activity/{day}": (401, 404, 404, 404, 404, 403),
    "PUT /api/v1/activity/{day}": (401, 200, 200, 403, 403, 403),  # only members log steps
    "GET /api/v1/devices": (401, 200, 200, 403, 403, 403),  # a member's own connections
    # A provider's webhook: no sign-in, the provider's signature instead; Google Health
    # (enabled here) sends none, so 404 (an unverified organiser session: 403 first).
    "POST /api/v1/devices/{provider}/webhook": (404, 404, 404, 404, 404, 403),
    "GET /api/v1/announcements": (401, 200, 200, 200, 200, 403),
    "POST /api/v1/announcements": (401, 403, 403, 403, 201, 403),
    "POST /api/v1/announcements/{announcement_id}/publish": (401, 404, 404, 200, 200, 403),
    "POST /api/v1/announcements/{announcement_id}/read": (401, 404, 404, 200, 404, 403),
    "GET /api/v1/assignments": (401, 200, 200, 200, 200, 403),
    "POST /api/v1/auth/login": (401, 401, 401, 401, 401, 401),
    "POST /api/v1/auth/logout": (401, 204, 204, 204, 204, 204),
    "GET /api/v1/credits": (401, 200, 200, 200, 200, 403),
    "GET /api/v1/dashboard": (401, 200, 200, 422, 422, 403),
    # Apple Health steps (Health Auto Export): only members log steps, their own days.
    "POST /api/v1/devices/apple-health": (401, 200, 200, 403, 403, 403),
    "POST /api/v1/groups": (401, 403, 403, 403, 201, 403),
    "POST /api/v1/groups/{group_id}/members": (401, 403, 403, 403, 201, 403),
    # Organisers, and a leader into their own group; the matrix's JSON body has no file: 422.
    "POST /api/v1/imports/members": (401, 403, 422, 403, 422, 403),
    # The scheduled jobs: organisers (and coordinators: cohort/organise/tests/test_jobs.py);
    # a run is queued (202).
    "GET /api/v1/jobs": (401, 403, 403, 403, 200, 403),
    "POST /api/v1/jobs/{name}/run": (401, 403, 403, 403, 202, 403),
    "GET /api/v1/leaderboards/{board}": (401, 200, 200, 200, 200, 403),
    # Members are on the current path's board from joining (ranked at 0), so they have a
    # rank; staff are never on a board.
    "GET /api/v1/leaderboards/{board}/me": (401, 200, 200, 404, 404, 403),
    "GET /api/v1/me": (401, 200, 200, 200, 200, 403),
    "PATCH /api/v1/me": (401, 200, 200, 200, 200, 403),
    "POST /api/v1/mentor/reviews": (401, 403, 403, 200, 200, 403),
    "GET /api/v1/mentor/students": (401, 403, 403, 200, 200, 403),
    "GET /api/v1/messages/threads": (401, 200, 200, 200, 200, 403),
    "POST /api/v1/messages/threads": (401, 201, 200, 404, 404, 403),
    "GET /api/v1/messages/threads/{thread_id}": (401, 404, 200, 200, 200, 403),
    "POST /api/v1/messages/threads/{thread_id}": (401, 404, 201, 201, 404, 403),
    "GET /api/v1/notifications": (401, 200, 200, 200, 200, 403),
    "POST /api/v1/notifications/read": (401, 200, 200, 200, 200, 403),
    "GET /api/v1/notifications/unread-count": (401, 200, 200, 200, 200, 403),
    # This browser's push subscription: sessions only (a token is refused). Push is off
    # here (no VAPID keys), so subscribing is 422 for all; removing one's own is 200.
    "POST /api/v1/notifications/push-subscriptions": (401, 422, 422, 422, 422, 403),
    "DELETE /api/v1/notifications/push-subscriptions": (401, 200, 200, 200, 200, 403),
    # Organisers only; the matrix's JSON body carries no file, so theirs is a 422.
    "POST /api/v1/paths": (401, 403, 403, 403, 422, 403),
    "GET /api/v1/paths/current": (401, 200, 200, 200, 200, 403),
    "GET /api/v1/paths/{path_id}": (401, 200, 200, 200, 200, 403),
    "GET /api/v1/paths/{path_id}/route": (401, 200, 200, 200, 200, 403),
    "GET /api/v1/paths/{path_id}/positions": (401, 200, 200, 422, 422, 403),
    "GET /api/v1/seasons/current": (401, 200, 200, 200, 200, 403),
    "GET /api/v1/submissions": (401, 200, 200, 200, 200, 403),
    "POST /api/v1/submissions": (401, 201, 409, 403, 403, 403),
    "GET /api/v1/submissions/{submission_id}": (401, 404, 200, 200, 200, 403),
    "POST /api/v1/submissions/{submission_id}": (401, 404, 409, 404, 404, 403),
    "GET /api/v1/submissions/{submission_id}/file": (401, 404, 200, 200, 200, 403),
    "GET /api/v1/submissions/{submission_id}/files/{file_id}": (401, 404, 200, 200, 200, 403),
    "POST /api/v1/submissions/{submission_id}/withdraw": (401, 404, 200, 404, 404, 403),
    "POST /api/v1/submissions/{submission_id}/review": (401, 403, 403, 200, 200, 403),
    "GET /api/v1/titles": (401, 200, 200, 200, 200, 403),
    "POST /api/v1/titles/unequip": (401, 200, 200, 403, 403, 403),
    "POST /api/v1/titles/{title_id}/equip": (401, 404, 404, 403, 403, 403),
    "POST /api/v1/titles/{title_id}/redeem": (401, 409, 409, 403, 403, 403),
    "GET /api/v1/tokens": (401, 200, 200, 200, 200, 403),
    "POST /api/v1/tokens": (401, 201, 201, 201, 201, 403),
    "DELETE /api/v1/tokens/{token_id}": (401, 404, 204, 404, 404, 403),
    # The viewer's own data as a zip: any signed-in person, a read token too.
    "GET /api/v1/me/export": (401, 200, 200, 200, 200, 403),
}


def _page_keys() -> list[str]:
    return [f"{method} {route}" for route in page_routes() for method in ("GET", "POST")]


def test_every_route_has_an_entry():
    assert sorted(set(_page_keys()) ^ set(PAGES)) == [], "PAGES and the resolver differ"
    assert sorted(api_operations() ^ set(API)) == [], "API and the OpenAPI document differ"


@pytest.mark.django_db
def test_pages_answer_each_role_as_the_matrix_says(world):
    observed = observe(
        _page_keys(),
        params_of(world.a, world),
        role_clients(world),
        api=False,
        bodies=page_bodies(world.a),
    )
    assert differences(PAGES, observed) == []


@pytest.mark.django_db
def test_api_answers_each_role_as_the_matrix_says(world):
    observed = observe(
        api_operations(),
        params_of(world.a, world),
        role_clients(world),
        api=True,
        bodies=api_bodies(world.a),
    )
    assert differences(API, observed) == []
