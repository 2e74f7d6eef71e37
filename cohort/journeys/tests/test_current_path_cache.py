import pytest
from django.urls import reverse

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.journeys.models import Milestone
from cohort.journeys.selectors import path_current_get
from cohort.journeys.services import path_make_current
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


def test_the_current_path_is_served_from_the_cache(django_assert_num_queries):
    path_create()
    path_current_get()
    with django_assert_num_queries(0):
        assert path_current_get().name == "Test Way"


def test_making_another_path_current_drops_the_cache(django_capture_on_commit_callbacks):
    path_create(name="Old")
    new = path_create(name="New", current=False)
    assert path_current_get().name == "Old"
    with django_capture_on_commit_callbacks(execute=True):
        path_make_current(path=new)
    assert path_current_get().name == "New"


def test_editing_milestones_in_the_admin_drops_the_cache(client):
    path = path_create()
    assert [m.name for m in path_current_get().milestones][1] == "Ford"
    client.force_login(StaffFactory())
    ford = Milestone.objects.get(path=path, name="Ford")
    milestones = list(Milestone.objects.filter(path=path).order_by("order"))
    data = {
        "name": path.name, "unit": path.unit, "steps_per_unit": path.steps_per_unit,
        "total_distance": path.total_distance, "start_date": path.start_date,
        "kind": path.kind, "map_width": 1000, "map_height": 600,
        "milestones-TOTAL_FORMS": len(milestones), "milestones-INITIAL_FORMS": len(milestones),
    }  # fmt: skip
    for i, m in enumerate(milestones):
        data.update({
            f"milestones-{i}-id": m.pk, f"milestones-{i}-path": path.pk,
            f"milestones-{i}-order": m.order, f"milestones-{i}-distance": m.distance,
            f"milestones-{i}-x": m.x, f"milestones-{i}-y": m.y,
            f"milestones-{i}-name": "River Ford" if m.pk == ford.pk else m.name,
        })  # fmt: skip
    response = client.post(reverse("admin:journeys_path_change", args=[path.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [m.name for m in path_current_get().milestones][1] == "River Ford"


def test_only_one_path_can_be_current():
    from django.db import IntegrityError, transaction

    path_create(name="One")
    with pytest.raises(IntegrityError), transaction.atomic():
        path_create(name="Two", current=True)


def test_members_do_not_reach_the_path_admin(client):
    path = path_create()
    client.force_login(MemberFactory())
    response = client.get(reverse("admin:journeys_path_change", args=[path.pk]))
    assert response.status_code == 302
