"""After the load: every acknowledged write is stored, and every derived total agrees with a
recomputation from the source rows. Each check returns the mismatches it found (empty when
all is well), so one run reports everything that is wrong at once."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import requests
from django.core.cache import cache
from django.db.models import Sum

from cohort.activity.models import DailyActivity, Streak
from cohort.activity.services.points import activity_source
from cohort.activity.services.recompute import progress_recompute_users
from cohort.activity.services.streaks import streak_compute, streak_current
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.standings import (
    GROUPS,
    POINTS,
    PROGRESS,
    group_order,
    group_scores,
    points_rows,
    progress_rows,
    ranked,
)
from cohort.competition.models import Category, CategoryTotal, PointsEntry, SeasonScore
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.progress import progress_for_steps
from cohort.journeys.selectors import path_current_get
from cohort.notifications.models import Notification
from cohort.notifications.unread import _count_key, _version_key, unread_count_get
from system.load.clients import Write


def writes_found(writes: list[Write], windows: dict[int, tuple]) -> tuple[list[str], int, int]:
    """The stored value of each member-day is its last acknowledged one (or, after a write
    that got no answer, one of those sent since); a day never acknowledged has no row; no
    day in a member's window is stored that was never sent. `windows`: member id -> the
    days their client could write. Returns (mismatches, member-days acknowledged, found)."""
    sent = defaultdict(list)
    for write in writes:
        sent[(write.user_id, write.day)].append(write)
    rows = DailyActivity.objects.filter(
        user_id__in=list(windows), date__gte=min(day for days in windows.values() for day in days)
    ).values_list("user_id", "date", "steps")
    stored = {(uid, day): steps for uid, day, steps in rows if day in windows[uid]}
    wrong, acknowledged, found = [], 0, 0
    for (uid, day), history in sent.items():
        acks = [n for n, w in enumerate(history) if w.outcome == "ack"]
        since = acks[-1] + 1 if acks else 0
        allowed = {w.steps for w in history[since:] if w.outcome == "unknown"}
        allowed.add(history[acks[-1]].steps if acks else None)  # None: no row
        value = stored.pop((uid, day), None)
        acknowledged += bool(acks)
        if value in allowed:
            found += bool(acks)
        else:
            wrong.append(f"member {uid} {day}: stored {value}, expected one of {allowed}")
        wrong += [
            f"member {uid} {day}: sent {w.steps}, the answer said {w.echoed}"
            for w in history
            if w.outcome == "ack" and w.echoed != w.steps
        ]
    wrong += [
        f"member {uid} {day}: {steps} stored, never sent" for (uid, day), steps in stored.items()
    ]
    return wrong, acknowledged, found


def _counted(user_ids) -> dict[int, list[tuple[dt.date, int]]]:
    """Each member's counted days (counted steps: nothing when rejected, at most the flag
    threshold while flagged): (date, counted steps), oldest first."""
    days = defaultdict(list)
    rows = DailyActivity.objects.filter(user_id__in=user_ids, counted_steps__gt=0)
    for uid, day, steps in rows.order_by("date").values_list("user_id", "date", "counted_steps"):
        days[uid].append((day, steps))
    return days


def enrollments_agree(user_ids: list[int]) -> list[str]:
    """Each member's enrollment on the current path equals journeys.progress applied to the
    sum of their counted days (the same arithmetic as the incremental update and the SQL)."""
    path = path_current_get()
    days = _counted(user_ids)
    enrollments = {e.user_id: e for e in Enrollment.objects.filter(path_id=path.id)}
    wrong = []
    for uid in user_ids:
        e = enrollments.get(uid)
        if e is None:
            wrong.append(f"member {uid}: no enrollment")
            continue
        steps = sum(
            s
            for d, s in days[uid]
            if d >= e.started_on and (not path.end_date or d <= path.end_date)
        )
        p = progress_for_steps(
            steps=steps,
            steps_per_unit=path.steps_per_unit,
            total=path.total_distance,
            milestones=path.milestones,
        )
        expected = (steps, p.distance, p.percent, p.milestone and p.milestone.id, p.is_complete)
        got = (e.steps, e.distance, e.progress, e.current_milestone_id, e.completed_at is not None)
        if got != expected:
            wrong.append(f"member {uid}: enrollment {got}, recomputed {expected}")
    return wrong


def points_agree(season, user_ids: list[int]) -> list[str]:
    """CategoryTotal = the ledger's sum per category; SeasonScore = those totals capped per
    category and per season; each activity source's net = the points its days earn; each
    source's entries are numbered #0, #1, ... without a gap or a repeat."""
    entries = PointsEntry.objects.filter(season=season, user_id__in=user_ids)
    ledger = {
        (r["user_id"], r["category_id"]): r["net"]
        for r in entries.values("user_id", "category_id").annotate(net=Sum("points")).order_by()
    }
    totals = {
        (uid, cid): points
        for uid, cid, points in CategoryTotal.objects.filter(
            season=season, user_id__in=user_ids
        ).values_list("user_id", "category_id", "points")
    }
    scores = dict(
        SeasonScore.objects.filter(season=season, user_id__in=user_ids).values_list(
            "user_id", "score"
        )
    )
    categories = {c.pk: c for c in Category.objects.all()}
    wrong = [
        f"member {uid} category {cid}: total {totals.get((uid, cid), 0)}, ledger {net}"
        for (uid, cid), net in ledger.items()
        if totals.get((uid, cid), 0) != net
    ]
    days = _counted(user_ids)
    for uid in user_ids:
        capped = sum(
            min(max(ledger.get((uid, cid), 0), 0), c.season_cap) for cid, c in categories.items()
        )
        if scores.get(uid, 0) != min(capped, season.point_cap):
            wrong.append(f"member {uid}: score {scores.get(uid)}, ledger capped {capped}")
        inside = [s for d, s in days[uid] if season.starts_on <= d <= season.ends_on and s > 0]
        for c in categories.values():
            if c.rule != Category.Rule.ACTIVITY:
                continue
            target = sum(1 for s in inside if s >= c.min_steps) * c.points_per_day
            source = activity_source(c, season, uid)
            net = entries.filter(source=source).aggregate(net=Sum("points"))["net"] or 0
            if net != target:
                wrong.append(f"member {uid} {c.name}: ledger {net}, the days earn {target}")
    keys = defaultdict(list)
    for source, key in entries.values_list("source", "source_key"):
        keys[source].append(key)
    wrong += [
        f"source {source}: keys {sorted(found)}"
        for source, found in keys.items()
        if sorted(found) != sorted(f"{source}#{n}" for n in range(len(found)))
    ]
    return wrong


def streaks_agree(user_ids: list[int], todays: dict[int, set[dt.date]]) -> list[str]:
    """Each activity streak equals streak_compute over the member's counted days (counted steps > 0)
    with their today (either of `todays`, should the test have crossed their midnight)."""
    days = _counted(user_ids)
    stored = {
        s.user_id: (s.current, s.longest, s.last_day, s.days_signature)
        for s in Streak.objects.filter(user_id__in=user_ids, kind=Streak.Kind.ACTIVITY)
    }
    wrong = []
    for uid in user_ids:
        walked = [d for d, s in days[uid] if s > 0]
        expected = []
        for today in todays[uid]:
            n = streak_compute(walked, today=today)
            expected.append((n.current, n.longest, n.last_day, n.signature))
        got = stored.get(uid, (0, 0, None, ""))
        if got not in expected:
            wrong.append(f"member {uid}: streak {got}, computed {expected}")
    return wrong


def unread_agree(base: str, tokens: dict[int, str]) -> list[str]:
    """The cached unread count (when one is cached), unread_count_get and the server's
    answers (/notifications/unread-count, /me) all equal a COUNT of unread rows."""
    wrong = []
    for uid, token in tokens.items():
        counted = Notification.objects.filter(recipient_id=uid, read_at__isnull=True).count()
        version = cache.get(_version_key(uid))
        entry = cache.get(_count_key(uid))
        stamped = entry is not None and version is not None and entry[0] == version
        cached = entry[1] if stamped else None
        headers = {"Authorization": f"Bearer {token}"}
        polled = _get(base, "/api/v1/notifications/unread-count", headers)["unread_count"]
        me = _get(base, "/api/v1/me", headers)["unread_count"]
        answers = {"cached": cached, "selector": unread_count_get(user_id=uid)}
        answers |= {"polled": polled, "me": me}
        if cached is None:
            del answers["cached"]
        if set(answers.values()) != {counted}:
            wrong.append(f"member {uid}: unread {answers}, COUNT {counted}")
    return wrong


def _get(base: str, path: str, headers: dict) -> dict:
    response = requests.get(base + path, headers=headers, timeout=60)
    response.raise_for_status()
    return response.json()


def redis_boards_agree(path_id: int, season_id: int) -> list[str]:
    """The Redis sorted sets hold exactly the database's scores, in its order."""
    client = store.client()
    wrong = []
    boards = {
        PROGRESS: (path_id, list(progress_rows(path_id))),
        GROUPS: (path_id, group_order(group_scores(path_id))),
        POINTS: (season_id, list(points_rows(season_id))),
    }
    for board, (context_id, expected) in boards.items():
        if not client.exists(store._key(context_id, board, ":ready")):
            wrong.append(f"Redis board {board}: not ready")
        found = client.zrevrange(store._key(context_id, board), 0, -1, withscores=True)
        got = [(store._item(member), int(score)) for member, score in found]
        if got != expected:
            wrong.append(f"Redis board {board}: {got}, database {expected}")
    return wrong


def _hundredths(score: int) -> str:
    return f"{score // 100}.{score % 100:02d}"


def served_boards_agree(
    base: str, path_id: int, season_id: int, tokens: dict[int, str]
) -> list[str]:
    """The served boards (first page, and every member's "my rank") show the database's
    competition ranks and scores."""
    wrong = []
    progress = ranked(list(progress_rows(path_id)))
    points = ranked(list(points_rows(season_id)))
    groups = ranked(group_order(group_scores(path_id)))
    some_token = {"Authorization": f"Bearer {next(iter(tokens.values()))}"}
    for board, standings, field in (
        (PROGRESS, progress, "distance"),
        (POINTS, points, "points"),
        (GROUPS, groups, "distance"),
    ):
        page = _get(base, f"/api/v1/leaderboards/{board}", some_token)["rows"]
        got = [(r["id"], r["rank"], r[field]) for r in page]
        shown = [(s.id, s.rank, _score(field, s.score)) for s in standings]
        if got != shown:
            wrong.append(f"served {board} page: {got}, database {shown}")
    by_member = {PROGRESS: {s.id: s for s in progress}, POINTS: {s.id: s for s in points}}
    for uid, token in tokens.items():
        for board, field in ((PROGRESS, "distance"), (POINTS, "points")):
            mine = _get(
                base, f"/api/v1/leaderboards/{board}/me", {"Authorization": f"Bearer {token}"}
            )
            s = by_member[board][uid]
            if (mine["rank"], mine[field]) != (s.rank, _score(field, s.score)):
                wrong.append(f"member {uid} {board}/me: {mine['rank']} {mine[field]}, database {s}")
    return wrong


def _score(field: str, score: int):
    return _hundredths(score) if field == "distance" else score


def dashboards_agree(base: str, viewers: dict[int, tuple[object, str]], season) -> list[str]:
    """Each group's dashboard, as served (cached under the group's version), shows every
    member's final distance, progress, today's and this week's steps, streak and points.
    `viewers`: group id -> (a member of it, their token)."""
    wrong = []
    path = path_current_get()
    for group_id, (viewer, token) in viewers.items():
        rows = _get(base, "/api/v1/dashboard", {"Authorization": f"Bearer {token}"})["results"]
        today = user_today(viewer)
        monday = today - dt.timedelta(days=today.weekday())
        days = _counted([r["user_id"] for r in rows])
        enrollments = {
            e.user_id: e
            for e in Enrollment.objects.filter(
                path_id=path.id, user__group_id=group_id
            ).select_related("current_milestone")
        }
        streaks = {
            s.user_id: s for s in Streak.objects.filter(user__group_id=group_id, kind="activity")
        }
        scores = dict(
            SeasonScore.objects.filter(season=season, user__group_id=group_id).values_list(
                "user_id", "score"
            )
        )
        shown = {r["user_id"] for r in rows}
        if shown != set(enrollments):
            wrong.append(
                f"group {group_id} dashboard: members {shown}, enrolled {set(enrollments)}"
            )
        for row in rows:
            uid = row["user_id"]
            e, s = enrollments[uid], streaks.get(uid)
            streak = 0
            if s is not None:
                streak = streak_current(
                    trailing=s.current, last_day=s.last_day, today=user_today(e.user)
                )
            expected = {
                "distance": e.distance,
                "progress": e.progress,
                "milestone": e.current_milestone.name if e.current_milestone else "",
                "today_steps": sum(st for d, st in days[uid] if d == today),
                "week_steps": sum(st for d, st in days[uid] if monday <= d <= today),
                "streak": streak,
                "season_points": scores.get(uid, 0),
            }
            got = {k: row[k] for k in expected}
            got["distance"], got["progress"] = (
                Decimal(str(got["distance"])),
                Decimal(str(got["progress"])),
            )
            if got != expected:
                wrong.append(
                    f"group {group_id} dashboard, member {uid}: {got}, database {expected}"
                )
    return wrong


def _snapshot(user_ids: list[int]) -> dict:
    enrollments = Enrollment.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "path_id", "steps", "distance", "progress", "current_milestone_id",
        "notified_order", "completed_at",
    )  # fmt: skip
    scores = SeasonScore.objects.filter(user_id__in=user_ids).values_list("user_id", "score")
    notes = Notification.objects.filter(recipient_id__in=user_ids).exclude(
        dedupe_key__startswith="streak-broken:"
    )
    return {
        "enrollments": sorted(enrollments),
        "ledger entries": PointsEntry.objects.filter(user_id__in=user_ids).count(),
        "scores": sorted(scores),
        "notifications": notes.count(),
    }


def nightly_changes_nothing(user_ids: list[int]) -> list[str]:
    """The nightly recompute over the same members finds nothing to correct: no enrollment,
    score or ledger entry changes, and no milestone is notified a second time."""
    before = _snapshot(user_ids)
    progress_recompute_users(user_ids=user_ids)
    after = _snapshot(user_ids)
    return [
        f"the nightly recompute changed {name}: {before[name]} -> {after[name]}"
        for name in before
        if before[name] != after[name]
    ]
