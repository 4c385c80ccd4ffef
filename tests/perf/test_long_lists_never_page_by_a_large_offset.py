"""The admin changelists of the big tables (visits, contacts, the access audit...) offer no
page starting deeper than MAX_OFFSET rows: a deeper page number is refused before any query for
it runs, and the date hierarchy and filters reach those rows instead."""

import re
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Visit
from common import admin_paginator
from common.admin_paginator import EstimatedCountPaginator
from tests import factories as f

OFFSET = re.compile(r"OFFSET\s+(\d+)", re.IGNORECASE)


def test_paginator_offers_no_page_beyond_the_deepest_offset(db, monkeypatch):
    monkeypatch.setattr(admin_paginator, "MAX_OFFSET", 20)
    # Count exactly: an earlier test's ANALYZE can leave the planner an estimate of thousands.
    monkeypatch.setattr(admin_paginator, "ESTIMATE_THRESHOLD", 10**9)
    child = f.ChildFactory()
    f.VisitFactory.create_batch(60, child=child)
    paginator = EstimatedCountPaginator(Visit.objects.order_by("pk"), 10)
    assert paginator.count == 60
    # Pages start at rows 0, 10 and 20: the third is the deepest.
    assert paginator.num_pages == 3
    assert len(paginator.page(3).object_list) == 10


def test_admin_refuses_a_deep_page_without_reading_it(cast, client, monkeypatch):
    monkeypatch.setattr(admin_paginator, "MAX_OFFSET", 50)
    child = f.ChildFactory()
    start = date(2017, 1, 2)
    for n in range(160):
        f.VisitFactory(child=child, date=start + timedelta(days=n))
    client.force_login(cast.admin)
    url = reverse("admin:casework_visit_changelist")

    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url, {"p": "2"})  # rows 50-99: the deepest page offered
    assert second.status_code == 200
    offsets = [int(n) for q in ctx.captured_queries for n in OFFSET.findall(q["sql"])]
    assert offsets and max(offsets) == 50

    with CaptureQueriesContext(connection) as ctx:
        deep = client.get(url, {"p": "3"})
    assert deep.status_code == 302 and "e=1" in deep["Location"]
    assert not [q for q in ctx.captured_queries if OFFSET.search(q["sql"])]

    # The rows beyond are reached by the date hierarchy instead.
    by_year = client.get(url, {"date__year": "2017"})
    assert by_year.status_code == 200
