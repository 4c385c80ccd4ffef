"""The admin never counts a big unfiltered table on PostgreSQL: it takes the planner's estimate.
Filtered lists and SQLite keep the exact count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Child
from common import admin_paginator
from common.admin_paginator import EstimatedCountPaginator, estimated_row_count
from tests import factories as f


def _count_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.postgres
def test_unfiltered_big_table_uses_the_planner_estimate(db, monkeypatch):
    f.ChildFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_child")
    monkeypatch.setattr(admin_paginator, "ESTIMATE_THRESHOLD", 10)

    paginator = EstimatedCountPaginator(Child.objects.order_by("pk"), 10)
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    assert count == 30
    assert _count_queries(queries) == []
    assert any("reltuples" in q["sql"] for q in queries.captured_queries)


@pytest.mark.postgres
def test_filtered_list_is_counted_exactly(db, monkeypatch):
    f.ChildFactory.create_batch(30)
    f.ChildFactory.create_batch(3, sex=Child.Sex.MALE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_child")
    monkeypatch.setattr(admin_paginator, "ESTIMATE_THRESHOLD", 10)

    paginator = EstimatedCountPaginator(Child.objects.filter(sex=Child.Sex.MALE), 10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3
    assert len(_count_queries(queries)) == 1


@pytest.mark.postgres
def test_small_table_is_counted_exactly(db):
    f.ChildFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_child")
    paginator = EstimatedCountPaginator(Child.objects.all(), 10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5
    assert len(_count_queries(queries)) == 1


def test_no_estimate_for_filtered_or_distinct_lists_or_outside_postgresql(db):
    f.ChildFactory.create_batch(4)
    assert estimated_row_count(Child.objects.filter(sex=Child.Sex.MALE)) is None
    assert estimated_row_count(Child.objects.distinct()) is None
    if connection.vendor != "postgresql":
        assert estimated_row_count(Child.objects.all()) is None
    assert EstimatedCountPaginator(Child.objects.all(), 10).count == 4
