"""cp_repeat_pct and cp_lt_2y_pct: earlier plans and plans of 2 years or more."""

from datetime import date

import pytest

from scorecard.measures.base import Period
from scorecard.measures.registry import get
from tests import factories as f


def rows_at(code: str, as_at: date) -> dict:
    return {r.child_id: r for r in get(code).rows(Period.as_at_date(as_at))}


@pytest.mark.django_db
def test_repeat_plan_counts_only_children_with_an_earlier_plan():
    as_at = date(2018, 9, 30)
    repeat, first = f.ChildFactory(), f.ChildFactory()
    f.CPPlanFactory(child=repeat, start_date=date(2016, 3, 1), end_date=date(2017, 1, 5))
    f.CPPlanFactory(child=repeat, start_date=date(2018, 6, 1))
    f.CPPlanFactory(child=first, start_date=date(2018, 6, 1))
    rows = rows_at("cp_repeat_pct", as_at)
    assert rows[repeat.pk].in_numerator is True
    assert rows[first.pk].in_numerator is False
    result = get("cp_repeat_pct").result(Period.as_at_date(as_at))
    assert (result.numerator, result.denominator, result.value) == (1, 2, 50)
    assert [r.child_id for r in get("cp_repeat_pct").failing(Period.as_at_date(as_at))] == [
        repeat.pk
    ]


@pytest.mark.django_db
def test_plan_is_under_2_years_until_the_day_before_its_second_anniversary():
    as_at = date(2018, 9, 30)
    two_years, under = f.ChildFactory(), f.ChildFactory()
    f.CPPlanFactory(child=two_years, start_date=date(2016, 9, 30))
    f.CPPlanFactory(child=under, start_date=date(2016, 10, 1))
    rows = rows_at("cp_lt_2y_pct", as_at)
    assert rows[two_years.pk].in_numerator is False
    assert rows[two_years.pk].due_date == date(2018, 9, 29)
    assert rows[under.pk].in_numerator is True
    assert rows[under.pk].due_date == date(2018, 9, 30)


@pytest.mark.django_db
def test_plan_started_on_29_february_reaches_2_years_on_28_february():
    child = f.ChildFactory()
    f.CPPlanFactory(child=child, start_date=date(2016, 2, 29))
    assert rows_at("cp_lt_2y_pct", date(2018, 2, 27))[child.pk].in_numerator is True
    row = rows_at("cp_lt_2y_pct", date(2018, 2, 28))[child.pk]
    assert row.in_numerator is False
    assert row.due_date == date(2018, 2, 27)
