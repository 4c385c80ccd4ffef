"""Changes of social worker in the 6 months to the as-at date."""

from datetime import date

from scorecard.measures import MeasureScope, Period, get
from tests import factories as f

AT = Period.as_at_date(date(2018, 9, 30))


def ids(code: str, period: Period = AT, **filters) -> set:
    return set(get(code).rows(period).filter(**filters).values_list("child_id", flat=True))


def child_with_allocations(team, *spells):
    """spells: (worker, start, end) in date order; the child is open on a January referral."""
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=team, referral_date=date(2017, 6, 1))
    for worker, start, end in spells:
        f.InvolvementFactory(child=child, worker=worker, start_date=start, end_date=end)
    return child


def workers(team, n):
    return [f.WorkerFactory(team=team) for _ in range(n)]


def test_three_handovers_in_six_months_is_three_changes(cast):
    w = workers(cast.team_a1, 4)
    three = child_with_allocations(
        cast.team_a1,
        (w[0], date(2017, 6, 2), date(2018, 4, 3)),
        (w[1], date(2018, 4, 3), date(2018, 5, 1)),
        (w[2], date(2018, 5, 1), date(2018, 6, 1)),
        (w[3], date(2018, 6, 1), None),
    )
    two = child_with_allocations(
        cast.team_a1,
        (w[0], date(2017, 6, 2), date(2018, 5, 1)),
        (w[1], date(2018, 5, 1), date(2018, 6, 1)),
        (w[2], date(2018, 6, 1), None),
    )
    assert ids("sw_changes_3plus") == {three.pk}
    assert two.pk in ids("sw_changes_lt3_pct", in_numerator=True)
    assert ids("sw_changes_3plus") == ids("sw_changes_lt3_pct", in_numerator=False)


def test_window_is_six_calendar_months_from_a_month_end(cast):
    # 31 Aug 2018 less 6 months is 28 Feb: a change on 28 Feb is outside, 1 Mar inside.
    d = Period.as_at_date(date(2018, 8, 31))
    w = workers(cast.team_a1, 4)
    outside = child_with_allocations(
        cast.team_a1,
        (w[0], date(2017, 6, 2), date(2018, 2, 28)),
        (w[1], date(2018, 2, 28), date(2018, 5, 1)),
        (w[2], date(2018, 5, 1), date(2018, 6, 1)),
        (w[3], date(2018, 6, 1), None),
    )
    inside = child_with_allocations(
        cast.team_a1,
        (w[0], date(2017, 6, 2), date(2018, 3, 1)),
        (w[1], date(2018, 3, 1), date(2018, 5, 1)),
        (w[2], date(2018, 5, 1), date(2018, 6, 1)),
        (w[3], date(2018, 6, 1), None),
    )
    assert ids("sw_changes_3plus", d) == {inside.pk}
    assert outside.pk in ids("sw_changes_lt3_pct", d, in_numerator=True)


def test_same_worker_reallocated_or_a_gap_of_a_working_day_is_not_a_change(cast):
    w = workers(cast.team_a1, 3)
    child = child_with_allocations(
        cast.team_a1,
        (w[0], date(2017, 6, 2), date(2018, 4, 3)),
        # Same worker again: not a change.
        (w[0], date(2018, 4, 3), date(2018, 5, 3)),
        # Ended Thursday 3 May, next starts Tuesday 8 May (Monday 7 May a bank holiday): the
        # child went a working day (Friday) without a worker, so this is a new allocation.
        (w[1], date(2018, 5, 8), date(2018, 6, 1)),
        # Ended Friday 1 Jun, next starts Monday 4 Jun: a handover over the weekend.
        (w[2], date(2018, 6, 4), None),
    )
    row = get("sw_changes_lt3_pct").rows(AT).get(pk=child.pk)
    assert (row.changes, row.in_numerator) == (1, True)


def test_worker_changes_scope_by_the_current_team(cast):
    w = workers(cast.team_a2, 4)
    child_with_allocations(
        cast.team_a2,
        (w[0], date(2017, 6, 2), date(2018, 4, 3)),
        (w[1], date(2018, 4, 3), date(2018, 5, 1)),
        (w[2], date(2018, 5, 1), date(2018, 6, 1)),
        (w[3], date(2018, 6, 1), None),
    )
    measure = get("sw_changes_3plus")
    assert measure.result(AT, MeasureScope("team", cast.team_a2.pk)).value == 1
    assert measure.result(AT, MeasureScope("team", cast.team_a1.pk)).value == 0
    assert measure.result(AT, MeasureScope("worker", w[3].pk)).value == 1
    pct = get("sw_changes_lt3_pct").result(AT, MeasureScope("service_area", cast.area_a.pk))
    assert (pct.numerator, pct.denominator) == (2, 3)


def test_flow_periods_from_a_month_end_are_whole_calendar_months():
    assert Period.months_to(date(2018, 6, 30), 3) == Period(date(2018, 4, 1), date(2018, 6, 30))
    assert Period.months_to(date(2018, 9, 30), 6) == Period(date(2018, 4, 1), date(2018, 9, 30))
    assert Period.months_to(date(2018, 9, 30), 3) == Period(date(2018, 7, 1), date(2018, 9, 30))
    assert Period.months_to(date(2019, 2, 28), 6) == Period(date(2018, 9, 1), date(2019, 2, 28))
    assert Period.months_to(date(2018, 9, 15), 6) == Period(date(2018, 3, 16), date(2018, 9, 15))
