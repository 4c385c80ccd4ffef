"""The access audit: every view, list, drill-down and export of child-level data writes exactly
one AccessEvent in the request, a refusal too; "who viewed this child" lists the rows naming a
child to the people who answer for it; the audit cannot be changed."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import AccessEvent
from casework.audit_views import events_naming_child
from tests.security.conftest import OTHER_AREA, OWN, SAME_AREA
from tests.security.matrix import MATRIX, ROLE_USER, first_role_in_scope, matrix_url

CHILD_LEVEL_GET = sorted(n for n in MATRIX if first_role_in_scope(n) is not None)


@pytest.mark.parametrize("name", CHILD_LEVEL_GET)
def test_child_level_get_writes_exactly_one_audit_row(world, client, name):
    role = first_role_in_scope(name)
    user = getattr(world.cast, ROLE_USER[role])
    client.force_login(user)
    before = AccessEvent.objects.count()
    response = client.get(matrix_url(world, name, OWN))
    assert response.status_code == 200
    events = list(AccessEvent.objects.order_by("pk")[before:])
    assert len(events) == 1, [(e.action, e.url_name) for e in events]
    event = events[0]
    assert (event.user, event.role, event.status_code) == (user, role, 200)
    assert event.url_name == name
    assert event.action in {"view", "list", "export", "drilldown", "audit", "search"}
    assert event.request_id == response["X-Request-ID"]


RECORD_PAGES = sorted(n for n, e in MATRIX.items() if e.rule is not None and "GET" in e.methods)


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_refused_request_writes_one_refused_row(world, client, name):
    client.force_login(world.cast.manager_a1)  # another service area is never in their scope
    before = AccessEvent.objects.count()
    response = client.get(matrix_url(world, name, OTHER_AREA))
    assert response.status_code == 404
    events = list(AccessEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.status_code, e.user) for e in events] == [
        ("refused", 404, world.cast.manager_a1)
    ]
    # A refusal names no child: the path says what was asked for.
    assert events[0].child_ids == []


@pytest.mark.parametrize("name", ["child_overview", "surgeries:action_detail"])
def test_record_view_names_the_child_shown(world, client, name):
    client.force_login(world.cast.admin)
    client.get(matrix_url(world, name, SAME_AREA))
    assert AccessEvent.objects.latest("pk").child_ids == [world.site(SAME_AREA).child.pk]


# --- Who viewed this child ----------------------------------------------------------------------


def test_team_manager_sees_who_viewed_their_teams_child(world, client):
    cast = world.cast
    child = world.site(OWN).child
    client.force_login(cast.social_worker)
    client.get(reverse("child_overview", args=[child.public_id]))
    client.force_login(cast.manager_b1)
    client.get(reverse("child_visits", args=[child.public_id]))  # refused: other area
    client.force_login(cast.admin)
    client.get(reverse("child_overview", args=[world.site(SAME_AREA).child.public_id]))

    client.force_login(cast.manager_a1)
    response = client.get(reverse("child_access", args=[child.public_id]))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    who = [(e.user.username, e.action) for e in rows]
    assert ("sw", "view") in who
    assert ("tm-b1", "refused") in who
    assert all(e.user != cast.admin for e in rows), "another child's views are not listed"
    assert b"Refused" in response.content


def test_who_viewed_page_is_paginated(world, client):
    child = world.site(OWN).child
    client.force_login(world.cast.admin)
    for _ in range(55):
        client.get(reverse("child_overview", args=[child.public_id]))
    response = client.get(reverse("child_access", args=[child.public_id]))
    # Reading the audit is audited, and the reader's own row is listed first.
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 56
    assert response.context["page"].object_list[0].action == "audit"
    second = client.get(reverse("child_access", args=[child.public_id]) + "?page=2")
    assert len(second.context["page"].object_list) == 7


@pytest.mark.parametrize(
    ("who", "relation", "status"),
    [
        ("manager_a1", OWN, 200),
        ("manager_a1", SAME_AREA, 404),
        ("chair_a", SAME_AREA, 200),
        ("chair_a", OTHER_AREA, 404),
        ("admin", OTHER_AREA, 200),
        ("social_worker", OWN, 404),
        ("performance", OWN, 404),
        ("leader", OWN, 404),
    ],
)
def test_who_viewed_page_is_for_managers_heads_and_administrators(
    world, client, who, relation, status
):
    client.force_login(getattr(world.cast, who))
    url = reverse("child_access", args=[world.site(relation).child.public_id])
    assert client.get(url).status_code == status


def test_child_id_match_is_whole_element_not_prefix(world):
    """Child 1 must not match rows naming child 11 or 21 (the SQLite text fallback)."""
    child = world.site(OWN).child
    AccessEvent.objects.create(action="list", child_ids=[child.pk * 10 + 1, child.pk + 100])
    hit = AccessEvent.objects.create(action="list", child_ids=[7000, child.pk])
    assert list(events_naming_child(child)) == [hit]


@pytest.mark.postgres
def test_who_viewed_uses_json_containment_on_postgresql(world):
    child = world.site(OWN).child
    hit = AccessEvent.objects.create(action="list", child_ids=[child.pk, 99999])
    AccessEvent.objects.create(action="list", child_ids=[child.pk + 1000])
    sql = str(events_naming_child(child).query)
    assert "@>" in sql
    assert list(events_naming_child(child)) == [hit]


# --- The audit cannot be changed ----------------------------------------------------------------


def test_audit_row_cannot_be_changed_or_deleted_through_the_model(world):
    event = AccessEvent.objects.create(action="view", child_ids=[world.site(OWN).child.pk])
    event.action = "nothing"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    event.refresh_from_db()
    assert event.action == "view"


def test_admin_offers_no_add_change_or_delete_on_the_audit(world):
    model_admin = admin.site._registry[AccessEvent]
    request = RequestFactory().get("/")
    request.user = world.cast.admin
    event = AccessEvent.objects.create(action="view")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
