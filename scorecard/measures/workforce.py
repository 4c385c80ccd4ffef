"""Workforce stability section of the report: changes of allocated social worker in the 6 months
to the as-at date. Both measures come from one cohort function, so the count of children with 3
or more changes is exactly the percent's failing rows."""

from datetime import date

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from casework.models import Involvement
from casework.workingdays import wd_number
from scorecard.measures.base import Better, Measure, Period, Unit, const_true, no_date
from scorecard.measures.cohorts import flag, open_children
from scorecard.measures.registry import register

SECTION = "Workforce stability"
WINDOW_MONTHS = 6
CHANGES_LIMIT = 3


def worker_changes(as_at: date) -> Coalesce:
    """SQL: the child's changes of allocated worker in the 6 calendar months to D.

    A change is an allocated-worker involvement starting in the window while a different worker
    held the child just before: another worker's allocation that started earlier and was still
    open, or ended no earlier than the working day before the new one started (a handover dated
    Friday to Monday, or on the same day, is a change; a child closed and later re-referred to a
    new worker is not)."""
    window = Period.months_to(as_at, WINDOW_MONTHS)
    allocations = Involvement.objects.filter(role=Involvement.Role.ALLOCATED_WORKER)
    held_just_before = (
        allocations.filter(
            child=OuterRef("child"),
            start_date__lt=OuterRef("start_date"),
        )
        .exclude(worker=OuterRef("worker"))
        .annotate(end_wd=wd_number("end_date"))
        .filter(Q(end_date__isnull=True) | Q(end_wd__gte=OuterRef("start_wd") - 1))
    )
    changes = (
        allocations.filter(child=OuterRef("pk"), start_date__range=(window.start, window.end))
        .annotate(start_wd=wd_number("start_date"))
        .filter(Exists(held_just_before))
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(changes, output_field=IntegerField()), Value(0))


def worker_changes_cohort(as_at: date) -> QuerySet:
    """Open children at D with `changes` and `fewer_than_3`."""
    return (
        open_children(as_at)
        .annotate(changes=worker_changes(as_at))
        .annotate(
            fewer_than_3=flag(Q(changes__lt=CHANGES_LIMIT)),
            due_date=no_date(),
            basis_date=no_date(),
        )
    )


@register
class SwChangesLt3Pct(Measure):
    """Children with fewer than 3 changes of social worker in the last 6 months.

    Rule: open children at D with fewer than 3 changes of allocated worker in the 6 calendar
    months to D (a change: an allocation starting in the window while a different worker held
    the child just before). Source: local standard (the council's scorecard); DfE children's
    social work workforce statistics on stability of social workers."""

    code = "sw_changes_lt3_pct"
    title = "Children with fewer than 3 changes of social worker in the last 6 months"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    rule = "Open children with fewer than 3 changes of allocated worker in the last 6 months."

    def rows(self, period: Period) -> QuerySet:
        return worker_changes_cohort(period.as_at).annotate(in_numerator=F("fewer_than_3"))


@register
class SwChanges3Plus(Measure):
    """Children with 3 or more changes of social worker in the last 6 months: exactly the failing
    rows of sw_changes_lt3_pct. Source: as sw_changes_lt3_pct."""

    code = "sw_changes_3plus"
    title = "Children with 3 or more changes of social worker in the last 6 months"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    exception_list = "Children with 3 or more changes of social worker"
    rule = "Open children with 3 or more changes of allocated worker in the last 6 months."
    timescale = "fewer than 3 changes in 6 months"

    def rows(self, period: Period) -> QuerySet:
        return (
            worker_changes_cohort(period.as_at)
            .filter(fewer_than_3=False)
            .annotate(in_numerator=const_true())
        )
