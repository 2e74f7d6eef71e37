"""Every sensitive action leaves an audit event: one test per action (parametrised over
SENSITIVE_ACTIONS), doing it the way people do (a page, the API, a command or a service)
and finding its event with the actor and target. An AuditEvent action without an entry
here fails `test_every_audit_action_is_exercised`."""

import datetime as dt
import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.models import User
from cohort.accounts.services.groups import group_mentor_assign, group_mentor_unassign
from cohort.accounts.services.invites import invite_accept, invite_token_create
from cohort.accounts.services.members import member_move
from cohort.accounts.services.two_factor import two_factor_reset
from cohort.accounts.tests.factories import GROUP_PASSWORD
from cohort.accounts.tests.soft_authenticator import SoftAuthenticator
from cohort.activity.services.daily import activity_log
from cohort.activity.services.imports import activity_import, rows_from_csv
from cohort.competition.models import Season
from cohort.competition.services.finalise import season_finalise
from cohort.competition.services.rewards import titles_grant_many
from cohort.competition.tests.factories import TitleFactory
from cohort.ops.models import AuditEvent
from system.security.conftest import client_for
from system.security.test_two_factor import code_for, enrolled, password_sign_in, wrong_code

pytestmark = pytest.mark.django_db
A = AuditEvent.Action


def _sign_in(w, tmp):
    password_sign_in(w.a.member.email, GROUP_PASSWORD)
    return w.a.member


def _sign_in_failed(w, tmp):
    client = client_for(None)
    client.post("/login/", {"email": w.a.member.email, "password": "wrong-wrong-wrong"})
    return None


def _lockout(w, tmp):
    client = client_for(None)
    for _ in range(5):
        client.post("/login/", {"email": w.a.member.email, "password": "wrong-wrong-wrong"})
    return None


def _sign_out(w, tmp):
    client_for(w.a.member).post("/logout/")
    return w.a.member


def _password_rotated(w, tmp):
    new = "a-brand-new-group-secret"
    client_for(w.a.leader).post(
        f"/group/{w.a.group.pk}/password/", {"password": new, "confirm": new}
    )
    return w.a.leader


def _personal_password_set(w, tmp):
    new = "only-the-member-knows-this"
    client_for(w.a.member).post(
        "/profile/password/", {"current": GROUP_PASSWORD, "password": new, "confirm": new}
    )
    return w.a.member


def _passkey_added(w, tmp):
    from cohort.accounts.tests.test_passkeys import passkey_add

    passkey_add(client_for(w.a.leader), SoftAuthenticator())
    return w.a.leader


def _passkey_removed(w, tmp):
    from cohort.accounts.tests.test_passkeys import passkey_add

    client = client_for(w.a.leader)
    passkey = passkey_add(client, SoftAuthenticator())
    client.post(f"/profile/passkeys/{passkey.pk}/remove/")
    return w.a.leader


def _group_created(w, tmp):
    client_for(w.organiser).post(
        "/api/v1/groups",
        {"name": "Charlie", "password": "charlie-walks-far-and-wide"},
        content_type="application/json",
    )
    return w.organiser


def _member_added(w, tmp):
    client_for(w.organiser).post(
        f"/api/v1/groups/{w.a.group.pk}/members",
        {"email": "newcomer@example.com", "display_name": "Newcomer"},
        content_type="application/json",
    )
    return w.organiser


def _member_removed(w, tmp):
    client_for(w.a.leader).post(
        f"/group/{w.a.group.pk}/members/{w.a.member.pk}/remove/", {"confirmed": "yes"}
    )
    return w.a.leader


def _member_moved(w, tmp):
    member_move(user=w.a.member, to_group=w.b.group, actor=w.organiser)
    return w.organiser


def _member_restored(w, tmp):
    client_for(w.a.leader).post(
        f"/group/{w.a.group.pk}/members/{w.a.member.pk}/remove/", {"confirmed": "yes"}
    )
    client_for(w.organiser).post(
        f"/api/v1/groups/{w.b.group.pk}/members",
        {"email": w.a.member.email},
        content_type="application/json",
    )
    return w.organiser


def _member_joined(w, tmp):
    invite_accept(
        token=invite_token_create(group=w.a.group), email="joiner@example.com", display_name="J"
    )
    return None


def _leader_changed(w, tmp):
    client_for(w.a.leader).post(
        f"/group/{w.a.group.pk}/leader/", {"leader": w.a.member.pk, "confirmed": "yes"}
    )
    return w.a.leader


def _members_imported(w, tmp):
    path = tmp / "members.csv"
    path.write_text(f"email,name,group\nnew1@example.com,New One,{w.a.group.name}\n")
    call_command("import_members", str(path), stdout=io.StringIO())
    return None


def _activity_corrected(w, tmp):
    activity_log(
        user=w.a.member, day=timezone.localdate() - dt.timedelta(days=20), steps=5000,
        actor=w.organiser,
    )  # fmt: skip
    return w.organiser


def _activity_reviewed(w, tmp):
    client_for(w.a.mentor).post(
        f"/api/v1/activity/flags/{w.a.flagged.pk}/review",
        {"decision": "confirmed"},
        content_type="application/json",
    )
    return w.a.mentor


def _activity_imported(w, tmp):
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    rows = rows_from_csv(f"email,date,steps\n{w.a.member.email},{day},4321\n")
    activity_import(rows, source="csv", actor=w.organiser)
    return w.organiser


def _token_created(w, tmp):
    client_for(w.a.member).post(
        "/api/v1/tokens", {"name": "shortcut"}, content_type="application/json"
    )
    return w.a.member


def _token_revoked(w, tmp):
    client_for(w.a.leader).delete(f"/api/v1/tokens/{w.a.token_id}")
    return w.a.leader


def _submission_reviewed(w, tmp):
    client_for(w.a.mentor).post(
        f"/api/v1/submissions/{w.a.submission.pk}/review",
        {"decision": "approved", "feedback": "Good"},
        content_type="application/json",
    )
    return w.a.mentor


def _submission_withdrawn(w, tmp):
    client_for(w.a.leader).post(f"/api/v1/submissions/{w.a.submission.pk}/withdraw")
    return w.a.leader


def _message_read_by_organiser(w, tmp):
    client_for(w.organiser).get(f"/api/v1/messages/threads/{w.a.thread.pk}")
    return w.organiser


def _two_factor_enrolled(w, tmp):
    client = password_sign_in(w.organiser.email)
    client.get("/2fa/setup/")
    device = TOTPDevice.objects.get(user=w.organiser, confirmed=False)
    client.post("/2fa/setup/", {"code": code_for(device)})
    return w.organiser


def _two_factor_verified(w, tmp):
    device = enrolled(w.organiser)
    password_sign_in(w.organiser.email).post("/2fa/", {"code": code_for(device)})
    return w.organiser


def _two_factor_failed(w, tmp):
    device = enrolled(w.organiser)
    password_sign_in(w.organiser.email).post("/2fa/", {"code": wrong_code(device)})
    return w.organiser


def _two_factor_reset(w, tmp):
    enrolled(w.organiser)
    two_factor_reset(email=w.organiser.email, actor=w.organiser)
    return w.organiser


def _two_factor_recovery_codes(w, tmp):
    _two_factor_enrolled(w, tmp)  # enrolment makes the first set
    return w.organiser


def _two_factor_recovery_used(w, tmp):
    enrolled(w.organiser)
    device = StaticDevice.objects.create(user=w.organiser, name="Recovery codes")
    device.token_set.create(token="abcdefgh")
    password_sign_in(w.organiser.email).post("/2fa/", {"code": "abcd-efgh"})
    return w.organiser


def _role_changed(w, tmp):
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = w.organiser
    user = User.objects.get(pk=w.a.mentor.pk)
    user.role = User.Role.COORDINATOR

    class _Form:
        cleaned_data = {"group": None}

    admin.site._registry[User].save_model(request, user, _Form(), change=True)
    return w.organiser


def _mentor_assigned(w, tmp):
    group_mentor_assign(viewer=w.organiser, group_id=w.b.group.pk, mentor_id=w.a.mentor.pk)
    return w.organiser


def _mentor_unassigned(w, tmp):
    group_mentor_unassign(viewer=w.organiser, group_id=w.a.group.pk, mentor_id=w.a.mentor.pk)
    return w.organiser


def _season_finalised(w, tmp):
    current = Season.objects.get(status=Season.Status.ACTIVE)  # the world's, ending now
    season_finalise(season=current)
    return None


def _titles_granted(w, tmp):
    titles_grant_many(title=TitleFactory(), user_ids=[w.a.member.pk, w.b.member.pk])
    return None


def _data_exported(w, tmp):
    response = client_for(w.organiser).get("/analytics/export/members.csv")
    b"".join(response.streaming_content)
    return w.organiser


def _account_closed(w, tmp):
    client_for(w.organiser).post(f"/people/{w.a.member.pk}/close/", {"confirmed": "yes"})
    return w.organiser


def _site_set_up(w, tmp):
    from cohort.accounts.services.setup import setup_link_issue

    User.objects.filter(role=User.Role.ORGANISER).update(is_active=False)  # a fresh site
    key = setup_link_issue()
    password = "the-first-organisers-own-passphrase"
    body = {"display_name": "First", "email": "first@example.org", "password": password}
    client_for(None).post(f"/setup/{key}/", {**body, "confirm": password})
    return User.objects.get(email="first@example.org")


def _text_changed(w, tmp):
    client_for(w.organiser).post("/organise/texts/privacy/", {"body": "We keep your steps."})
    return w.organiser


def _records_pruned(w, tmp):
    call_command("prune", stdout=io.StringIO())
    return None


SENSITIVE_ACTIONS = {
    A.SIGN_IN: _sign_in,
    A.SIGN_IN_FAILED: _sign_in_failed,
    A.LOCKOUT: _lockout,
    A.SIGN_OUT: _sign_out,
    A.PASSWORD_ROTATED: _password_rotated,
    A.PERSONAL_PASSWORD_SET: _personal_password_set,
    A.PASSKEY_ADDED: _passkey_added,
    A.PASSKEY_REMOVED: _passkey_removed,
    A.GROUP_CREATED: _group_created,
    A.MEMBER_ADDED: _member_added,
    A.MEMBER_REMOVED: _member_removed,
    A.MEMBER_MOVED: _member_moved,
    A.MEMBER_RESTORED: _member_restored,
    A.MEMBER_JOINED: _member_joined,
    A.LEADER_CHANGED: _leader_changed,
    A.MEMBERS_IMPORTED: _members_imported,
    A.ACTIVITY_CORRECTED: _activity_corrected,
    A.ACTIVITY_REVIEWED: _activity_reviewed,
    A.ACTIVITY_IMPORTED: _activity_imported,
    A.TOKEN_CREATED: _token_created,
    A.TOKEN_REVOKED: _token_revoked,
    A.SUBMISSION_REVIEWED: _submission_reviewed,
    A.SUBMISSION_WITHDRAWN: _submission_withdrawn,
    A.MESSAGE_READ_BY_ORGANISER: _message_read_by_organiser,
    A.TWO_FACTOR_ENROLLED: _two_factor_enrolled,
    A.TWO_FACTOR_VERIFIED: _two_factor_verified,
    A.TWO_FACTOR_FAILED: _two_factor_failed,
    A.TWO_FACTOR_RESET: _two_factor_reset,
    A.TWO_FACTOR_RECOVERY_CODES: _two_factor_recovery_codes,
    A.TWO_FACTOR_RECOVERY_USED: _two_factor_recovery_used,
    A.ROLE_CHANGED: _role_changed,
    A.MENTOR_ASSIGNED: _mentor_assigned,
    A.MENTOR_UNASSIGNED: _mentor_unassigned,
    A.SEASON_FINALISED: _season_finalised,
    A.TITLES_GRANTED: _titles_granted,
    A.DATA_EXPORTED: _data_exported,
    A.RECORDS_PRUNED: _records_pruned,
    A.ACCOUNT_CLOSED: _account_closed,
    A.SITE_SET_UP: _site_set_up,
    A.TEXT_CHANGED: _text_changed,
}


def test_every_audit_action_is_exercised():
    assert set(SENSITIVE_ACTIONS) == set(AuditEvent.Action)


@pytest.mark.parametrize("action", list(SENSITIVE_ACTIONS), ids=str)
def test_sensitive_action_leaves_its_audit_event(world, tmp_path, action):
    AuditEvent.objects.all().delete()  # the world's own setup (tokens made) is not under test
    actor = SENSITIVE_ACTIONS[action](world, tmp_path)
    events = AuditEvent.objects.filter(action=action)
    assert events.exists(), f"no {action} event; saw {list(AuditEvent.objects.all())}"
    if actor is not None:
        assert events.filter(actor=actor).exists()
