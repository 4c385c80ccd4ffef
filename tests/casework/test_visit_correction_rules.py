"""Who may correct a visit, and the form's messages: the worker who recorded it within the
window, a manager after it; a reason is required; nothing-changed is said in words."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def visit(cast):
    return f.VisitFactory(
        child=cast.child_a1,
        worker=cast.worker_a1,
        date=date(2018, 9, 3),
        visit_type="cin",
        child_seen=True,
        recorded_at=f.aware(date(2018, 9, 3), 17),
    )


def _url(name, visit):
    return reverse(name, args=[visit.child.public_id, visit.public_id])


@time_machine.travel("2018-09-30 11:00:00+01:00", tick=False)
def test_worker_after_the_window_is_told_to_ask_a_manager(cast, as_user, visit, settings):
    settings.VISIT_CORRECTION_DAYS = 7
    response = as_user(cast.social_worker).get(_url("visit_correct", visit))
    assert response.status_code == 403
    page = response.content.decode()
    assert "for 7 days after you wrote it up" in page and "Ask a team manager" in page
    visits_tab = as_user(cast.social_worker).get(
        reverse("child_visits", args=[cast.child_a1.public_id])
    )
    assert _url("visit_correct", visit) not in visits_tab.content.decode()


@time_machine.travel("2018-09-30 11:00:00+01:00", tick=False)
def test_worker_inside_a_longer_window_may_correct(cast, as_user, visit, settings):
    settings.VISIT_CORRECTION_DAYS = 30
    client = as_user(cast.social_worker)
    assert client.get(_url("visit_correct", visit)).status_code == 200
    tab = client.get(reverse("child_visits", args=[cast.child_a1.public_id])).content.decode()
    assert _url("visit_correct", visit) in tab


@time_machine.travel("2018-09-30 11:00:00+01:00", tick=False)
def test_manager_may_correct_after_the_window(cast, as_user, visit):
    assert as_user(cast.manager_a1).get(_url("visit_correct", visit)).status_code == 200


def test_other_team_manager_gets_404(cast, as_user, visit):
    assert as_user(cast.manager_b1).get(_url("visit_correct", visit)).status_code == 404


@time_machine.travel("2018-09-30 11:00:00+01:00", tick=False)
def test_empty_reason_and_unchanged_answers_are_said_in_words(cast, as_user, visit):
    client = as_user(cast.manager_a1)
    empty = client.post(_url("visit_withdraw", visit), {"reason": " "}).content.decode()
    assert "Enter why the visit is being withdrawn" in empty and 'href="#id_reason"' in empty
    same = client.post(
        _url("visit_correct", visit),
        {
            "date_0": "3",
            "date_1": "9",
            "date_2": "2018",
            "visit_type": "cin",
            "child_seen": "yes",
            "seen_alone": "no",
            "reason": "Checking",
        },
    ).content.decode()
    assert "Nothing has changed" in same


@time_machine.travel("2018-09-30 11:00:00+01:00", tick=False)
def test_correction_to_a_date_after_today_is_refused(cast, as_user, visit):
    page = (
        as_user(cast.manager_a1)
        .post(
            _url("visit_correct", visit),
            {
                "date_0": "1",
                "date_1": "10",
                "date_2": "2018",
                "visit_type": "cin",
                "child_seen": "yes",
                "seen_alone": "no",
                "reason": "Wrong date",
            },
        )
        .content.decode()
    )
    assert "must be today or in the past (today is 30 September 2018)" in page
