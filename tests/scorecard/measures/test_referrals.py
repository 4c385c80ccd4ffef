"""Referral measures: referred and not seen, re-referrals within 12 months, and children seen in
time after a referral or a section 47 start."""

from datetime import date

from scorecard.measures import MeasureScope, Period, get
from tests import factories as f

MAY_SEP = Period(date(2018, 5, 1), date(2018, 9, 30))
Q2 = Period(date(2018, 7, 1), date(2018, 9, 30))


def ids(code: str, period: Period, **filters) -> set:
    return set(get(code).rows(period).filter(**filters).values_list("pk", flat=True))


def test_default_periods_match_the_report():
    assert get("referral_not_seen").default_period(date(2018, 9, 30)) == MAY_SEP
    assert get("rereferral_12m_pct").default_period(date(2018, 9, 30)) == Period(
        date(2017, 10, 1), date(2018, 9, 30)
    )


# --- referral_not_seen ----------------------------------------------------------------------------


def test_child_seen_on_the_referral_day_is_not_listed(db):
    seen = f.ReferralFactory(referral_date=date(2018, 9, 3))
    f.VisitFactory(child=seen.child, date=date(2018, 9, 3))
    seen_before = f.ReferralFactory(referral_date=date(2018, 9, 3))
    f.VisitFactory(child=seen_before.child, date=date(2018, 9, 2))
    not_seen = f.ReferralFactory(referral_date=date(2018, 9, 3))
    f.VisitFactory(child=not_seen.child, date=date(2018, 9, 4), child_seen=False)

    assert ids("referral_not_seen", MAY_SEP) == {seen_before.pk, not_seen.pk}
    row = get("referral_not_seen").rows(MAY_SEP).get(pk=not_seen.pk)
    assert (row.basis_date, row.due_date) == (date(2018, 9, 3), date(2018, 9, 10))


def test_referrals_outside_the_period_or_closed_nfa_are_not_listed(db):
    f.ReferralFactory(referral_date=date(2018, 4, 30))
    f.ReferralFactory(referral_date=date(2018, 10, 1))
    f.ReferralFactory(referral_date=date(2018, 6, 1), nfa=True, closure_date=date(2018, 6, 1))
    first_day = f.ReferralFactory(referral_date=date(2018, 5, 1))
    last_day = f.ReferralFactory(referral_date=date(2018, 9, 30))
    assert ids("referral_not_seen", MAY_SEP) == {first_day.pk, last_day.pk}


def test_child_referred_twice_in_the_period_is_listed_once_for_the_later_referral(db):
    child = f.ChildFactory()
    f.ReferralFactory(child=child, referral_date=date(2018, 5, 2), closure_date=date(2018, 6, 1))
    later = f.ReferralFactory(child=child, referral_date=date(2018, 8, 1))
    assert ids("referral_not_seen", MAY_SEP) == {later.pk}


def test_referral_not_seen_scopes_by_responsible_team_and_current_worker(cast):
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a2, referral_date=date(2018, 9, 3))
    f.InvolvementFactory(child=child, worker=cast.worker_a1, start_date=date(2018, 9, 5))
    measure = get("referral_not_seen")
    assert measure.result(MAY_SEP, MeasureScope("team", cast.team_a2.pk)).value == 1
    assert measure.result(MAY_SEP, MeasureScope("team", cast.team_a1.pk)).value == 0
    assert measure.result(MAY_SEP, MeasureScope("worker", cast.worker_a1.pk)).value == 1


# --- rereferral_12m_pct ---------------------------------------------------------------------------


def test_rereferral_counts_a_previous_referral_on_the_same_date_a_year_before(db):
    year = Period(date(2017, 10, 1), date(2018, 9, 30))
    child = f.ChildFactory()
    f.ReferralFactory(child=child, referral_date=date(2017, 8, 31), closure_date=date(2017, 9, 1))
    rereferral = f.ReferralFactory(child=child, referral_date=date(2018, 8, 31))
    other = f.ChildFactory()
    f.ReferralFactory(child=other, referral_date=date(2017, 8, 30), closure_date=date(2017, 9, 1))
    not_rereferral = f.ReferralFactory(child=other, referral_date=date(2018, 8, 31))

    assert ids("rereferral_12m_pct", year, in_numerator=True) == {rereferral.pk}
    assert ids("rereferral_12m_pct", year, in_numerator=False) == {not_rereferral.pk}


def test_rereferral_within_the_period_counts_the_second_only(db):
    year = Period(date(2017, 10, 1), date(2018, 9, 30))
    child = f.ChildFactory()
    first = f.ReferralFactory(
        child=child, referral_date=date(2018, 2, 28), closure_date=date(2018, 3, 30)
    )
    second = f.ReferralFactory(child=child, referral_date=date(2018, 9, 3))
    assert ids("rereferral_12m_pct", year, in_numerator=True) == {second.pk}
    assert ids("rereferral_12m_pct", year, in_numerator=False) == {first.pk}


# --- s17_seen_timely_pct / s47_seen_timely_pct ---------------------------------------------------


def referred(on: date, seen: date | None = None):
    referral = f.ReferralFactory(referral_date=on)
    if seen:
        f.VisitFactory(child=referral.child, date=seen)
    return referral


def test_seen_on_the_fifth_working_day_after_referral_across_a_weekend_is_in_time(db):
    # Wednesday 1 Aug: the fifth working day after is Wednesday 8 Aug.
    on_time = referred(date(2018, 8, 1), seen=date(2018, 8, 8))
    late = referred(date(2018, 8, 1), seen=date(2018, 8, 9))
    never = referred(date(2018, 8, 1))
    assert ids("s17_seen_timely_pct", Q2, in_numerator=True) == {on_time.pk}
    assert ids("s17_seen_timely_pct", Q2, in_numerator=False) == {late.pk, never.pk}


def test_referral_still_inside_its_window_at_the_period_end_counts_as_in_time(db):
    # Friday 28 Sep: the window runs to Friday 5 Oct, after the quarter.
    waiting = referred(date(2018, 9, 28))
    seen_after_quarter = referred(date(2018, 9, 28), seen=date(2018, 10, 2))
    assert ids("s17_seen_timely_pct", Q2, in_numerator=True) == {waiting.pk, seen_after_quarter.pk}


def test_section_47_child_seen_next_working_day_is_in_time_over_a_bank_holiday(cast):
    # Friday 24 Aug 2018; Monday 27 Aug is a bank holiday, so the next working day is Tuesday.
    on_time = f.Section47Factory(child=cast.child_a1, start_date=date(2018, 8, 24))
    f.VisitFactory(child=cast.child_a1, date=date(2018, 8, 28))
    late = f.Section47Factory(child=cast.child_a2, start_date=date(2018, 8, 24))
    f.VisitFactory(child=cast.child_a2, date=date(2018, 8, 29))

    assert ids("s47_seen_timely_pct", Q2, in_numerator=True) == {on_time.pk}
    assert ids("s47_seen_timely_pct", Q2, in_numerator=False) == {late.pk}
    team = get("s47_seen_timely_pct").result(Q2, MeasureScope("team", cast.team_a1.pk))
    assert (team.numerator, team.denominator) == (1, 1)
