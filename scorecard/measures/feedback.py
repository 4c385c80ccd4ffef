"""Feedback section of the report: complaints received and upheld."""

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet

from casework.models import Complaint
from casework.queries import allocated_worker_at
from scorecard.measures.base import Better, Kind, Measure, Period, Unit, no_date
from scorecard.measures.registry import register

SECTION = "Feedback"

UPHELD = (Complaint.Outcome.UPHELD, Complaint.Outcome.PARTIALLY_UPHELD)


@register
class ComplaintsUpheld(Measure):
    """Complaints received in the period that were upheld or partially upheld.

    Rule: complaints received in the period (any stage, including those not yet decided), in the
    numerator when the outcome is upheld or partially upheld. A complaint belongs to the team it
    is recorded against and to the child's allocated worker on the day it was received. Source:
    the Children Act 1989 Representations Procedure (England) Regulations 2006; the council's
    scorecard."""

    code = "complaints_upheld_pct"
    title = "Complaints upheld or partially upheld"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.DOWN
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = "Complaints received in the period that were upheld or partially upheld."

    def rows(self, period: Period) -> QuerySet:
        # `child_id` and `team_id` are the complaint's own columns, so they are not annotated.
        return Complaint.objects.filter(
            received_date__gte=period.start, received_date__lte=period.end
        ).annotate(
            worker_id=allocated_worker_at(OuterRef("received_date"), "child_id"),
            in_numerator=ExpressionWrapper(Q(outcome__in=UPHELD), output_field=BooleanField()),
            due_date=no_date(),
            basis_date=no_date(),
        )


@register
class ComplaintsReceived(Measure):
    """Complaints received in the period.

    Rule: the rows of complaints_upheld_pct counted (complaints received in the period, whatever
    the outcome), so the count and the upheld rate's denominator cannot disagree. Source: as
    complaints_upheld_pct."""

    code = "complaints_q"
    title = "Complaints received"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = "Complaints received in the period."

    def rows(self, period: Period) -> QuerySet:
        return ComplaintsUpheld().rows(period)
