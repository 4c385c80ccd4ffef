"""A child's admin page runs the same number of queries for 3 visits as for 30."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f


def _queries(client, child) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:casework_child_change", args=[child.pk]))
    assert response.status_code == 200
    return len(queries)


def test_child_page_queries_do_not_grow_with_visits(cast, client):
    client.force_login(cast.admin)
    child = cast.child_a1
    _queries(client, child)  # warms the per-process content type cache
    for i in range(3):
        f.VisitFactory(child=child, worker=cast.worker_a1, date=date(2018, 1, 8) + timedelta(i))
    with_3 = _queries(client, child)
    for i in range(3, 30):
        f.VisitFactory(child=child, worker=cast.worker_a1, date=date(2018, 1, 8) + timedelta(i))
    assert _queries(client, child) == with_3
