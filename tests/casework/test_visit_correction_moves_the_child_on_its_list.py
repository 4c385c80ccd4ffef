"""Correcting or withdrawing a visit: the child moves on or off its exception list at once (the
stored lists are rewritten in the same transaction) and the change, who made it and why appear
in the record's history."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from casework.models import Visit
from surgeries.lists import stored
from tests import factories as f

REPORTING = date(2018, 9, 30)


def _workbench_children(client) -> set[int]:
    response = client.get("/surgeries/", {"list": "cin_seen_pct", "kind": "overdue"})
    assert response.status_code == 200
    return {row.child_id for row in response.context["rows"] if row.list_code == "cin_seen_pct"}


@pytest.fixture
def frozen():
    """The record is made and corrected on the reporting date, in that order."""
    with time_machine.travel("2018-09-30 11:00:00+01:00", tick=True):
        yield


@pytest.fixture
def seen_child(cast, frozen):
    """A child in need in team A1, referred in May, seen by Sam Worker on 28 September."""
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 5, 1))
    f.InvolvementFactory(
        child=child, worker=cast.worker_a1, team=cast.team_a1, start_date=date(2018, 5, 2)
    )
    visit = f.VisitFactory(
        child=child,
        worker=cast.worker_a1,
        date=date(2018, 9, 28),
        visit_type="cin",
        child_seen=True,
        recorded_at=f.aware(date(2018, 9, 28), 17),
    )
    stored.refresh(REPORTING)  # the stored lists, as the nightly job leaves them
    return child, visit


def _correct(client, child, visit, **overrides):
    data = {
        "date_0": "28",
        "date_1": "9",
        "date_2": "2018",
        "visit_type": "cin",
        "child_seen": "no",
        "seen_alone": "no",
        "reason": "The child was out; I saw only the parents",
    }
    data.update(overrides)
    return client.post(reverse("visit_correct", args=[child.public_id, visit.public_id]), data)


def test_correcting_to_not_seen_puts_the_child_on_the_list_and_in_the_history(
    cast, as_user, seen_child
):
    child, visit = seen_child
    manager = as_user(cast.manager_a1)
    assert child.pk not in _workbench_children(manager)

    worker = as_user(cast.social_worker)
    response = _correct(worker, child, visit)
    assert response.status_code == 302
    assert "Visit corrected" in worker.get(response.url).content.decode()
    visit.refresh_from_db()
    assert visit.child_seen is False

    manager = as_user(cast.manager_a1)
    assert child.pk in _workbench_children(manager)
    history = manager.get(reverse("child_history", args=[child.public_id])).content.decode()
    assert "Child seen: Yes → No" in history
    assert "Corrected: The child was out; I saw only the parents" in history


def test_withdrawing_the_visit_puts_the_child_on_the_list(cast, as_user, seen_child):
    child, visit = seen_child
    worker = as_user(cast.social_worker)
    response = worker.post(
        reverse("visit_withdraw", args=[child.public_id, visit.public_id]),
        {"reason": "Recorded on the wrong child"},
    )
    assert response.status_code == 302
    assert not Visit.objects.filter(pk=visit.pk).exists()
    manager = as_user(cast.manager_a1)
    assert child.pk in _workbench_children(manager)
    history = manager.get(reverse("child_history", args=[child.public_id])).content.decode()
    assert "Visit: withdrawn" in history
    assert "Withdrawn: Recorded on the wrong child" in history


def test_correcting_a_not_seen_visit_to_seen_takes_the_child_off(cast, as_user, seen_child):
    child, visit = seen_child
    Visit.objects.filter(pk=visit.pk).update(child_seen=False)
    stored.refresh(REPORTING)
    manager = as_user(cast.manager_a1)
    assert child.pk in _workbench_children(manager)
    response = _correct(manager, child, visit, child_seen="yes", reason="Seen: the note was wrong")
    assert response.status_code == 302
    assert child.pk not in _workbench_children(as_user(cast.manager_a1))
