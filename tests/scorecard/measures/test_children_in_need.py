"""Children in need measures: visits within 20 working days, plans over 12 months and plans put
in place within 10 working days of assessment, at their boundaries."""

from datetime import date

import pytest

from casework.workingdays import working_days_between
from scorecard.measures import MeasureScope, Period, get
from tests import factories as f


def at(day: date) -> Period:
    return Period.as_at_date(day)


def ids(code: str, period: Period, **filters) -> set:
    return set(get(code).rows(period).filter(**filters).values_list("child_id", flat=True))


def child_in_need(team, referral_date=date(2017, 6, 1)):
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=team, referral_date=referral_date)
    return child


@pytest.fixture
def team(cast):
    return cast.team_a1


# --- cin_seen_pct / cin_visit_overdue ------------------------------------------------------------


def test_seen_exactly_20_working_days_before_is_in_time_and_21_is_overdue(team):
    friday = at(date(2018, 9, 28))
    in_time = child_in_need(team)
    f.VisitFactory(child=in_time, date=date(2018, 8, 31))
    overdue = child_in_need(team)
    f.VisitFactory(child=overdue, date=date(2018, 8, 30))
    assert working_days_between(date(2018, 8, 31), friday.as_at) == 20

    assert in_time.pk in ids("cin_seen_pct", friday, in_numerator=True)
    assert overdue.pk in ids("cin_seen_pct", friday, in_numerator=False)
    assert ids("cin_visit_overdue", friday) == ids("cin_seen_pct", friday, in_numerator=False)


def test_christmas_and_new_year_bank_holidays_extend_the_visit_due_date(team):
    child = child_in_need(team)
    f.VisitFactory(child=child, date=date(2017, 12, 22))
    # 25 and 26 Dec and 1 Jan are not working days: the 20th working day is Wednesday 24 Jan.
    row = get("cin_seen_pct").rows(at(date(2018, 1, 24))).get(pk=child.pk)
    assert (row.in_numerator, row.due_date, row.basis_date) == (
        True,
        date(2018, 1, 24),
        date(2017, 12, 22),
    )
    assert child.pk in ids("cin_visit_overdue", at(date(2018, 1, 25)))


def test_visit_where_the_child_was_not_seen_does_not_count(team):
    child = child_in_need(team, referral_date=date(2018, 6, 1))
    f.VisitFactory(child=child, date=date(2018, 9, 20), child_seen=False)
    row = get("cin_seen_pct").rows(at(date(2018, 9, 28))).get(pk=child.pk)
    assert row.basis_date == date(2018, 6, 1)
    assert row.in_numerator is False


def test_referral_after_the_last_visit_restarts_the_clock(team):
    child = child_in_need(team, referral_date=date(2018, 9, 10))
    f.VisitFactory(child=child, date=date(2018, 3, 1))
    row = get("cin_seen_pct").rows(at(date(2018, 9, 28))).get(pk=child.pk)
    assert (row.basis_date, row.in_numerator) == (date(2018, 9, 10), True)


def test_visit_after_the_as_at_date_is_ignored(team):
    child = child_in_need(team)
    f.VisitFactory(child=child, date=date(2018, 10, 1))
    assert child.pk in ids("cin_visit_overdue", at(date(2018, 9, 28)))


def test_child_on_a_protection_plan_is_not_a_child_in_need(team):
    child = child_in_need(team)
    f.CPPlanFactory(child=child, start_date=date(2018, 6, 1))
    assert child.pk not in ids("cin_seen_pct", at(date(2018, 9, 28)))


def test_due_soon_lists_children_whose_visit_falls_due_within_the_window(team):
    friday = at(date(2018, 9, 28))
    soon = child_in_need(team)
    f.VisitFactory(child=soon, date=date(2018, 9, 3))  # due Monday 1 Oct
    later = child_in_need(team)
    f.VisitFactory(child=later, date=date(2018, 9, 24))
    due_soon = get("cin_seen_pct").due_soon(friday, last_due=date(2018, 10, 5))
    assert set(due_soon.values_list("child_id", flat=True)) == {soon.pk}


def test_cin_seen_scopes_by_team_and_worker(cast):
    period = at(date(2018, 9, 28))
    # The cast's three children were referred in January and never seen.
    f.VisitFactory(child=cast.child_a1, date=date(2018, 9, 20))
    measure = get("cin_seen_pct")
    team = measure.result(period, MeasureScope("team", cast.team_a1.pk))
    assert (team.numerator, team.denominator) == (1, 1)
    area = measure.result(period, MeasureScope("service_area", cast.area_a.pk))
    assert (area.numerator, area.denominator) == (1, 2)
    worker = measure.result(period, MeasureScope("worker", cast.worker_a2.pk))
    assert (worker.numerator, worker.denominator) == (0, 1)
    assert get("cin_visit_overdue").result(period).value == 2


# --- cin_plan_le_1y_pct / cin_plan_gt_1y ---------------------------------------------------------


def test_plan_started_exactly_12_months_before_is_not_over_a_year(team):
    d = at(date(2018, 9, 30))
    exactly = child_in_need(team)
    f.CINPlanFactory(child=exactly, start_date=date(2017, 9, 30))
    over = child_in_need(team)
    f.CINPlanFactory(child=over, start_date=date(2017, 9, 29))
    no_plan = child_in_need(team)

    assert ids("cin_plan_gt_1y", d) == {over.pk}
    assert ids("cin_plan_le_1y_pct", d, in_numerator=True) >= {exactly.pk, no_plan.pk}
    row = get("cin_plan_le_1y_pct").rows(d).get(pk=exactly.pk)
    assert (row.basis_date, row.due_date) == (date(2017, 9, 30), date(2018, 9, 30))


def test_plan_started_on_29_february_is_due_on_28_february(team):
    child = child_in_need(team, referral_date=date(2016, 1, 4))
    f.CINPlanFactory(child=child, start_date=date(2016, 2, 29))
    assert child.pk in ids("cin_plan_le_1y_pct", at(date(2017, 2, 28)), in_numerator=True)
    assert child.pk in ids("cin_plan_gt_1y", at(date(2017, 3, 1)))


def test_plan_ending_on_the_as_at_date_is_no_longer_a_plan(team):
    child = child_in_need(team)
    f.CINPlanFactory(child=child, start_date=date(2017, 6, 5), end_date=date(2018, 9, 30))
    assert child.pk not in ids("cin_plan_gt_1y", at(date(2018, 9, 30)))
    assert child.pk in ids("cin_plan_gt_1y", at(date(2018, 9, 29)))


# --- cin_plan_timely_pct / cin_no_plan_overdue ---------------------------------------------------


def assessed(team, authorised: date, referral_date=date(2018, 3, 1)):
    child = child_in_need(team, referral_date=referral_date)
    f.AssessmentFactory(child=child, start_date=referral_date, authorised_date=authorised)
    return child


def test_plan_ten_working_days_after_an_easter_authorisation_is_timely(team):
    # Authorised Thursday 29 Mar 2018: with Good Friday and Easter Monday off, the tenth working
    # day is Monday 16 April.
    on_time = assessed(team, date(2018, 3, 29))
    f.CINPlanFactory(child=on_time, start_date=date(2018, 4, 16))
    late = assessed(team, date(2018, 3, 29))
    f.CINPlanFactory(child=late, start_date=date(2018, 4, 17))
    d = at(date(2018, 6, 30))

    assert on_time.pk in ids("cin_plan_timely_pct", d, in_numerator=True)
    assert late.pk in ids("cin_plan_timely_pct", d, in_numerator=False)
    # A late plan is in place now: nothing to chase.
    assert late.pk not in ids("cin_no_plan_overdue", d)


def test_no_plan_is_in_time_until_the_tenth_working_day_then_overdue(team):
    child = assessed(team, date(2018, 3, 29))
    row = get("cin_plan_timely_pct").rows(at(date(2018, 4, 16))).get(pk=child.pk)
    assert (row.in_numerator, row.due_date, row.basis_date) == (
        True,
        date(2018, 4, 16),
        date(2018, 3, 29),
    )
    assert ids("cin_no_plan_overdue", at(date(2018, 4, 17))) == {child.pk}


def test_child_still_in_the_assessment_period_is_in_time(team):
    child = child_in_need(team, referral_date=date(2018, 3, 1))
    f.AssessmentFactory(child=child, start_date=date(2018, 3, 2))
    assert child.pk in ids("cin_plan_timely_pct", at(date(2018, 9, 30)), in_numerator=True)


def test_assessment_from_an_earlier_episode_does_not_start_the_clock(team):
    child = child_in_need(team, referral_date=date(2018, 9, 3))
    f.AssessmentFactory(child=child, start_date=date(2017, 1, 5), authorised_date=date(2017, 2, 1))
    assert child.pk in ids("cin_plan_timely_pct", at(date(2018, 9, 30)), in_numerator=True)


def test_local_visit_timescale_comes_from_settings(team, settings):
    child = child_in_need(team)
    f.VisitFactory(child=child, date=date(2018, 9, 14))
    friday = at(date(2018, 9, 28))
    assert child.pk in ids("cin_seen_pct", friday, in_numerator=True)
    settings.TIMESCALES = {**settings.TIMESCALES, "cin_visit_wd": 10}
    assert child.pk in ids("cin_seen_pct", friday, in_numerator=True)
    settings.TIMESCALES = {**settings.TIMESCALES, "cin_visit_wd": 9}
    row = get("cin_seen_pct").rows(friday).get(pk=child.pk)
    assert (row.in_numerator, row.due_date) == (False, date(2018, 9, 27))


def test_exception_row_rule_reads_as_plain_english(team):
    child = child_in_need(team)
    f.VisitFactory(child=child, date=date(2018, 8, 30))
    measure = get("cin_seen_pct")
    row = measure.failing(at(date(2018, 9, 28))).get(pk=child.pk)
    assert measure.row_rule(row.basis_date, row.due_date) == (
        "last seen or referred 30 Aug 2018, due by 27 Sep 2018: seen every 20 working days"
    )
