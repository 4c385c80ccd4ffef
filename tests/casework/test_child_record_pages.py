"""The child record's tabs open for everyone whose scope holds the child; each view is audited."""

import pytest
from django.urls import reverse

from accounts.models import AccessEvent

TABS = [
    "child_overview",
    "child_visits",
    "child_plans",
    "child_care",
    "child_health",
    "child_history",
]


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize("who", ["social_worker", "manager_a1", "chair_a", "admin"])
def test_record_tab_opens_for_users_whose_scope_holds_the_child(cast, as_user, who, tab):
    client = as_user(getattr(cast, who))
    response = client.get(reverse(tab, args=[cast.child_a1.public_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.child_a1.la_child_id in body
    assert "moj-identity-bar__details" in body
    assert 'aria-current="page"' in body


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_view_writes_one_audit_row_naming_the_child(cast, as_user, tab):
    client = as_user(cast.manager_a1)
    before = AccessEvent.objects.count()
    client.get(reverse(tab, args=[cast.child_a1.public_id]))
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("at")
    assert event.user == cast.manager_a1
    assert event.action == "view"
    assert event.child_ids == [cast.child_a1.pk]
    assert event.url_name == tab
    assert event.role == "team_manager"
