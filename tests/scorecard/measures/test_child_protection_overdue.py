"""icpc_overdue and rcpc_overdue: the surgery lists of conferences overdue and due soon."""

from datetime import date

import pytest

from casework.workingdays import working_days_between
from scorecard.measures.base import Period
from scorecard.measures.registry import get
from tests import factories as f


def ids(qs) -> set:
    return set(qs.values_list("pk", flat=True))


@pytest.mark.django_db
def test_enquiry_is_overdue_from_the_16th_working_day_without_a_conference():
    as_at = date(2018, 9, 28)
    due_today = f.Section47Factory(start_date=date(2018, 9, 7))
    overdue = f.Section47Factory(start_date=date(2018, 9, 6))
    started_today = f.Section47Factory(start_date=as_at)
    assert working_days_between(date(2018, 9, 7), as_at) == 15
    measure, period = get("icpc_overdue"), Period.as_at_date(as_at)
    assert measure.on_scorecard is False
    assert ids(measure.failing(period)) == {overdue.pk}
    assert ids(measure.due_soon(period, last_due=as_at)) == {due_today.pk}
    row = measure.rows(period).get(pk=due_today.pk)
    assert (row.basis_date, row.due_date) == (date(2018, 9, 7), as_at)
    assert started_today.pk in ids(measure.rows(period))
    assert measure.result(period).numerator == 1


@pytest.mark.django_db
def test_enquiry_with_a_conference_held_or_not_required_or_closed_is_not_listed():
    as_at = date(2018, 9, 28)
    linked = f.Section47Factory(start_date=date(2018, 8, 1))
    f.InitialConferenceFactory(child=linked.child, section47=linked, date=date(2018, 8, 30))
    unlinked = f.Section47Factory(start_date=date(2018, 8, 1))
    f.InitialConferenceFactory(child=unlinked.child, date=date(2018, 8, 30))
    not_required = f.Section47Factory(start_date=date(2018, 8, 1), icpc_not_required=True)
    closed = f.Section47Factory(start_date=date(2018, 8, 1), end_date=as_at)
    held_later = f.Section47Factory(start_date=date(2018, 8, 1))
    f.InitialConferenceFactory(child=held_later.child, section47=held_later, date=date(2018, 10, 1))
    rows = ids(get("icpc_overdue").rows(Period.as_at_date(as_at)))
    assert rows == {held_later.pk}
    assert {linked.pk, unlinked.pk, not_required.pk, closed.pk}.isdisjoint(rows)


@pytest.mark.django_db
def test_first_review_overdue_3_months_after_plan_start_clamped_to_month_end():
    plan = f.CPPlanFactory(start_date=date(2018, 11, 30))
    measure = get("rcpc_overdue")
    on_due = measure.rows(Period.as_at_date(date(2019, 2, 28))).get(pk=plan.pk)
    assert on_due.due_date == date(2019, 2, 28)
    assert on_due.basis_date == date(2018, 11, 30)
    assert on_due.in_numerator is False
    day_after = measure.rows(Period.as_at_date(date(2019, 3, 1))).get(pk=plan.pk)
    assert day_after.in_numerator is True
    assert ids(measure.failing(Period.as_at_date(date(2019, 3, 1)))) == {plan.pk}


@pytest.mark.django_db
def test_next_review_due_6_months_after_the_last_review_held_by_the_date():
    as_at = date(2018, 9, 28)
    reviewed = f.CPPlanFactory(start_date=date(2018, 6, 1))
    f.CPReviewFactory(cp_plan=reviewed, due_date=date(2018, 9, 1), held_date=date(2018, 8, 31))
    late = f.CPPlanFactory(start_date=date(2018, 6, 1))
    f.CPReviewFactory(cp_plan=late, due_date=date(2018, 9, 1), held_date=date(2018, 10, 1))
    ended = f.CPPlanFactory(start_date=date(2018, 1, 1), end_date=as_at)
    measure, period = get("rcpc_overdue"), Period.as_at_date(as_at)
    rows = {r.pk: r for r in measure.rows(period)}
    assert rows[reviewed.pk].due_date == date(2019, 2, 28)
    assert rows[reviewed.pk].basis_date == date(2018, 8, 31)
    assert rows[reviewed.pk].in_numerator is False
    assert rows[late.pk].due_date == date(2018, 9, 1)
    assert rows[late.pk].in_numerator is True
    assert ended.pk not in rows
