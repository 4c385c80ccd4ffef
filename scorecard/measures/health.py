"""Health section of the report: health assessments and dental checks of children in care."""

from datetime import date

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from casework.calendar import AddMonths, add_months
from casework.cohorts import period_of_care_start
from casework.models import HealthCheck
from casework.workingdays import wd_add
from scorecard.measures.base import Better, Measure, Period, Unit
from scorecard.measures.children_in_care import children_in_care
from scorecard.measures.cohorts import working_days_before
from scorecard.measures.registry import register

SECTION = "Health"


class _CheckUpToDate(Measure):
    """Shared rule of the health and dental measures (not registered itself).

    A child in care at D is up to date when their latest check of the kind, on or before D, is
    still within its interval (its due date, the check plus the interval in calendar months, is on
    or after D), or when they entered care (the current period of care) no more than 20 working
    days before D, as the first health assessment is due within 20 working days of entering care.
    Rows carry the later of the two due dates."""

    check_kind: str
    unit = Unit.PERCENT
    better = Better.UP
    section = SECTION

    def check_due(self, as_at: date) -> Case | AddMonths:
        """SQL: the latest check's due date (null when there is no check)."""
        raise NotImplementedError

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        entrant_days = settings.TIMESCALES["cic_new_entrant_health_wd"]
        latest = Subquery(
            HealthCheck.objects.filter(child=OuterRef("pk"), kind=self.check_kind, date__lte=as_at)
            .order_by("-date")
            .values("date")[:1],
            output_field=DateField(),
        )
        new_entrant = Q(care_start__gte=working_days_before(as_at, entrant_days))
        return (
            children_in_care(as_at)
            .annotate(care_start=period_of_care_start(as_at), last_check=latest)
            .annotate(
                check_due=self.check_due(as_at), entrant_due=wd_add("care_start", entrant_days)
            )
            .annotate(
                basis_date=Coalesce(F("last_check"), F("care_start")),
                due_date=Case(
                    When(check_due__isnull=True, then=F("entrant_due")),
                    When(check_due__gte=F("entrant_due"), then=F("check_due")),
                    default=F("entrant_due"),
                    output_field=DateField(),
                ),
                # IS NOT NULL keeps "no check" false rather than SQL NULL, so it fails.
                in_numerator=ExpressionWrapper(
                    (Q(check_due__isnull=False) & Q(check_due__gte=as_at)) | new_entrant,
                    output_field=BooleanField(),
                ),
            )
        )


@register
class HealthAssessmentUpToDate(_CheckUpToDate):
    """Children in care with an up-to-date health assessment.

    Rule: children in care at D whose latest health assessment is within 12 calendar months (6
    months for a child under 5 at D), or who entered care no more than 20 working days before D.
    Source: Promoting the health and well-being of looked-after children (DfE/DHSC statutory
    guidance 2015): initial assessment within 20 working days of entering care, reviews every 6
    months under age 5 and every 12 months from age 5; Care Planning Regulations 2010 reg. 7."""

    code = "cic_health_check_pct"
    title = "Children in care with an up-to-date health check"
    check_kind = HealthCheck.Kind.HEALTH
    exception_list = "Children in care: health assessment out of date"
    rule = (
        "Children in care whose latest health assessment is within 12 months (6 months under "
        "age 5), or who entered care no more than {cic_new_entrant_health_wd} working days ago."
    )
    basis_label = "last health assessment (or entered care)"
    timescale = (
        "12 months (6 months under 5; {cic_new_entrant_health_wd} working days after entering care)"
    )

    def check_due(self, as_at: date) -> Case:
        # Under 5 at D: born after the date five years before D (a child is 5 on the birthday).
        fifth_birthday_born_by = add_months(as_at, -60)
        return Case(
            When(date_of_birth__gt=fifth_birthday_born_by, then=AddMonths(F("last_check"), 6)),
            default=AddMonths(F("last_check"), 12),
            output_field=DateField(),
        )


@register
class DentalCheckUpToDate(_CheckUpToDate):
    """Children in care with an up-to-date dental check.

    Rule: children in care at D whose latest dental check is within 12 calendar months, or who
    entered care no more than 20 working days before D. Source: Promoting the health and
    well-being of looked-after children (2015); SSDA903 OC2 return (dental check in the year)."""

    code = "cic_dental_check_pct"
    title = "Children in care with an up-to-date dental check"
    check_kind = HealthCheck.Kind.DENTAL
    exception_list = "Children in care: dental check out of date"
    rule = (
        "Children in care whose latest dental check is within 12 months, or who entered care no "
        "more than {cic_new_entrant_health_wd} working days ago."
    )
    basis_label = "last dental check (or entered care)"
    timescale = "12 months ({cic_new_entrant_health_wd} working days after entering care)"

    def check_due(self, as_at: date) -> AddMonths:
        return AddMonths(F("last_check"), 12)
