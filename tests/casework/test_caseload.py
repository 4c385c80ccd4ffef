"""My caseload: the signed-in worker's allocated children at the reporting date, with category,
allocation date and last seen date, in a fixed number of queries whatever its length."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessEvent
from tests import factories as f


def _allocate(cast, n: int) -> list:
    children = []
    for i in range(n):
        child = f.ChildFactory()
        f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 2, 1))
        f.InvolvementFactory(
            child=child, worker=cast.worker_a1, team=cast.team_a1, start_date=date(2018, 2, 2)
        )
        f.VisitFactory(child=child, date=date(2018, 9, 1 + i % 20))
        children.append(child)
    return children


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("caseload"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_the_same_for_5_and_50_children(cast, as_user):
    client = as_user(cast.social_worker)
    _allocate(cast, 4)  # plus the cast's own child: 5
    five = _queries(client)
    _allocate(cast, 45)
    fifty = _queries(client)
    assert five == fifty


def test_social_worker_sees_only_their_allocated_children_with_last_seen(cast, as_user):
    f.VisitFactory(child=cast.child_a1, date=date(2018, 9, 12), child_seen=True)
    f.VisitFactory(child=cast.child_a1, date=date(2018, 9, 20), child_seen=False)
    f.VisitFactory(
        child=cast.child_a1, date=date(2018, 10, 5), child_seen=True
    )  # after the reporting date
    body = as_user(cast.social_worker).get(reverse("caseload")).content.decode()
    assert cast.child_a1.la_child_id in body
    assert cast.child_a2.la_child_id not in body
    assert cast.child_b1.la_child_id not in body
    assert "12 Sep 2018" in body
    assert "20 Sep 2018" not in body and "5 Oct 2018" not in body
    assert "3 Jan 2018" in body  # date allocated
    assert "Child in need" in body
    assert reverse("child_overview", args=[cast.child_a1.public_id]) in body


def test_team_manager_sees_the_teams_children_and_their_workers(cast, as_user):
    body = as_user(cast.manager_a1).get(reverse("caseload")).content.decode()
    assert cast.child_a1.la_child_id in body
    assert cast.worker_a1.name in body
    assert cast.child_a2.la_child_id not in body


def test_caseload_is_paginated_and_sortable(cast, as_user):
    _allocate(cast, 30)
    client = as_user(cast.social_worker)
    body = client.get(reverse("caseload")).content.decode()
    assert 'class="govuk-pagination"' in body
    assert 'aria-sort="ascending"' in body  # sorted by name by default
    sorted_body = client.get(reverse("caseload") + "?sort=-last_seen&page=2").content.decode()
    assert 'aria-sort="descending"' in sorted_body
    assert 'aria-current="page">2<' in sorted_body


def test_caseload_view_is_audited_with_the_children_shown(cast, as_user):
    as_user(cast.social_worker).get(reverse("caseload"))
    event = AccessEvent.objects.latest("at")
    assert event.action == "list"
    assert event.child_ids == [cast.child_a1.pk]


@pytest.mark.parametrize("who", ["leader", "performance", "chair_a"])
def test_roles_without_a_caseload_are_refused(cast, as_user, who):
    assert as_user(getattr(cast, who)).get(reverse("caseload")).status_code == 404
