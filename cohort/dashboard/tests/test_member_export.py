"""A member's own data as a zip: what it holds, that nobody else's data is in it, files
from storage, the API with a read token, the rate limit and the audit."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, mentor_of
from cohort.accounts.tokens import api_token_create
from cohort.activity.models import DailyActivity
from cohort.competition.services.points import points_award
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.messaging.models import Thread
from cohort.messaging.services import message_send
from cohort.notifications.models import Notification
from cohort.ops.models import AuditEvent
from cohort.reviews.models import SubmissionFile
from cohort.reviews.tests.factories import SubmissionFactory, pdf_bytes

pytestmark = pytest.mark.django_db

EXPECTED = {
    "README.txt",
    "profile.json",
    "days.json",
    "days.csv",
    "points.json",
    "points.csv",
    "scores.json",
    "submissions.json",
    "messages.json",
    "notifications.json",
    "notifications.csv",
}


def _season():
    from cohort.competition.models import Season

    return Season.objects.first() or SeasonFactory()


def _history(member, *, steps: int, word: str):
    DailyActivity.objects.create(user=member, date=dt.date(2026, 11, 2), steps=steps)
    season, category = _season(), CategoryFactory(name="Career", season_cap=500)
    points_award(
        user_id=member.pk,
        season=season,
        category=category,
        source=f"work:9:{member.pk}",
        points=40,
        reason=f"{word} award",
    )
    submission = SubmissionFactory(user=member, text=f"{word} essay")
    stored = SubmissionFile(
        submission=submission, original_name=f"{word}.pdf", size=10, content_type="application/pdf"
    )
    stored.file.save(f"{word}.pdf", ContentFile(pdf_bytes() + word.encode()), save=False)
    stored.save()
    Notification.objects.create(recipient=member, text=f"{word} notice")
    mentor = mentor_of(member.group)
    thread = Thread.objects.create(mentor=mentor, student=member)
    message_send(sender=member, thread=thread, text=f"{word} question")
    message_send(sender=mentor, thread=thread, text=f"answer to {word}")


def _zip(answer) -> zipfile.ZipFile:
    assert answer.status_code == 200, answer.content[:300]
    assert answer["Content-Type"] == "application/zip"
    assert "attachment" in answer["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))


def test_the_zip_holds_everything_about_the_member_and_nothing_of_anyone_else():
    group = GroupFactory()
    member = MemberFactory(group=group, display_name="Ada", leetcode_username="ada_codes")
    neighbour = MemberFactory(group=group, display_name="Grace")
    _history(member, steps=8123, word="adas")
    _history(neighbour, steps=9999, word="graces")
    client = Client()
    client.force_login(member)
    archive = _zip(client.post("/profile/export/"))
    names = set(archive.namelist())
    assert names >= EXPECTED
    data = {n: json.loads(archive.read(n)) for n in names if n.endswith(".json")}
    assert data["profile.json"]["email"] == member.email
    assert data["profile.json"]["leetcode_username"] == "ada_codes"
    assert [d["steps"] for d in data["days.json"]] == [8123]
    assert [p["points"] for p in data["points.json"]] == [40]
    assert data["scores.json"]["season_scores"][0]["score"] == 40
    (submission,) = data["submissions.json"]
    assert submission["text"] == "adas essay"
    (file_entry,) = submission["files"]
    assert archive.read(file_entry["path"]).endswith(b"adas")  # the bytes from storage
    (thread,) = data["messages.json"]
    assert [(m["text"], m["is_mine"]) for m in thread["messages"]] == [
        ("adas question", True),
        ("answer to adas", False),
    ]
    texts = [n["text"] for n in data["notifications.json"]]
    assert texts[0] == "adas notice" and texts[1].endswith(": answer to adas")
    days_csv = list(csv.DictReader(io.StringIO(archive.read("days.csv").decode())))
    assert days_csv[0]["steps"] == "8123" and days_csv[0]["date"] == "2026-11-02"
    # Nothing of the neighbour's, anywhere in the zip.
    everything = b"".join(archive.read(n) for n in names)
    for trace in (b"graces", b"9999", neighbour.email.encode(), b"Grace"):
        assert trace not in everything, trace
    event = AuditEvent.objects.get(action="data_exported")
    assert event.actor_id == member.pk and event.detail == {"kind": "member"}


def test_a_missing_file_is_listed_as_missing_not_a_500():
    member = MemberFactory()
    _history(member, steps=100, word="lost")
    stored = SubmissionFile.objects.get()
    stored.file.storage.delete(stored.file.name)
    client = Client()
    client.force_login(member)
    archive = _zip(client.post("/profile/export/"))
    (submission,) = json.loads(archive.read("submissions.json"))
    assert submission["files"][0]["missing"] is True


def test_the_api_answers_the_zip_to_a_read_token():
    member = MemberFactory()
    DailyActivity.objects.create(user=member, date=dt.date(2026, 11, 3), steps=4321)
    _, raw = api_token_create(user=member, name="backup script")
    answer = Client().get("/api/v1/me/export", HTTP_AUTHORIZATION=f"Bearer {raw}")
    archive = _zip(answer)
    assert json.loads(archive.read("days.json"))[0]["steps"] == 4321
    assert Client().get("/api/v1/me/export").status_code == 401


def test_exports_are_rate_limited_per_person():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="loop")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for _ in range(5):
        assert Client().get("/api/v1/me/export", **bearer).status_code == 200
    answer = Client().get("/api/v1/me/export", **bearer)
    assert answer.status_code == 429 and "detail" in answer.json()
    assert answer["Retry-After"]
    client = Client()
    client.force_login(member)
    page = client.post("/profile/export/")  # the page says so instead of a file
    assert page.status_code == 302 and page["Location"] == "/profile/#my-data"


def test_a_get_of_the_page_address_goes_to_the_button():
    member = MemberFactory()
    client = Client()
    client.force_login(member)
    answer = client.get("/profile/export/")
    assert answer.status_code == 302 and not AuditEvent.objects.filter(action="data_exported")


def test_the_profile_shows_the_data_section():
    member = MemberFactory()
    client = Client()
    client.force_login(member)
    html = client.get("/profile/").content.decode()
    assert 'id="my-data"' in html and 'action="/profile/export/"' in html
    assert 'href="/profile/close/"' in html


def _export_queries(member) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cohort.dashboard.export import member_export_write

    with CaptureQueriesContext(connection) as queries:
        member_export_write(member, io.BytesIO())
    return len(queries)


def test_the_export_costs_the_same_queries_for_a_short_and_a_long_history():
    counts = []
    for days in (2, 40):
        member = MemberFactory()
        DailyActivity.objects.bulk_create(
            DailyActivity(user=member, date=dt.date(2026, 9, 1) + dt.timedelta(n), steps=n)
            for n in range(days)
        )
        for n in range(days // 2):
            Notification.objects.create(recipient=member, text=f"notice {n}")
        for _ in range(days // 10 + 1):
            SubmissionFactory(user=member)
        thread = Thread.objects.create(mentor=mentor_of(member.group), student=member)
        for n in range(days // 2):
            message_send(sender=member, thread=thread, text=f"question {n}")
        counts.append(_export_queries(member))
    # 1 days, 2 points, 3-6 scores (season scores, legacy, wallet, streaks), 7 submissions,
    # 8 their files, 9-10 threads and messages, 11 notifications: one query per kind of row.
    assert counts[0] == counts[1] == 11
