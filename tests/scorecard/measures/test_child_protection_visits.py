"""cp_seen_10wd_pct: children on a plan seen within 10 working days."""

from datetime import date

import pytest

from casework.workingdays import working_days_between
from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

MEASURE = "cp_seen_10wd_pct"


def on_plan(start=date(2018, 6, 1), **child):
    c = f.ChildFactory(**child)
    f.CPPlanFactory(child=c, start_date=start)
    return c


def rows_at(as_at: date) -> dict:
    return {r.child_id: r for r in get(MEASURE).rows(Period.as_at_date(as_at))}


@pytest.mark.django_db
def test_seen_exactly_10_working_days_before_is_in_time_and_11_is_not():
    as_at = date(2018, 9, 28)
    in_time, late = on_plan(), on_plan()
    f.VisitFactory(child=in_time, date=date(2018, 9, 14), visit_type="cp")
    f.VisitFactory(child=late, date=date(2018, 9, 13), visit_type="cp")
    assert working_days_between(date(2018, 9, 14), as_at) == 10
    rows = rows_at(as_at)
    assert rows[in_time.pk].in_numerator is True
    assert rows[in_time.pk].due_date == date(2018, 9, 28)
    assert rows[in_time.pk].basis_date == date(2018, 9, 14)
    assert rows[late.pk].in_numerator is False
    assert rows[late.pk].due_date == date(2018, 9, 27)
    assert get(MEASURE).result(Period.as_at_date(as_at)).value == 50


@pytest.mark.django_db
def test_weekend_as_at_date_counts_the_friday_before():
    # Sunday 30 Sep 2018: 14 Sep is still 10 working days before it.
    child = on_plan()
    f.VisitFactory(child=child, date=date(2018, 9, 14))
    assert rows_at(date(2018, 9, 30))[child.pk].in_numerator is True
    assert rows_at(date(2018, 10, 1))[child.pk].in_numerator is False


@pytest.mark.django_db
def test_easter_2018_bank_holidays_do_not_count():
    as_at = date(2018, 4, 6)
    in_time, late = on_plan(start=date(2018, 1, 2)), on_plan(start=date(2018, 1, 2))
    f.VisitFactory(child=in_time, date=date(2018, 3, 21))
    f.VisitFactory(child=late, date=date(2018, 3, 20))
    assert working_days_between(date(2018, 3, 21), as_at) == 10
    rows = rows_at(as_at)
    assert rows[in_time.pk].in_numerator is True
    assert rows[late.pk].in_numerator is False
    # 21 Mar + 10 working days skips Good Friday and Easter Monday.
    assert rows[in_time.pk].due_date == date(2018, 4, 6)


@pytest.mark.django_db
def test_christmas_bank_holidays_do_not_count():
    as_at = date(2018, 1, 5)
    in_time, late = on_plan(start=date(2017, 6, 1)), on_plan(start=date(2017, 6, 1))
    f.VisitFactory(child=in_time, date=date(2017, 12, 19))
    f.VisitFactory(child=late, date=date(2017, 12, 18))
    assert working_days_between(date(2017, 12, 19), as_at) == 10
    rows = rows_at(as_at)
    assert rows[in_time.pk].in_numerator is True
    assert rows[late.pk].in_numerator is False


@pytest.mark.django_db
def test_not_seen_since_plan_start_counts_from_the_plan_start():
    as_at = date(2018, 9, 28)
    new_plan = on_plan(start=date(2018, 9, 20))
    f.VisitFactory(child=new_plan, date=date(2018, 8, 1))  # before the plan: does not count
    unseen = on_plan(start=date(2018, 9, 1))
    f.VisitFactory(child=unseen, date=date(2018, 9, 25), child_seen=False)
    rows = rows_at(as_at)
    assert rows[new_plan.pk].basis_date == date(2018, 9, 20)
    assert rows[new_plan.pk].in_numerator is True
    assert rows[unseen.pk].basis_date == date(2018, 9, 1)
    assert rows[unseen.pk].in_numerator is False


@pytest.mark.django_db
def test_plan_starting_on_the_date_is_open_and_plan_ending_on_it_is_not():
    as_at = date(2018, 9, 28)
    starting = on_plan(start=as_at)
    ending = f.ChildFactory()
    f.CPPlanFactory(child=ending, start_date=date(2018, 6, 1), end_date=as_at)
    rows = rows_at(as_at)
    assert rows[starting.pk].in_numerator is True
    assert ending.pk not in rows


@pytest.mark.django_db
def test_child_in_care_is_counted_in_care_not_on_a_plan_but_short_breaks_are_not_care():
    as_at = date(2018, 9, 28)
    in_care = on_plan()
    f.CareEpisodeFactory(child=in_care, start_date=date(2018, 2, 1), legal_status="C2")
    short_breaks = on_plan()
    f.CareEpisodeFactory(child=short_breaks, start_date=date(2018, 2, 1), legal_status="V3")
    rows = rows_at(as_at)
    assert in_care.pk not in rows
    assert short_breaks.pk in rows


@pytest.mark.django_db
def test_due_soon_lists_children_whose_visit_falls_due_and_failing_lists_the_late():
    as_at = date(2018, 9, 24)
    due_friday, late = on_plan(), on_plan()
    f.VisitFactory(child=due_friday, date=date(2018, 9, 14))
    f.VisitFactory(child=late, date=date(2018, 9, 7))
    measure, period = get(MEASURE), Period.as_at_date(as_at)
    assert list(measure.failing(period).values_list("child_id", flat=True)) == [late.pk]
    soon = measure.due_soon(period, last_due=date(2018, 9, 28))
    assert list(soon.values_list("child_id", flat=True)) == [due_friday.pk]


@pytest.mark.django_db
def test_scope_filters_by_team_service_area_and_worker(cast):
    as_at = date(2018, 9, 28)
    for child in (cast.child_a1, cast.child_a2, cast.child_b1):
        f.CPPlanFactory(child=child, start_date=date(2018, 6, 1))
    f.VisitFactory(child=cast.child_a1, date=date(2018, 9, 25))
    measure, period = get(MEASURE), Period.as_at_date(as_at)

    def numbers(scope):
        r = measure.result(period, scope)
        return r.numerator, r.denominator

    assert numbers(MeasureScope("team", cast.team_a1.pk)) == (1, 1)
    assert numbers(MeasureScope("team", cast.team_a2.pk)) == (0, 1)
    assert numbers(MeasureScope("service_area", cast.area_a.pk)) == (1, 2)
    assert numbers(MeasureScope("worker", cast.worker_b1.pk)) == (0, 1)
    assert numbers(MeasureScope()) == (1, 3)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_children(django_assert_max_num_queries):
    as_at = date(2018, 9, 28)
    measure, period = get(MEASURE), Period.as_at_date(as_at)
    for _ in range(2):
        f.VisitFactory(child=on_plan(), date=date(2018, 9, 20))
    with django_assert_max_num_queries(1):
        measure.result(period)
    for _ in range(6):
        f.VisitFactory(child=on_plan(), date=date(2018, 9, 20))
    with django_assert_max_num_queries(1):
        assert measure.result(period).denominator == 8
