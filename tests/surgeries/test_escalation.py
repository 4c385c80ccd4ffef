"""Overdue actions climb one step at a time (owner → team manager → head of service) with an
email to the new holder, under a controlled clock; running twice the same day changes nothing."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from surgeries.models import Action
from surgeries.tasks import escalate_overdue_actions


@pytest.fixture
def overdue_action(cast, lists, settings):
    settings.REPORTING_DATE = None  # the app's date is the (controlled) clock
    cast.manager_a1.email = "tm-a1@council.example"
    cast.manager_a1.save()
    cast.chair_a.email = "chair-a@council.example"
    cast.chair_a.save()
    return Action.objects.create(
        child=lists.cp_a1,
        list_code="cp_seen_10wd_pct",
        description="Visit and see the child alone",
        owner=cast.worker_a1,
        due_date=date(2018, 10, 1),
        created_by=cast.manager_a1,
        raised_on=date(2018, 9, 28),
    )


def test_action_not_yet_overdue_stays_with_owner(overdue_action):
    with time_machine.travel("2018-10-01 06:15 +0100", tick=False):
        escalate_overdue_actions()
    overdue_action.refresh_from_db()
    assert overdue_action.escalation_level == 0
    assert mail.outbox == []


def test_overdue_action_goes_to_team_manager_then_head_of_service(overdue_action):
    with time_machine.travel("2018-10-02 06:15 +0100", tick=False):
        escalate_overdue_actions()
        escalate_overdue_actions()  # the same day again: idempotent
    overdue_action.refresh_from_db()
    assert overdue_action.escalation_level == Action.Level.TEAM_MANAGER
    assert [m.to for m in mail.outbox] == [["tm-a1@council.example"]]
    body = mail.outbox[0].body
    assert str(overdue_action.public_id) in body
    assert overdue_action.child.last_name not in body  # counts and links, never names

    # Not yet five working days past due: stays with the team manager.
    with time_machine.travel("2018-10-05 06:15 +0100", tick=False):
        escalate_overdue_actions()
    overdue_action.refresh_from_db()
    assert overdue_action.escalation_level == Action.Level.TEAM_MANAGER

    with time_machine.travel("2018-10-10 06:15 +0100", tick=False):
        escalate_overdue_actions()
        escalate_overdue_actions()
    overdue_action.refresh_from_db()
    assert overdue_action.escalation_level == Action.Level.HEAD_OF_SERVICE
    assert [m.to for m in mail.outbox][1:] == [["chair-a@council.example"]]

    # The top of the ladder: nothing further.
    with time_machine.travel("2018-11-01 06:15 +0000", tick=False):
        escalate_overdue_actions()
    assert len(mail.outbox) == 2


def test_done_actions_never_escalate(overdue_action):
    Action.objects.filter(pk=overdue_action.pk).update(
        status=Action.Status.DONE,
        completed_at="2018-10-01T10:00:00Z",
        completed_on=date(2018, 10, 1),
    )
    with time_machine.travel("2018-10-20 06:15 +0100", tick=False):
        escalate_overdue_actions()
    overdue_action.refresh_from_db()
    assert overdue_action.escalation_level == 0
    assert mail.outbox == []


def test_task_takes_only_an_iso_date(overdue_action):
    result = escalate_overdue_actions.delay("2018-10-02").get()
    assert result == {"escalated": 1, "emails": 1}
