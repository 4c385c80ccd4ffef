"""The History tab shows who changed what in the child's record and when."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f


def test_history_lists_changes_with_old_and_new_values_and_who(cast, as_user, client):
    child = cast.child_a1
    child.upn = "A123456789012"
    child._history_user = cast.admin
    child.save()
    visit = f.VisitFactory(child=child, date=date(2018, 9, 3))
    visit.child_seen = False
    visit._history_user = cast.manager_a1
    visit.save()
    body = (
        as_user(cast.manager_a1)
        .get(reverse("child_history", args=[child.public_id]))
        .content.decode()
    )
    assert "Child details: changed" in body
    assert "UPN: (blank) → A123456789012" in body
    assert "Visit: changed" in body
    assert "Child seen: Yes → No" in body
    assert "admin" in body and "tm-a1" in body
    assert "Referral: created" in body


def test_history_runs_a_fixed_number_of_queries(cast, as_user):
    client = as_user(cast.manager_a1)
    url = reverse("child_history", args=[cast.child_a1.public_id])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for day in range(1, 20):
        f.VisitFactory(child=cast.child_a1, date=date(2018, 8, day))
    assert count() == few
