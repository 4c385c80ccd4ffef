"""visit_recorded_late_pct: visits written up more than 5 working days after the visit."""

from datetime import date

import pytest

from casework.workingdays import working_days_between
from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f
from tests.factories import aware

Q2 = Period(date(2018, 7, 1), date(2018, 9, 30))
MEASURE = "visit_recorded_late_pct"


def visit(on: date, written: date, hour: int = 17, **kw):
    return f.VisitFactory(date=on, recorded_at=aware(written, hour), **kw)


def rows(period: Period = Q2) -> dict:
    return {r.pk: r for r in get(MEASURE).rows(period)}


@pytest.mark.django_db
def test_written_up_on_the_5th_working_day_is_in_time_and_the_6th_is_late():
    in_time = visit(date(2018, 9, 3), date(2018, 9, 10))
    late = visit(date(2018, 9, 3), date(2018, 9, 11))
    assert working_days_between(date(2018, 9, 3), date(2018, 9, 10)) == 5
    got = rows()
    assert got[in_time.pk].in_numerator is False
    assert got[in_time.pk].due_date == date(2018, 9, 10)
    assert got[late.pk].in_numerator is True
    result = get(MEASURE).result(Q2)
    assert (result.numerator, result.denominator, result.value) == (1, 2, 50)
    assert [v.pk for v in get(MEASURE).failing(Q2)] == [late.pk]


@pytest.mark.django_db
def test_weekend_write_up_counts_as_the_friday_before():
    # Visit Friday 31 Aug (Monday 27 Aug was a bank holiday); written up Sunday 9 Sep.
    sunday = visit(date(2018, 8, 31), date(2018, 9, 9))
    assert working_days_between(date(2018, 8, 31), date(2018, 9, 9)) == 5
    assert rows()[sunday.pk].in_numerator is False


@pytest.mark.django_db
def test_easter_and_christmas_bank_holidays_do_not_count():
    easter = visit(date(2018, 3, 28), date(2018, 4, 6))  # over Good Friday and Easter Monday
    easter_late = visit(date(2018, 3, 28), date(2018, 4, 9))
    christmas = visit(date(2017, 12, 21), date(2018, 1, 2))
    assert working_days_between(date(2018, 3, 28), date(2018, 4, 6)) == 5
    assert working_days_between(date(2017, 12, 21), date(2018, 1, 2)) == 5
    q4 = Period(date(2017, 10, 1), date(2018, 3, 31))
    got = rows(q4)
    assert got[easter.pk].in_numerator is False
    assert got[easter.pk].due_date == date(2018, 4, 6)
    assert got[easter_late.pk].in_numerator is True
    assert got[christmas.pk].in_numerator is False


@pytest.mark.django_db
def test_write_up_late_in_the_evening_uses_the_london_date():
    # 23:30 BST on the 5th working day is still that day in London (22:30 UTC).
    in_time = visit(date(2018, 9, 3), date(2018, 9, 10), hour=23)
    assert rows()[in_time.pk].in_numerator is False


@pytest.mark.django_db
def test_visits_outside_the_period_are_left_out_and_rows_follow_the_visiting_worker(cast):
    visit(date(2018, 6, 29), date(2018, 7, 20), child=cast.child_a1, worker=cast.worker_a1)
    visit(date(2018, 9, 3), date(2018, 9, 20), child=cast.child_a1, worker=cast.worker_a1)
    visit(date(2018, 9, 3), date(2018, 9, 4), child=cast.child_b1, worker=cast.worker_b1)
    measure = get(MEASURE)
    assert measure.result(Q2).denominator == 2
    worker = measure.result(Q2, MeasureScope("worker", cast.worker_a1.pk))
    assert (worker.numerator, worker.denominator) == (1, 1)
    team = measure.result(Q2, MeasureScope("team", cast.team_b1.pk))
    assert (team.numerator, team.denominator) == (0, 1)
