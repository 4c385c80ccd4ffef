"""Each role's service navigation shows what it may use, and a list page a role may not use says
so in words (403) instead of showing an empty list."""

import pytest
from django.urls import reverse

from casework.templatetags.casework_ui import navigation_items

EXPECTED = {
    "social_worker": ["Home", "My caseload", "Find a child", "Surgeries", "Scorecard"],
    "team_manager": ["Home", "My caseload", "Find a child", "Surgeries", "Scorecard"],
    "head_of_service": ["Home", "Find a child", "Surgeries", "Scorecard"],
    "senior_leader": ["Home", "Scorecard"],
    "performance_officer": ["Home", "Find a child", "Surgeries", "Scorecard", "Imports"],
    "administrator": ["Home", "Find a child", "Surgeries", "Scorecard", "Imports", "Admin"],
}


@pytest.mark.parametrize("role", EXPECTED)
def test_navigation_shows_what_the_role_may_use(cast, rf, role):
    request = rf.get("/")
    request.user = cast.users()[role]
    items = navigation_items(request)
    assert [i.text for i in items] == EXPECTED[role]


@pytest.mark.parametrize("role", EXPECTED)
def test_every_navigation_link_answers(cast, as_user, role):
    client = as_user(cast.users()[role])
    request_user = cast.users()[role]
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = request_user
    for item in navigation_items(request):
        response = client.get(item.href, follow=True)
        assert response.status_code == 200, (role, item.href)


def test_senior_leader_opening_surgeries_is_told_it_is_not_for_their_role(cast, as_user):
    response = as_user(cast.leader).get("/surgeries/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Surgeries and their lists are for social workers, team managers" in page
    assert "Senior leader" in page


def test_who_viewed_is_a_tab_for_those_who_may_read_it(cast, as_user):
    url = reverse("child_access", args=[cast.child_a1.public_id])
    overview = reverse("child_overview", args=[cast.child_a1.public_id])
    assert url in as_user(cast.manager_a1).get(overview).content.decode()
    assert url not in as_user(cast.social_worker).get(overview).content.decode()
    page = as_user(cast.manager_a1).get(url).content.decode()
    assert "Team manager" in page and "Child record: overview" in page
    assert "team_manager" not in page.split("<tbody")[1]
