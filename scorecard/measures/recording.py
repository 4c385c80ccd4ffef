"""Recording: visits written up late (not in the seed report, which names recording delay as a
top risk)."""

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from casework.models import Visit
from casework.queries import team_at
from casework.workingdays import wd_add, wd_number
from scorecard.measures.base import Better, Kind, Measure, Period, Unit
from scorecard.measures.registry import register


@register
class VisitRecordedLate(Measure):
    """Visits written up more than 5 working days after they took place.

    Rule: visits dated in the period whose write-up (recorded at, as a Europe/London date) came
    more than 5 working days after the visit day. The row belongs to the worker who made the
    visit and the child's team on the visit day. Source: local standard (the council's recording
    policy, settings.TIMESCALES["visit_recording_wd"]); the seed report's strategic risk
    register names recording delay as a top risk."""

    code = "visit_recorded_late_pct"
    title = "Visits written up more than {visit_recording_wd} working days after they took place"
    section = "Recording"
    unit = Unit.PERCENT
    better = Better.DOWN
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    exception_list = "Visits written up late"
    rule = (
        "Visits in the period written up more than {visit_recording_wd} working days "
        "after they took place."
    )
    basis_label = "visit"

    timescale = "written up within {visit_recording_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        days = settings.TIMESCALES["visit_recording_wd"]
        # `worker_id` is the visit's own column (who visited, who writes it up): not annotated.
        return (
            Visit.objects.filter(date__gte=period.start, date__lte=period.end)
            .annotate(recorded_on=TruncDate("recorded_at"))
            .annotate(
                team_id=team_at(OuterRef("date"), "child_id"),
                wd_visit=wd_number("date"),
                wd_recorded=wd_number("recorded_on"),
                basis_date=F("date"),
                due_date=wd_add("date", days),
            )
            .annotate(
                in_numerator=ExpressionWrapper(
                    Q(wd_recorded__gt=F("wd_visit") + days), output_field=BooleanField()
                )
            )
        )
