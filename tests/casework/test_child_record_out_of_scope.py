"""Out of scope is a 404 that reveals nothing, for every tab and form of the child record."""

import uuid

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from casework.models import Visit

URLS = [
    "child_overview",
    "child_visits",
    "child_plans",
    "child_care",
    "child_health",
    "child_history",
    "visit_new",
    "health_check_new",
]


@pytest.mark.parametrize("name", URLS)
def test_other_teams_child_is_404_for_a_team_manager(cast, as_user, name):
    response = as_user(cast.manager_a1).get(reverse(name, args=[cast.child_a2.public_id]))
    assert response.status_code == 404
    assert cast.child_a2.last_name not in response.content.decode()


@pytest.mark.parametrize("name", URLS)
def test_unallocated_child_is_404_for_a_social_worker(cast, as_user, name):
    response = as_user(cast.social_worker).get(reverse(name, args=[cast.child_b1.public_id]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", URLS)
def test_senior_leader_sees_aggregates_only_so_any_child_is_404(cast, as_user, name):
    response = as_user(cast.leader).get(reverse(name, args=[cast.child_a1.public_id]))
    assert response.status_code == 404


def test_head_of_service_cannot_see_another_service_areas_child(cast, as_user):
    response = as_user(cast.chair_a).get(reverse("child_overview", args=[cast.child_b1.public_id]))
    assert response.status_code == 404


def test_unknown_child_is_404(cast, as_user):
    response = as_user(cast.admin).get(reverse("child_overview", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_posting_a_visit_for_an_out_of_scope_child_saves_nothing(cast, as_user):
    response = as_user(cast.social_worker).post(
        reverse("visit_new", args=[cast.child_b1.public_id]),
        {
            "date_0": "3",
            "date_1": "9",
            "date_2": "2018",
            "visit_type": "cin",
            "child_seen": "yes",
            "seen_alone": "no",
        },
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_refused_attempt_is_audited_without_naming_the_child(cast, as_user):
    url = reverse("child_overview", args=[cast.child_a2.public_id])
    as_user(cast.manager_a1).get(url)
    event = AccessEvent.objects.get()
    assert (event.action, event.status_code, event.child_ids) == ("refused", 404, [])
    assert event.path == url
