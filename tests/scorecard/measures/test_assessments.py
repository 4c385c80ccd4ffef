"""Assessment timeliness: 45 working days from the start, for completed and open assessments."""

from datetime import date

from casework.workingdays import add_working_days
from scorecard.measures import MeasureScope, Period, get
from tests import factories as f

Q2 = Period(date(2018, 7, 1), date(2018, 9, 30))


def at(day: date) -> Period:
    return Period.as_at_date(day)


def ids(code: str, period: Period, **filters) -> set:
    return set(get(code).rows(period).filter(**filters).values_list("pk", flat=True))


def test_forty_fifth_working_day_across_easter_is_in_time_and_the_next_is_late(db):
    start = date(2018, 3, 20)
    deadline = add_working_days(start, 45)
    # Good Friday 30 Mar and Easter Monday 2 Apr and the 7 May bank holiday push it back.
    assert deadline == date(2018, 5, 25)
    on_time = f.AssessmentFactory(start_date=start, authorised_date=deadline)
    late = f.AssessmentFactory(start_date=start, authorised_date=date(2018, 5, 29))
    period = Period(date(2018, 4, 1), date(2018, 6, 30))

    assert ids("assessment_45d_pct", period, in_numerator=True) == {on_time.pk}
    assert ids("assessment_45d_pct", period, in_numerator=False) == {late.pk}
    row = get("assessment_45d_pct").rows(period).get(pk=late.pk)
    assert (row.basis_date, row.due_date) == (start, deadline)


def test_completed_assessments_count_by_authorisation_date_in_the_period(db):
    first_day = f.AssessmentFactory(start_date=date(2018, 6, 20), authorised_date=date(2018, 7, 1))
    last_day = f.AssessmentFactory(start_date=date(2018, 8, 1), authorised_date=date(2018, 9, 30))
    f.AssessmentFactory(start_date=date(2018, 5, 1), authorised_date=date(2018, 6, 30))
    f.AssessmentFactory(start_date=date(2018, 9, 3), authorised_date=date(2018, 10, 1))
    f.AssessmentFactory(start_date=date(2018, 9, 4))

    assert ids("assessment_45d_pct", Q2) == {first_day.pk, last_day.pk}


def test_completed_assessment_takes_the_team_at_authorisation(cast):
    child = cast.child_a1
    f.AssessmentFactory(child=child, start_date=date(2018, 7, 2), authorised_date=date(2018, 8, 1))
    measure = get("assessment_45d_pct")
    assert measure.result(Q2, MeasureScope("team", cast.team_a1.pk)).denominator == 1
    assert measure.result(Q2, MeasureScope("team", cast.team_a2.pk)).denominator == 0
    assert measure.result(Q2, MeasureScope("worker", cast.worker_a1.pk)).numerator == 1


def test_open_assessment_is_in_time_until_its_forty_fifth_working_day(db):
    start = date(2018, 7, 16)
    deadline = add_working_days(start, 45)
    # The August bank holiday (27 Aug) moves the deadline a day.
    assert deadline == date(2018, 9, 18)
    assessment = f.AssessmentFactory(start_date=start)

    assert ids("open_assessment_in_time_pct", at(deadline), in_numerator=True) == {assessment.pk}
    overdue = get("open_assessment_in_time_pct").failing(at(date(2018, 9, 19))).get()
    assert (overdue.pk, overdue.due_date) == (assessment.pk, deadline)
    due_soon = get("open_assessment_in_time_pct").due_soon(
        at(date(2018, 9, 12)), last_due=date(2018, 9, 19)
    )
    assert list(due_soon.values_list("pk", flat=True)) == [assessment.pk]


def test_assessment_authorised_on_the_as_at_date_is_no_longer_open(db):
    done = f.AssessmentFactory(start_date=date(2018, 9, 3), authorised_date=date(2018, 9, 28))
    open_still = f.AssessmentFactory(start_date=date(2018, 9, 3), authorised_date=date(2018, 10, 1))
    assert ids("open_assessment_in_time_pct", at(date(2018, 9, 28))) == {open_still.pk}
    assert done.pk in ids("open_assessment_in_time_pct", at(date(2018, 9, 27)))


def test_unauthorised_assessment_on_a_closed_referral_leaves_the_list(cast):
    referral = cast.child_a1.referrals.get()
    assessment = f.AssessmentFactory(
        child=cast.child_a1, referral=referral, start_date=date(2018, 1, 3)
    )
    assert ids("open_assessment_in_time_pct", at(date(2018, 9, 28))) == {assessment.pk}
    referral.closure_date = date(2018, 9, 28)
    referral.save()
    assert ids("open_assessment_in_time_pct", at(date(2018, 9, 28))) == set()


def test_open_assessments_scope_by_service_area(cast):
    f.AssessmentFactory(child=cast.child_a2, start_date=date(2018, 9, 3))
    f.AssessmentFactory(child=cast.child_b1, start_date=date(2018, 5, 1))
    measure = get("open_assessment_in_time_pct")
    area_a = measure.result(at(date(2018, 9, 28)), MeasureScope("service_area", cast.area_a.pk))
    area_b = measure.result(at(date(2018, 9, 28)), MeasureScope("service_area", cast.area_b.pk))
    assert (area_a.numerator, area_a.denominator) == (1, 1)
    assert (area_b.numerator, area_b.denominator) == (0, 1)
