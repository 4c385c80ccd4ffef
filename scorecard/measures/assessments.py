"""Single assessments section of the report: assessments completed within 45 working days, and
open assessments still inside that timescale.

Rows are assessments (event rows; `child_id` is the model's own column). Completed assessments
take the child's worker and team at the authorisation date; open assessments those at D.
"""

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet

from casework.models import Assessment
from casework.queries import allocated_worker_at, team_at
from casework.workingdays import wd_date, wd_number
from scorecard.measures.base import Better, Kind, Measure, Period, Unit
from scorecard.measures.cohorts import flag, wd_number_on
from scorecard.measures.registry import register

SECTION = "Single assessments"


def _assessment_wd() -> int:
    return settings.TIMESCALES["assessment_wd"]


@register
class Assessment45dPct(Measure):
    """Assessments completed within 45 working days.

    Rule: assessments authorised in the period whose authorisation is no more than
    TIMESCALES["assessment_wd"] (default 45) working days after their start (DfE count: the days
    after the start up to and including the authorisation). Source: Working Together to
    Safeguard Children (the maximum timeframe for an assessment is 45 working days from the
    point of referral); DfE CIN census factor."""

    code = "assessment_45d_pct"
    title = "Assessments completed within {assessment_wd} working days"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = (
        "Assessments authorised in the period within {assessment_wd} working days of their start."
    )
    basis_label = "assessment started"

    timescale = "{assessment_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        n = _assessment_wd()
        return (
            Assessment.objects.filter(authorised_date__range=(period.start, period.end))
            .annotate(
                worker_id=allocated_worker_at(OuterRef("authorised_date"), "child_id"),
                team_id=team_at(OuterRef("authorised_date"), "child_id"),
                start_wd=wd_number("start_date"),
                end_wd=wd_number("authorised_date"),
                basis_date=F("start_date"),
            )
            .annotate(
                in_numerator=flag(Q(end_wd__lte=F("start_wd") + n)),
                due_date=wd_date(OuterRef("start_wd") + n),
            )
        )


@register
class OpenAssessmentInTimePct(Measure):
    """Open assessments within timescale.

    Rule: assessments open at D (started on or before D, not authorised by D) that started no
    more than TIMESCALES["assessment_wd"] (default 45) working days before D. The failing rows
    are the overdue assessments; due_date (start + 45 working days) lets the surgeries show
    those approaching their deadline as due soon. Source: Working Together to Safeguard
    Children (45 working days)."""

    code = "open_assessment_in_time_pct"
    title = "Open assessments within timescale"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    exception_list = "Assessments over {assessment_wd} working days"
    rule = "Open assessments started no more than {assessment_wd} working days ago."
    basis_label = "assessment started"

    timescale = "{assessment_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        n = _assessment_wd()
        return (
            Assessment.objects.filter(start_date__lte=as_at)
            .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gt=as_at))
            # An assessment left unauthorised on a closed referral is a recording error, not
            # work to chase; it leaves the list when its referral closes.
            .exclude(referral__closure_date__lte=as_at)
            .annotate(
                worker_id=allocated_worker_at(as_at, "child_id"),
                team_id=team_at(as_at, "child_id"),
                start_wd=wd_number("start_date"),
                as_at_wd=wd_number_on(as_at),
                basis_date=F("start_date"),
            )
            .annotate(
                in_numerator=flag(Q(as_at_wd__lte=F("start_wd") + n)),
                due_date=wd_date(OuterRef("start_wd") + n),
            )
        )
