"""cic_readmission_12m_pct and cic_readmitted_q: new periods of care that were readmissions."""

from datetime import date

import pytest

from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

TWELVE_MONTHS = Period.months_to(date(2018, 9, 30), 12)
Q2 = Period(date(2018, 7, 1), date(2018, 9, 30))


def episode(child, start, end=None, rne="S", ls="C2"):
    return f.CareEpisodeFactory(
        child=child, start_date=start, end_date=end, rne=rne, legal_status=ls
    )


def rows(code: str, period: Period) -> dict:
    return {r.pk: r for r in get(code).rows(period)}


@pytest.mark.django_db
def test_new_period_after_an_earlier_one_is_a_readmission_and_a_first_one_is_not():
    again, first = f.ChildFactory(), f.ChildFactory()
    episode(again, date(2016, 1, 4), date(2016, 6, 1))
    readmitted = episode(again, date(2018, 8, 1))
    admitted = episode(first, date(2018, 8, 1))
    got = rows("cic_readmission_12m_pct", TWELVE_MONTHS)
    assert got[readmitted.pk].in_numerator is True
    assert got[readmitted.pk].basis_date == date(2018, 8, 1)
    assert got[admitted.pk].in_numerator is False
    result = get("cic_readmission_12m_pct").result(TWELVE_MONTHS)
    assert (result.numerator, result.denominator, result.value) == (1, 2, 50)


@pytest.mark.django_db
def test_episode_starting_the_day_the_last_ended_continues_the_period():
    child = f.ChildFactory()
    episode(child, date(2017, 1, 3), date(2018, 8, 1))
    move = episode(child, date(2018, 8, 1), rne="P")
    assert move.pk not in rows("cic_readmission_12m_pct", TWELVE_MONTHS)


@pytest.mark.django_db
def test_episode_starting_the_day_after_the_last_ended_starts_a_new_period():
    child = f.ChildFactory()
    episode(child, date(2017, 1, 3), date(2018, 7, 31))
    back = episode(child, date(2018, 8, 1))
    assert rows("cic_readmission_12m_pct", TWELVE_MONTHS)[back.pk].in_numerator is True


@pytest.mark.django_db
def test_short_breaks_are_not_an_earlier_period_of_care():
    child = f.ChildFactory()
    episode(child, date(2017, 1, 3), date(2017, 1, 6), ls="V3")
    admitted = episode(child, date(2018, 8, 1))
    got = rows("cic_readmission_12m_pct", TWELVE_MONTHS)
    assert got[admitted.pk].in_numerator is False
    assert len(got) == 1


@pytest.mark.django_db
def test_12_month_window_starts_the_day_after_the_same_date_a_year_before():
    assert TWELVE_MONTHS.start == date(2017, 10, 1)
    inside, outside = f.ChildFactory(), f.ChildFactory()
    first_day = episode(inside, date(2017, 10, 1))
    day_before = episode(outside, date(2017, 9, 30))
    got = rows("cic_readmission_12m_pct", TWELVE_MONTHS)
    assert first_day.pk in got and day_before.pk not in got


@pytest.mark.django_db
def test_readmitted_in_quarter_is_the_numerator_of_the_12_month_rate_over_the_quarter():
    child, other = f.ChildFactory(), f.ChildFactory()
    episode(child, date(2016, 1, 4), date(2016, 6, 1))
    q2 = episode(child, date(2018, 8, 1))
    episode(other, date(2016, 1, 4), date(2016, 6, 1))
    episode(other, date(2018, 5, 1))  # a readmission, but in Q1
    episode(f.ChildFactory(), date(2018, 9, 1))  # first admission
    assert set(rows("cic_readmitted_q", Q2)) == {q2.pk}
    assert get("cic_readmitted_q").result(Q2).value == 1
    assert get("cic_readmission_12m_pct").result(Q2).numerator == 1
    assert get("cic_readmission_12m_pct").result(TWELVE_MONTHS).numerator == 2


@pytest.mark.django_db
def test_readmission_takes_the_team_at_admission(cast):
    episode(cast.child_b1, date(2016, 1, 4), date(2016, 6, 1))
    episode(cast.child_b1, date(2018, 8, 1))
    measure = get("cic_readmitted_q")
    assert measure.result(Q2, MeasureScope("team", cast.team_b1.pk)).value == 1
    assert measure.result(Q2, MeasureScope("service_area", cast.area_a.pk)).value == 0
    assert measure.result(Q2, MeasureScope("worker", cast.worker_b1.pk)).value == 1
