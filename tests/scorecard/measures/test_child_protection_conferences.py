"""icpc_15wd_pct and rcpc_timely_pct: conferences held in the period, on time or late."""

from datetime import date

import pytest

from casework.workingdays import working_days_between
from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

Q2 = Period(date(2018, 7, 1), date(2018, 9, 30))


def icpc(s47_start: date, held: date, link: bool = True):
    child = f.ChildFactory()
    s47 = f.Section47Factory(child=child, start_date=s47_start)
    return f.InitialConferenceFactory(child=child, section47=s47 if link else None, date=held)


def rows(code: str, period: Period = Q2) -> dict:
    return {r.pk: r for r in get(code).rows(period)}


@pytest.mark.django_db
def test_icpc_on_the_15th_working_day_is_in_time_and_the_16th_is_late():
    in_time = icpc(date(2018, 8, 1), date(2018, 8, 22))
    late = icpc(date(2018, 8, 1), date(2018, 8, 23))
    assert working_days_between(date(2018, 8, 1), date(2018, 8, 22)) == 15
    got = rows("icpc_15wd_pct")
    assert got[in_time.pk].in_numerator is True
    assert got[in_time.pk].due_date == date(2018, 8, 22)
    assert got[in_time.pk].basis_date == date(2018, 8, 1)
    assert got[late.pk].in_numerator is False
    result = get("icpc_15wd_pct").result(Q2)
    assert (result.numerator, result.denominator) == (1, 2)


@pytest.mark.django_db
def test_icpc_timescale_skips_the_august_bank_holiday():
    # 27 Aug 2018 is a bank holiday: 15 working days from 10 Aug end on 3 Sep.
    in_time = icpc(date(2018, 8, 10), date(2018, 9, 3))
    assert get("icpc_15wd_pct").rows(Q2).get(pk=in_time.pk).in_numerator is True
    late = icpc(date(2018, 8, 10), date(2018, 9, 4))
    assert get("icpc_15wd_pct").rows(Q2).get(pk=late.pk).in_numerator is False


@pytest.mark.django_db
def test_icpc_without_a_linked_enquiry_uses_the_childs_latest_enquiry_before_it():
    conference = icpc(date(2018, 8, 1), date(2018, 8, 22), link=False)
    assert rows("icpc_15wd_pct")[conference.pk].basis_date == date(2018, 8, 1)


@pytest.mark.django_db
def test_icpc_dated_before_its_enquiry_or_outside_the_period_is_left_out():
    before = icpc(date(2018, 8, 10), date(2018, 8, 9))
    outside = icpc(date(2018, 6, 1), date(2018, 6, 29))
    no_enquiry = f.InitialConferenceFactory(date=date(2018, 8, 1))
    got = rows("icpc_15wd_pct")
    assert before.pk not in got and outside.pk not in got and no_enquiry.pk not in got


@pytest.mark.django_db
def test_icpc_takes_the_team_at_the_conference_date(cast):
    s47 = f.Section47Factory(child=cast.child_a1, start_date=date(2018, 8, 1))
    f.InitialConferenceFactory(child=cast.child_a1, section47=s47, date=date(2018, 8, 20))
    period = Q2
    assert get("icpc_15wd_pct").result(period, MeasureScope("team", cast.team_a1.pk)).numerator == 1
    assert (
        get("icpc_15wd_pct").result(period, MeasureScope("team", cast.team_b1.pk)).denominator == 0
    )


def review(plan, held: date, due: date):
    return f.CPReviewFactory(cp_plan=plan, held_date=held, due_date=due)


@pytest.mark.django_db
def test_first_review_is_due_3_months_after_the_plan_start():
    due = date(2018, 8, 31)
    on_time = review(f.CPPlanFactory(start_date=date(2018, 5, 31)), date(2018, 8, 31), due)
    late = review(f.CPPlanFactory(start_date=date(2018, 5, 31)), date(2018, 9, 3), due)
    got = rows("rcpc_timely_pct")
    assert got[on_time.pk].in_numerator is True
    assert got[on_time.pk].due_date == date(2018, 8, 31)
    assert got[on_time.pk].basis_date == date(2018, 5, 31)
    assert got[late.pk].in_numerator is False


@pytest.mark.django_db
def test_later_review_held_after_its_due_date_is_late_and_basis_is_the_previous_review():
    plan = f.CPPlanFactory(start_date=date(2017, 5, 31))
    review(plan, date(2017, 8, 31), date(2017, 8, 31))
    on_time = review(plan, date(2018, 2, 28), date(2018, 2, 28))
    other = f.CPPlanFactory(start_date=date(2017, 5, 31))
    review(other, date(2017, 8, 31), date(2017, 8, 31))
    late = review(other, date(2018, 3, 1), date(2018, 2, 28))
    q4 = Period(date(2018, 1, 1), date(2018, 3, 31))
    got = rows("rcpc_timely_pct", q4)
    assert set(got) == {on_time.pk, late.pk}
    assert got[on_time.pk].due_date == date(2018, 2, 28)
    assert got[on_time.pk].basis_date == date(2017, 8, 31)
    assert got[on_time.pk].in_numerator is True
    assert got[late.pk].in_numerator is False
    result = get("rcpc_timely_pct").result(q4)
    assert (result.numerator, result.denominator, result.value) == (1, 2, 50)
