"""The agenda is chosen when the surgery is planned: children with no open action first, then the
most working days overdue, the first `agenda_size` of them; then put in meeting order by team and
worker, the unallocated children last in their team."""

from datetime import date

from surgeries import services
from surgeries.minutes import status_words
from surgeries.models import Action

MEETING = date(2018, 9, 30)


def plan(cast, size):
    return services.surgery_create(
        user=cast.chair_a,
        title=f"North, {size}",
        date=MEETING,
        service_area=None,
        teams=[cast.team_a1],
        lists=[],
        agenda_size=size,
    )


def test_a_child_with_an_open_action_comes_after_those_without(cast, lists):
    # cp_a1 is the most overdue child of the team, but someone is already acting on it.
    Action.objects.create(
        child=lists.cp_a1,
        list_code="cp_seen_10wd_pct",
        description="Visit",
        owner=cast.worker_a1,
        due_date=date(2018, 10, 5),
        created_by=cast.manager_a1,
        raised_on=MEETING,
    )
    two = plan(cast, 2)
    assert len(two.agenda_children) == 2  # of the team's four children on a list
    assert lists.cp_a1.pk not in two.agenda_children
    everyone = plan(cast, 5)
    assert set(everyone.agenda_children) == {
        cast.child_a1.pk,
        lists.cp_a1.pk,
        lists.s47_a1.pk,
        lists.unallocated_a1.pk,
    }
    # Once nobody else is left, the child with an action comes last of its worker's children.
    assert everyone.agenda_children.index(lists.cp_a1.pk) > everyone.agenda_children.index(
        lists.s47_a1.pk
    )


def test_the_meeting_order_takes_each_worker_together_and_the_unallocated_last(cast, lists):
    surgery = plan(cast, 40)
    assert {lists.cp_a1.pk, lists.s47_a1.pk} <= set(surgery.agenda_children[:-1])
    assert surgery.agenda_children[-1] == lists.unallocated_a1.pk


def test_a_due_soon_row_reads_due_in_working_days_never_negative_overdue():
    class Row:
        def __init__(self, days, kind="due_soon"):
            self.days_overdue, self.kind = days, kind

    assert status_words(Row(-5)) == "Due in 5 working days"
    assert status_words(Row(-1)) == "Due in 1 working day"
    assert status_words(Row(0)) == "Due today"
    assert status_words(Row(12, "overdue")) == "12 working days overdue"
    assert status_words(Row(1, "overdue")) == "1 working day overdue"
