"""The stored exception lists (surgeries/lists/stored.py) are the live lists: the same rows, read
from one table; a child whose visit is recorded leaves them at once; a window they were not
computed for falls back to the live lists."""

from datetime import date

import time_machine
from django.urls import reverse

from casework.reporting import reporting_date
from casework.scope import scope_for
from surgeries import lists as ex
from surgeries.lists import stored as workbench
from surgeries.models import ExceptionEntry


def _rows(user, **filters) -> list[tuple]:
    as_at = reporting_date()
    compiled = ex.compiled_rows(
        scope=scope_for(user), as_at=as_at, filters=ex.RowFilter(**filters), sort="-days"
    )
    values = ex.fetch_rows(compiled, as_at=as_at, sort="-days", limit=1000)
    return [
        (v["r_child"], v["r_list"], v["r_kind"], v["r_due"], v["r_worker"], v["r_team"])
        for v in values
    ]


def test_stored_rows_are_the_live_rows_for_each_user(cast, lists):
    live = {u: _rows(u) for u in (cast.manager_a1, cast.manager_b1, cast.social_worker)}
    assert any(live.values())

    marker = workbench.refresh(reporting_date())
    assert marker.rows == ExceptionEntry.objects.count() > 0

    for user, rows in live.items():
        assert _rows(user) == rows, user
    # Filters are applied to the stored rows as to the live ones.
    only = lists.cp_a1.pk
    assert _rows(cast.manager_a1, child_ids=(only,)) == [
        r for r in live[cast.manager_a1] if r[0] == only
    ]


def test_a_window_the_rows_were_not_stored_for_is_computed_live(cast, lists):
    as_at = reporting_date()
    marker = workbench.refresh(as_at)
    assert workbench.answers(marker, ex.RowFilter())
    assert not workbench.answers(marker, ex.RowFilter(due_soon_wd=marker.due_soon_wd + 5))
    assert workbench.answers(
        marker, ex.RowFilter(kind=ex.OVERDUE, due_soon_wd=marker.due_soon_wd + 5)
    )


@time_machine.travel("2018-10-01 09:30:00+01:00", tick=False)
def test_recorded_visit_takes_the_child_off_the_stored_list_at_once(cast, lists, as_user):
    workbench.refresh(reporting_date())
    child = lists.cp_a1
    manager = as_user(cast.manager_a1)

    def on_list() -> bool:
        page = manager.get("/surgeries/", {"list": "cp_seen_10wd_pct", "kind": "overdue"})
        return any(r.child_id == child.pk for r in page.context["rows"])

    assert on_list()
    assert ExceptionEntry.objects.filter(child=child, list_code="cp_seen_10wd_pct").exists()
    response = as_user(cast.social_worker).post(
        reverse("visit_new", args=[child.public_id]),
        {
            "date_0": "28",
            "date_1": "9",
            "date_2": "2018",
            "visit_type": "cp",
            "child_seen": "yes",
            "seen_alone": "yes",
        },
    )
    assert response.status_code == 302
    assert not ExceptionEntry.objects.filter(child=child, list_code="cp_seen_10wd_pct").exists()
    assert not on_list()
    # The child's other rows were rewritten, not lost.
    assert ExceptionEntry.objects.filter(as_at=date(2018, 9, 30)).exists()
