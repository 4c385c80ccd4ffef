"""Front door measures: contact decisions in clock hours, and conversion of contacts to referrals
and referrals to assessments."""

from datetime import date, timedelta

from casework.models import Contact
from scorecard.measures import MeasureScope, Period, get
from tests import factories as f
from tests.factories import aware

Q2 = Period(date(2018, 7, 1), date(2018, 9, 30))


def ids(code: str, period: Period = Q2, **filters) -> set:
    return set(get(code).rows(period).filter(**filters).values_list("pk", flat=True))


def contact(received, decided=None, **extra):
    return f.ContactFactory(received_at=received, decided_at=decided, **extra)


def test_decision_exactly_24_hours_later_is_in_time_and_a_minute_more_is_not(db):
    received = aware(date(2018, 8, 1), 10)
    exactly = contact(received, received + timedelta(hours=24))
    minute_late = contact(received, received + timedelta(hours=24, minutes=1))
    two_days = contact(received, received + timedelta(hours=48))
    too_late = contact(received, received + timedelta(hours=48, minutes=1))

    assert ids("contact_decision_24h_pct", in_numerator=True) == {exactly.pk}
    assert ids("contact_decision_48h_pct", in_numerator=True) == {
        exactly.pk,
        minute_late.pk,
        two_days.pk,
    }
    assert too_late.pk in ids("contact_decision_48h_pct", in_numerator=False)


def test_clock_change_makes_a_calendar_day_25_clock_hours(db):
    # Clocks went back at 02:00 on Sunday 28 Oct 2018.
    q3 = Period(date(2018, 10, 1), date(2018, 12, 31))
    late = contact(aware(date(2018, 10, 27), 12), aware(date(2018, 10, 28), 12))
    assert ids("contact_decision_24h_pct", q3, in_numerator=False) == {late.pk}


def test_contacts_belong_to_the_period_by_their_local_date(db):
    first = contact(aware(date(2018, 7, 1), 0, 30), aware(date(2018, 7, 1), 9))
    last = contact(aware(date(2018, 9, 30), 23, 30), aware(date(2018, 10, 1), 9))
    contact(aware(date(2018, 6, 30), 23, 30), aware(date(2018, 7, 1), 9))
    contact(aware(date(2018, 10, 1), 0, 30), aware(date(2018, 10, 1), 9))
    assert ids("contact_decision_24h_pct") == {first.pk, last.pk}


def test_undecided_contact_fails_only_once_its_window_has_closed_by_the_period_end(db):
    waiting = contact(aware(date(2018, 9, 30), 20))
    overdue = contact(aware(date(2018, 9, 29), 20))
    assert ids("contact_decision_24h_pct", in_numerator=True) == {waiting.pk}
    assert ids("contact_decision_48h_pct", in_numerator=True) == {waiting.pk, overdue.pk}


def test_contact_decision_scopes_by_the_handling_team(cast):
    contact(aware(date(2018, 8, 1)), aware(date(2018, 8, 1), 15), team=cast.team_a1)
    contact(aware(date(2018, 8, 1)), aware(date(2018, 8, 3), 15), team=cast.team_b1)
    measure = get("contact_decision_24h_pct")
    a1 = measure.result(Q2, MeasureScope("team", cast.team_a1.pk))
    area_b = measure.result(Q2, MeasureScope("service_area", cast.area_b.pk))
    assert (a1.numerator, a1.denominator, area_b.numerator, area_b.denominator) == (1, 1, 0, 1)


def test_contact_converts_to_a_referral_by_outcome_or_link(db):
    by_outcome = contact(aware(date(2018, 8, 1)), outcome=Contact.Outcome.REFERRAL)
    linked = contact(aware(date(2018, 8, 1)), outcome="")
    f.ReferralFactory(child=linked.child, contact=linked, referral_date=date(2018, 8, 2))
    advice = contact(aware(date(2018, 8, 1)), outcome=Contact.Outcome.ADVICE)

    assert ids("contact_to_referral_pct", in_numerator=True) == {by_outcome.pk, linked.pk}
    assert ids("contact_to_referral_pct", in_numerator=False) == {advice.pk}


def test_referral_converts_to_an_assessment_started_by_the_period_end(db):
    linked = f.ReferralFactory(referral_date=date(2018, 8, 1))
    f.AssessmentFactory(child=linked.child, referral=linked, start_date=date(2018, 8, 2))
    unlinked = f.ReferralFactory(referral_date=date(2018, 8, 1))
    f.AssessmentFactory(child=unlinked.child, start_date=date(2018, 9, 30))
    after_quarter = f.ReferralFactory(referral_date=date(2018, 9, 28))
    f.AssessmentFactory(child=after_quarter.child, start_date=date(2018, 10, 1))
    before_referral = f.ReferralFactory(referral_date=date(2018, 8, 1))
    f.AssessmentFactory(child=before_referral.child, start_date=date(2018, 7, 31))

    assert ids("referral_to_assessment_pct", in_numerator=True) == {linked.pk, unlinked.pk}
    assert get("referral_to_assessment_pct").result(Q2).value == 50


def test_contact_converts_to_an_assessment_through_its_referral(db):
    via_referral = contact(aware(date(2018, 8, 1)))
    referral = f.ReferralFactory(
        child=via_referral.child, contact=via_referral, referral_date=date(2018, 8, 1)
    )
    f.AssessmentFactory(child=via_referral.child, referral=referral, start_date=date(2018, 8, 3))
    unlinked = contact(aware(date(2018, 8, 1)))
    f.AssessmentFactory(child=unlinked.child, start_date=date(2018, 8, 6))
    advice_only = contact(aware(date(2018, 8, 1)), outcome=Contact.Outcome.ADVICE)
    f.AssessmentFactory(child=advice_only.child, start_date=date(2018, 8, 6))

    assert ids("contact_to_assessment_pct", in_numerator=True) == {via_referral.pk, unlinked.pk}
