"""Recording a visit takes at most 15 statements, and the child leaves the "not seen" list
on the very next workbench request, without waiting for the nightly rollup."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Visit
from tests import factories as f

# Transaction control is not a statement of the page.
CONTROL = re.compile(r"^(RELEASE )?SAVEPOINT|^(BEGIN|COMMIT|ROLLBACK)")


def _workbench_children(client, list_code: str) -> set[int]:
    response = client.get("/surgeries/", {"list": list_code, "kind": "overdue"})
    assert response.status_code == 200
    return {row.child_id for row in response.context["rows"] if row.list_code == list_code}


def _cin_child_not_seen(cast):
    """A child in need in team A1, allocated to Sam Worker, referred in May and never seen."""
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 5, 1))
    f.InvolvementFactory(
        child=child, worker=cast.worker_a1, team=cast.team_a1, start_date=date(2018, 5, 2)
    )
    return child


@pytest.mark.parametrize(
    ("list_code", "visit_type"), [("cin_seen_pct", "cin"), ("cp_seen_10wd_pct", "cp")]
)
@time_machine.travel("2018-10-01 09:30:00+01:00", tick=False)
def test_visit_takes_the_child_off_the_unseen_list_at_once(
    cast, lists, as_user, list_code, visit_type
):
    child = _cin_child_not_seen(cast) if visit_type == "cin" else lists.cp_a1
    manager = as_user(cast.manager_a1)
    assert child.pk in _workbench_children(manager, list_code)

    worker = as_user(cast.social_worker)
    url = reverse("visit_new", args=[child.public_id])
    data = {
        "date_0": "28",
        "date_1": "9",
        "date_2": "2018",
        "visit_type": visit_type,
        "child_seen": "yes",
        "seen_alone": "yes",
    }
    with CaptureQueriesContext(connection) as ctx:
        response = worker.post(url, data)
    assert response.status_code == 302
    assert Visit.objects.filter(child=child, date=date(2018, 9, 28), child_seen=True).exists()
    statements = [q["sql"] for q in ctx.captured_queries if not CONTROL.search(q["sql"])]
    assert len(statements) <= 15, "\n".join(s[:120] for s in statements)

    assert child.pk not in _workbench_children(manager, list_code)
