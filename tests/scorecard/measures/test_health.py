"""cic_health_check_pct and cic_dental_check_pct."""

from datetime import date

import pytest

from casework.models import HealthCheck
from casework.workingdays import working_days_between
from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

D = date(2018, 9, 30)
HEALTH, DENTAL = "cic_health_check_pct", "cic_dental_check_pct"


def in_care(dob=date(2008, 1, 1), start=date(2016, 1, 4), ls="C2", child=None):
    child = child or f.ChildFactory(date_of_birth=dob)
    f.CareEpisodeFactory(child=child, start_date=start, legal_status=ls)
    return child


def check(child, on: date, kind=HealthCheck.Kind.HEALTH):
    f.HealthCheckFactory(child=child, date=on, kind=kind)


def council_records_checks() -> None:
    """Dated checks of both kinds on a child not in care: the council records dated checks, so
    the measures count them (without any, they have no data, test_health_from_oc2)."""
    other = f.ChildFactory()
    check(other, date(2015, 1, 5))
    check(other, date(2015, 1, 5), HealthCheck.Kind.DENTAL)


def rows(code: str, as_at: date = D) -> dict:
    return {r.child_id: r for r in get(code).rows(Period.as_at_date(as_at))}


@pytest.mark.django_db
def test_health_assessment_12_months_old_is_up_to_date_and_a_day_older_is_not():
    on_due, late = in_care(), in_care()
    check(on_due, date(2017, 9, 30))
    check(late, date(2017, 9, 29))
    got = rows(HEALTH)
    assert (got[on_due.pk].in_numerator, got[on_due.pk].due_date) == (True, D)
    assert got[on_due.pk].basis_date == date(2017, 9, 30)
    assert (got[late.pk].in_numerator, got[late.pk].due_date) == (False, date(2018, 9, 29))
    result = get(HEALTH).result(Period.as_at_date(D))
    assert (result.numerator, result.denominator, result.value) == (1, 2, 50)


@pytest.mark.django_db
def test_under_5_needs_a_health_assessment_every_6_months_from_the_5th_birthday_12():
    five_today = in_care(dob=date(2013, 9, 30))
    five_tomorrow = in_care(dob=date(2013, 10, 1))
    check(five_today, date(2018, 1, 15))
    check(five_tomorrow, date(2018, 1, 15))
    got = rows(HEALTH)
    assert got[five_today.pk].in_numerator is True
    assert got[five_today.pk].due_date == date(2019, 1, 15)
    assert got[five_tomorrow.pk].in_numerator is False
    assert got[five_tomorrow.pk].due_date == date(2018, 7, 15)


@pytest.mark.django_db
def test_dental_check_is_12_months_at_any_age():
    toddler, late = in_care(dob=date(2016, 1, 1)), in_care()
    check(toddler, date(2018, 1, 15), HealthCheck.Kind.DENTAL)
    check(toddler, date(2018, 9, 1))  # a health assessment is not a dental check
    check(late, date(2017, 9, 29), HealthCheck.Kind.DENTAL)
    got = rows(DENTAL)
    assert got[toddler.pk].in_numerator is True
    assert got[late.pk].in_numerator is False


@pytest.mark.django_db
def test_new_entrant_is_up_to_date_for_20_working_days_after_entering_care():
    council_records_checks()
    in_time = in_care(start=date(2018, 8, 31))
    late = in_care(start=date(2018, 8, 30))
    assert working_days_between(date(2018, 8, 31), D) == 20
    for code in (HEALTH, DENTAL):
        got = rows(code)
        assert got[in_time.pk].in_numerator is True
        assert got[in_time.pk].due_date == date(2018, 9, 28)
        assert got[in_time.pk].basis_date == date(2018, 8, 31)
        assert got[late.pk].in_numerator is False


@pytest.mark.django_db
def test_entering_care_counts_from_the_start_of_the_period_not_a_placement_move():
    council_records_checks()
    child = f.ChildFactory()
    f.CareEpisodeFactory(child=child, start_date=date(2017, 1, 3), end_date=date(2018, 9, 20))
    f.CareEpisodeFactory(child=child, start_date=date(2018, 9, 20), rne="P")
    assert rows(HEALTH)[child.pk].in_numerator is False
    assert rows(HEALTH)[child.pk].basis_date == date(2017, 1, 3)


@pytest.mark.django_db
def test_12_months_before_29_february_the_check_fell_due_on_28_february():
    late, in_time = in_care(), in_care()
    check(late, date(2019, 2, 28))
    check(in_time, date(2019, 3, 1))
    got = rows(HEALTH, date(2020, 2, 29))
    assert got[late.pk].due_date == date(2020, 2, 28)
    assert got[late.pk].in_numerator is False
    assert got[in_time.pk].in_numerator is True


@pytest.mark.django_db
def test_check_after_the_date_does_not_count_and_short_breaks_are_not_in_care():
    council_records_checks()
    child = in_care()
    check(child, date(2018, 10, 1))
    short_breaks = in_care(ls="V3")
    got = rows(HEALTH)
    assert got[child.pk].in_numerator is False
    assert short_breaks.pk not in got


@pytest.mark.django_db
def test_checks_falling_due_are_listed_as_due_soon_and_expired_as_failing():
    soon, expired = in_care(), in_care()
    check(soon, date(2017, 10, 5))
    check(expired, date(2017, 8, 1))
    measure, period = get(HEALTH), Period.as_at_date(D)
    assert set(measure.failing(period).values_list("child_id", flat=True)) == {expired.pk}
    due = measure.due_soon(period, last_due=date(2018, 10, 7))
    assert set(due.values_list("child_id", flat=True)) == {soon.pk}


@pytest.mark.django_db
def test_health_measure_is_scoped_by_team(cast):
    in_care(child=cast.child_b1)
    in_care(child=cast.child_a1)
    check(cast.child_b1, date(2018, 3, 1))
    measure, period = get(HEALTH), Period.as_at_date(D)
    assert measure.result(period, MeasureScope("team", cast.team_b1.pk)).value == 100
    assert measure.result(period, MeasureScope("service_area", cast.area_a.pk)).value == 0
