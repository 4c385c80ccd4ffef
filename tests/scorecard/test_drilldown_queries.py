"""A drill-down page runs the same number of queries whatever the length of the list."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db


def _children(team, worker, n):
    for _ in range(n):
        child = f.ChildFactory()
        f.ReferralFactory(child=child, team=team, referral_date=date(2018, 2, 1))
        f.InvolvementFactory(child=child, worker=worker, team=team, start_date=date(2018, 2, 2))


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("user_key", ["manager_a1", "performance"])
def test_drilldown_query_count_is_constant_for_10_and_200_rows(cast, as_user, user_key):
    client = as_user(getattr(cast, user_key))
    scope = {"scope": f"team:{cast.team_a1.pk}"}
    url = "/scorecard/2018-19-Q2/open_children/"
    _children(cast.team_a1, cast.worker_a1, 9)  # 10 with the cast's child
    client.get(url, scope)  # warm per-process caches (content types, calendar)
    small = _queries(client, url, scope)
    _children(cast.team_a1, cast.worker_a1, 190)
    large = _queries(client, url, scope)
    assert small == large
    page_two = _queries(client, url, {**scope, "page": 2})
    assert page_two == large


def test_drilldown_export_query_count_is_constant(cast, as_user):
    client = as_user(cast.manager_a1)
    scope = {"scope": f"team:{cast.team_a1.pk}"}
    url = "/scorecard/2018-19-Q2/open_children/export.csv"
    _children(cast.team_a1, cast.worker_a1, 9)
    client.get(url, scope)
    small = _queries(client, url, scope)
    _children(cast.team_a1, cast.worker_a1, 190)
    assert _queries(client, url, scope) == small
