"""Health section of the report: health assessments and dental checks of children in care."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from casework.calendar import AddMonths, add_months
from casework.cohorts import period_of_care_start
from casework.models import CareOutcome, HealthCheck
from casework.workingdays import wd_add
from scorecard.measures.base import Better, Measure, Period, Unit, no_date
from scorecard.measures.children_in_care import children_in_care
from scorecard.measures.cohorts import working_days_before
from scorecard.measures.registry import register

SECTION = "Health"


class _CheckUpToDate(Measure):
    """Shared rule of the health and dental measures (not registered itself).

    Where the council records dated checks (HealthCheck rows of the kind on or before D): a child
    in care at D is up to date when their latest check of the kind, on or before D, is still
    within its interval (its due date, the check plus the interval in calendar months, is on or
    after D), or when they entered care (the current period of care) no more than 20 working
    days before D, as the first health assessment is due within 20 working days of entering care.
    Rows carry the later of the two due dates.

    Where it records none, at 31 March of a year whose SSDA903 OC2 table is loaded, the DfE's
    own definition: children looked after continuously for at least 12 months at 31 March (the
    current period of care started on or before 1 April of the year before; short breaks are
    not care), up to date when their OC2 row says so (`oc2_field`; no row or blank counts as
    not up to date). Otherwise the records for the figure are absent: no rows, so the value is
    "no data", and `no_data_reason` says why."""

    check_kind: str
    oc2_field: str
    unit = Unit.PERCENT
    better = Better.UP
    section = SECTION

    def check_due(self, as_at: date) -> Case | AddMonths:
        """SQL: the latest check's due date (null when there is no check)."""
        raise NotImplementedError

    def _source(self, as_at: date) -> str:
        """ "dated", "oc2" or "" (no records for the date)."""
        if HealthCheck.objects.filter(kind=self.check_kind, date__lte=as_at).exists():
            return "dated"
        if (as_at.month, as_at.day) == (3, 31) and CareOutcome.objects.filter(
            collection_year=as_at.year
        ).exists():
            return "oc2"
        return ""

    def no_data_reason(self, period: Period) -> str | None:
        if self._source(period.as_at):
            return None
        kind = HealthCheck.Kind(self.check_kind).label.lower()
        return (
            f"No {kind} dates are recorded on or before {period.as_at:%-d %B %Y}, and the "
            "SSDA903 OC2 outcomes (as at 31 March) are not loaded for this date."
        )

    def rows(self, period: Period) -> QuerySet:
        """One statement: which source applies is decided inside it (two uncorrelated EXISTS,
        evaluated once), so the measure runs one query whatever the records."""
        as_at = period.as_at
        entrant_days = settings.TIMESCALES["cic_new_entrant_health_wd"]
        dated = Exists(HealthCheck.objects.filter(kind=self.check_kind, date__lte=as_at))
        latest = Subquery(
            HealthCheck.objects.filter(child=OuterRef("pk"), kind=self.check_kind, date__lte=as_at)
            .order_by("-date")
            .values("date")[:1],
            output_field=DateField(),
        )
        new_entrant = Q(care_start__gte=working_days_before(as_at, entrant_days))
        up_to_date = ExpressionWrapper(
            (Q(check_due__isnull=False) & Q(check_due__gte=as_at)) | new_entrant,
            output_field=BooleanField(),
        )
        rows = (
            children_in_care(as_at)
            .annotate(care_start=period_of_care_start(as_at), last_check=latest, dated=dated)
            .annotate(
                check_due=self.check_due(as_at), entrant_due=wd_add("care_start", entrant_days)
            )
        )
        if (as_at.month, as_at.day) != (3, 31):
            return rows.filter(dated=True).annotate(
                basis_date=Coalesce(F("last_check"), F("care_start")),
                due_date=self._due_date(),
                # IS NOT NULL keeps "no check" false rather than SQL NULL, so it fails.
                in_numerator=up_to_date,
            )
        # At 31 March, without dated checks: the OC2 outcomes of that collection year.
        oc2 = Exists(CareOutcome.objects.filter(collection_year=as_at.year))
        flag = Subquery(
            CareOutcome.objects.filter(child=OuterRef("pk"), collection_year=as_at.year).values(
                self.oc2_field
            )[:1],
            output_field=BooleanField(),
        )
        twelve_months_from = add_months(as_at, -12) + timedelta(days=1)
        return (
            rows.annotate(oc2=oc2, oc2_flag=flag)
            .filter(Q(dated=True) | (Q(oc2=True) & Q(care_start__lte=twelve_months_from)))
            .annotate(
                basis_date=Case(
                    When(dated=True, then=Coalesce(F("last_check"), F("care_start"))),
                    default=F("care_start"),
                    output_field=DateField(),
                ),
                due_date=Case(When(dated=True, then=self._due_date()), default=no_date()),
                in_numerator=Case(
                    When(
                        dated=True, then=ExpressionWrapper(up_to_date, output_field=BooleanField())
                    ),
                    default=Coalesce(F("oc2_flag"), Value(False)),
                    output_field=BooleanField(),
                ),
            )
        )

    @staticmethod
    def _due_date() -> Case:
        """The later of the latest check's due date and the new entrant's."""
        return Case(
            When(check_due__isnull=True, then=F("entrant_due")),
            When(check_due__gte=F("entrant_due"), then=F("check_due")),
            default=F("entrant_due"),
            output_field=DateField(),
        )


@register
class HealthAssessmentUpToDate(_CheckUpToDate):
    """Children in care with an up-to-date health assessment.

    Rule: children in care at D whose latest health assessment is within 12 calendar months (6
    months for a child under 5 at D), or who entered care no more than 20 working days before D.
    Source: Promoting the health and well-being of looked-after children (DfE/DHSC statutory
    guidance 2015): initial assessment within 20 working days of entering care, reviews every 6
    months under age 5 and every 12 months from age 5; Care Planning Regulations 2010 reg. 7.
    Without dated assessments, at 31 March: SSDA903 OC2 HEALTH_CHECK of the children looked
    after continuously for 12 months (DfE, Outcomes for children looked after)."""

    code = "cic_health_check_pct"
    title = "Children in care with an up-to-date health check"
    check_kind = HealthCheck.Kind.HEALTH
    oc2_field = "health_check"
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
    well-being of looked-after children (2015). Without dated checks, at 31 March: SSDA903 OC2
    TEETH_CHECK of the children looked after continuously for 12 months (DfE)."""

    code = "cic_dental_check_pct"
    title = "Children in care with an up-to-date dental check"
    check_kind = HealthCheck.Kind.DENTAL
    oc2_field = "teeth_check"
    exception_list = "Children in care: dental check out of date"
    rule = (
        "Children in care whose latest dental check is within 12 months, or who entered care no "
        "more than {cic_new_entrant_health_wd} working days ago."
    )
    basis_label = "last dental check (or entered care)"
    timescale = "12 months ({cic_new_entrant_health_wd} working days after entering care)"

    def check_due(self, as_at: date) -> AddMonths:
        return AddMonths(F("last_check"), 12)
