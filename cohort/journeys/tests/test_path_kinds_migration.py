"""Migration 0005: the paths the old demo drew from coordinates become geographic, without
loss; every other path stays illustrated with its x/y."""

import importlib
from decimal import Decimal

import pytest
import shapely
from django.apps import apps

from cohort.journeys.models import Milestone, Path, PathRoute
from cohort.journeys.selectors import path_get, path_route_get
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cohort.journeys.migrations.0005_demo_paths_geographic")

# Three of the old demo's towns: name, km, longitude, latitude, and where it drew them.
OLD_DEMO = [
    ("Saint-Jean-Pied-de-Port", 0, 836.4, 101.1),
    ("Roncesvalles", 25, 828.6, 169.7),
    ("Pamplona", 68, 797.4, 256.6),
]


def _old_demo_path() -> Path:
    path = path_create(name="Camino Francés", milestones=(), total=68)
    Milestone.objects.bulk_create(
        Milestone(path=path, order=n, name=name, distance=Decimal(km), x=x, y=y)
        for n, (name, km, x, y) in enumerate(OLD_DEMO)
    )
    return path


def test_the_old_demo_path_becomes_geographic_and_keeps_its_x_y():
    old = _old_demo_path()
    sketch = path_create(name="Sketch", current=False)
    migration.forwards(apps, None)
    old.refresh_from_db()
    assert old.kind == "geographic" and old.route is not None
    rows = list(old.milestones.order_by("order").values_list("name", "lat", "lon", "x", "y"))
    assert rows == [
        ("Saint-Jean-Pied-de-Port", 43.16, -1.24, 836.4, 101.1),
        ("Roncesvalles", 43.01, -1.32, 828.6, 169.7),
        ("Pamplona", 42.82, -1.64, 797.4, 256.6),
    ]
    sketch.refresh_from_db()
    assert (sketch.kind, sketch.route_id) == ("illustrated", None)
    assert PathRoute.objects.count() == 1


def test_members_on_the_migrated_path_stand_on_its_line_between_its_towns():
    old = _old_demo_path()
    migration.forwards(apps, None)
    view = path_get(path_id=old.pk)
    line = path_route_get(view)
    assert [round(m.along) for m in view.milestones] == [
        0,
        round(line.cumulative[1]),
        round(line.length),
    ]
    assert view.sketch is not None  # the /map/ page's drawing: projected from lat/lon
    assert 0 < view.milestones[1].x < view.map_width
    assert shapely.LineString(line.points).length > 0


def test_running_it_again_changes_nothing_and_the_reverse_restores_it():
    old = _old_demo_path()
    migration.forwards(apps, None)
    migration.forwards(apps, None)
    assert PathRoute.objects.count() == 1
    migration.backwards(apps, None)
    old.refresh_from_db()
    assert (old.kind, old.route_id, PathRoute.objects.count()) == ("illustrated", None, 0)
    assert not old.milestones.filter(lat__isnull=False).exists()
    assert list(old.milestones.values_list("x", flat=True)) == [836.4, 828.6, 797.4]


def test_a_path_whose_points_do_not_match_the_old_projection_stays_illustrated():
    old = _old_demo_path()
    Milestone.objects.filter(path=old, name="Pamplona").update(x=500.0)
    migration.forwards(apps, None)
    old.refresh_from_db()
    assert old.kind == "illustrated"


def test_a_milestone_needs_a_whole_map_point_with_a_clear_message():
    from django.core.exceptions import ValidationError

    path = path_create(milestones=())
    for fields, words in [
        ({}, "Place the milestone"),
        ({"lat": 42.0}, "or neither"),
        ({"lat": 95.0, "lon": 1.0}, "or neither"),
    ]:
        milestone = Milestone(path=path, order=0, name="M", distance=Decimal(0), **fields)
        with pytest.raises(ValidationError, match=words):
            milestone.full_clean()


def test_a_path_switched_to_illustrated_without_x_y_still_answers(client):
    from cohort.accounts.tests.factories import MemberFactory
    from cohort.journeys.services import path_cache_clear

    path = path_create()
    Milestone.objects.filter(path=path).update(x=None, y=None, lat=42.0, lon=-8.0)
    path_cache_clear()
    member = MemberFactory()
    client.force_login(member)
    [marker] = client.get(f"/api/v1/paths/{path.pk}/positions").json()
    assert (marker["x"], marker["y"], marker["lat"]) == (0.0, 0.0, None)
