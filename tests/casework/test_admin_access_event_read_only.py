"""The access audit is evidence: even a superuser cannot add, change or delete it in the admin."""

import pytest
from django.urls import reverse

from accounts.models import AccessEvent


@pytest.fixture
def event(cast):
    return AccessEvent.objects.create(
        user=cast.manager_a1,
        role="team_manager",
        action="view",
        url_name="casework:child",
        path="/children/x/",
        child_ids=[cast.child_a1.pk],
        count=1,
        request_id="req-1",
    )


def test_access_event_change_page_is_view_only(cast, client, event):
    client.force_login(cast.admin)
    url = reverse("admin:accounts_accessevent_change", args=[event.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content

    response = client.post(url, {"action": "export", "count": 99})
    assert response.status_code == 403
    event.refresh_from_db()
    assert (event.action, event.count) == ("view", 1)


def test_access_event_cannot_be_added_or_deleted(cast, client, event):
    client.force_login(cast.admin)
    assert client.get(reverse("admin:accounts_accessevent_add")).status_code == 403
    delete_url = reverse("admin:accounts_accessevent_delete", args=[event.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_access_event_changelist_offers_no_delete_action(cast, client, event):
    client.force_login(cast.admin)
    changelist = reverse("admin:accounts_accessevent_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert b"delete_selected" not in response.content

    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert AccessEvent.objects.filter(pk=event.pk).exists()
