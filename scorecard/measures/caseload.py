"""Caseload section of the report: open children by category, allocation, and workers' caseloads.

Child rows start from `cohorts.open_children` (one row per open child with its worker and team at
D). Worker rows (case-holding workers and caseload thresholds) are one row per worker: child_id is
None, worker_id is the worker and team_id the worker's own team (a field of Worker).
"""

from datetime import date

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from casework.models import Involvement, Worker
from casework.queries import allocations_open_at, open_at
from casework.workingdays import wd_date, wd_number
from scorecard.measures.base import (
    COUNCIL,
    Better,
    Measure,
    MeasureScope,
    Period,
    Unit,
    const_true,
    no_date,
)
from scorecard.measures.cohorts import (
    Category,
    allocated_caseload_at,
    children_in_category,
    episode_start_at,
    episode_start_row,
    flag,
    open_children,
    wd_number_on,
)
from scorecard.measures.registry import register


def _allocation_wd() -> int:
    return settings.TIMESCALES["allocation_wd"]


@register
class OpenChildren(Measure):
    """Children open to social care at the as-at date.

    Rule: an open referral (CIN episode), care episode, child protection plan or care-leaver
    record at D (DESIGN.md section 6). Source: the council's scorecard; CIN census definition of
    an open episode."""

    code = "open_children"
    title = "Children open to social care"
    section = "Caseload"
    unit = Unit.COUNT
    better = Better.NEITHER
    rule = (
        "Children with an open referral, care episode, child protection plan or care-leaver record."  # noqa: E501
    )

    def rows(self, period: Period) -> QuerySet:
        return open_children(period.as_at).annotate(
            in_numerator=const_true(), due_date=no_date(), basis_date=no_date()
        )


class _CategoryCount(Measure):
    """Open children at D in one category, by the precedence in care > child protection > care
    leaver > child in need (DESIGN.md section 4)."""

    category: str
    section = "Caseload"
    unit = Unit.COUNT
    better = Better.NEITHER

    def rows(self, period: Period) -> QuerySet:
        return children_in_category(period.as_at, self.category).annotate(
            in_numerator=const_true(), due_date=no_date(), basis_date=no_date()
        )


@register
class ChildrenInNeedCount(_CategoryCount):
    """Children in need at D: open children with an open referral (including those still under
    assessment) who are not in care, on a child protection plan or a care leaver.

    Source: Children Act 1989 s17; DfE CIN census (children in need at 31 March)."""

    code = "cin_count"
    title = "Children in need"
    section = "Children in need"
    category = Category.CIN
    rule = "Open children who are not in care, on a child protection plan or care leavers."


@register
class ChildProtectionCount(_CategoryCount):
    """Children subject to a child protection plan open at D and not in care.

    Source: Working Together to Safeguard Children; DfE CIN census (CP plans at 31 March)."""

    code = "cp_count"
    title = "Children subject to a child protection plan"
    section = "Child protection"
    category = Category.CP
    rule = "Children with a child protection plan open at the date, not in care."


@register
class ChildrenInCareCount(_CategoryCount):
    """Children in care at D: a care episode open at D whose legal status is not a short break
    (V3/V4).

    Source: Children Act 1989 s22; DfE SSDA903 (children looked after at 31 March)."""

    code = "cic_count"
    title = "Children in care"
    section = "Children in care"
    category = Category.CIC
    rule = "Children with a care episode open at the date, excluding short breaks (V3/V4)."


@register
class AllocatedPct(Measure):
    """Open children with an allocated worker at D.

    Rule: an allocated-worker involvement open at D (start ≤ D, end empty or after D). The
    failing rows (unallocated children) are the surgery list; each carries the allocation due
    date, the episode start plus the local allocation timescale. Source: local standard (the
    council's scorecard); every child open to social care should have an allocated worker."""

    code = "allocated_pct"
    title = "Children with an allocated case worker"
    section = "Caseload"
    unit = Unit.PERCENT
    better = Better.UP
    exception_list = "Unallocated children"
    rule = "Open children with an allocated worker at the date."
    basis_label = "referred"

    timescale = "allocate within {allocation_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        return (
            open_children(as_at)
            .annotate(
                in_numerator=flag(Q(Exists(allocations_open_at(as_at)))),
                episode_start=episode_start_at(as_at),
                episode_wd=wd_number("episode_start"),
            )
            .annotate(
                # Only an unallocated child is still waiting for something; an allocated one has
                # no further due date under this measure.
                basis_date=Case(
                    When(in_numerator=False, then=F("episode_start")),
                    default=no_date(),
                    output_field=DateField(),
                ),
                due_date=Case(
                    When(
                        in_numerator=False,
                        then=wd_date(OuterRef("episode_wd") + _allocation_wd()),
                    ),
                    default=no_date(),
                    output_field=DateField(),
                ),
            )
        )


def first_allocation_in_episode(as_at: date) -> Subquery:
    """The start date of the earliest allocated-worker involvement that overlaps the current
    episode (the `episode_start` annotation) and started by D (for the due date of a child not
    yet allocated)."""
    return Subquery(
        allocations_in_episode(as_at, OuterRef("pk"), OuterRef("episode_start"))
        .order_by("start_date")
        .values("start_date")[:1],
        output_field=DateField(),
    )


def allocations_in_episode(as_at: date, child: OuterRef, episode_start: OuterRef) -> QuerySet:
    """Allocated-worker involvements of the child that started by D and had not ended by the
    episode start (still open at it, or started later)."""
    return Involvement.objects.filter(
        child=child, role=Involvement.Role.ALLOCATED_WORKER, start_date__lte=as_at
    ).filter(Q(end_date__isnull=True) | Q(end_date__gt=episode_start))


def allocated_in_time(as_at: date, n: int) -> Exists:
    """allocated_timely_pct's numerator as one condition per child, over the calendar row of
    the episode start (`episode_start_row`, so the start is looked up once per child, not in
    each of the places the rule reads it):

    - the first allocation in the episode started within n working days of the episode start
      (one already open at the start counts from the start): some allocation in the episode
      started before the start, or no more than n working days after it (working-day numbers
      never decrease with the date, so if any does, the first does);
    - or there is no allocation in the episode and D is still within n working days."""
    episode = episode_start_row(as_at)
    in_episode = allocations_in_episode(as_at, OuterRef(OuterRef("pk")), OuterRef("date"))
    on_time = in_episode.annotate(wd=wd_number("start_date")).filter(
        Q(start_date__lt=OuterRef("date")) | Q(wd__lte=OuterRef("working_day_number") + n)
    )
    return Exists(
        episode.filter(
            Q(Exists(on_time))
            | (~Q(Exists(in_episode)) & Q(working_day_number__gte=wd_number_on(as_at) - n))
        )
    )


@register
class AllocatedTimelyPct(Measure):
    """Open children allocated in a timely way.

    Rule: open children at D whose first allocation in the current episode started within the
    local allocation timescale (TIMESCALES["allocation_wd"], default 5 working days) of the
    referral, or who are not yet allocated but still inside that window. The episode starts at
    the latest open referral (for a child open only through care, the open care episode). An
    allocation already open when the referral arrived counts as allocated on the referral date.
    Working days as DfE: those after the referral up to and including the allocation.
    Source: local standard (the council's scorecard)."""

    code = "allocated_timely_pct"
    title = "Children allocated to a worker in a timely way"
    section = "Caseload"
    unit = Unit.PERCENT
    better = Better.UP
    rule = "Open children allocated within the local timescale of the referral."
    basis_label = "referred"

    timescale = "{allocation_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        n = _allocation_wd()
        return (
            open_children(as_at)
            .annotate(episode_start=episode_start_at(as_at))
            .annotate(
                first_start=first_allocation_in_episode(as_at),
                episode_wd=wd_number("episode_start"),
            )
            .annotate(
                # An allocation already open at the referral counts from the referral date.
                in_numerator=flag(Q(allocated_in_time(as_at, n))),
                basis_date=F("episode_start"),
                # Only a child still waiting for allocation has a live due date.
                due_date=Case(
                    When(
                        first_start__isnull=True,
                        then=wd_date(OuterRef("episode_wd") + n),
                    ),
                    default=no_date(),
                    output_field=DateField(),
                ),
            )
        )


# --- Worker rows --------------------------------------------------------------------------------


def open_allocations(as_at: date) -> QuerySet[Involvement]:
    return Involvement.objects.filter(open_at(as_at), role=Involvement.Role.ALLOCATED_WORKER)


def workers_with_caseload_over(as_at: date, limit: int) -> QuerySet:
    """The ids of workers with more than `limit` allocated-worker involvements open at D (their
    `caseload` in case_holding_workers), as one grouped subquery."""
    return (
        open_allocations(as_at)
        .order_by()
        .values("worker_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=limit)
        .values("worker_id")
    )


def case_holding_workers(as_at: date) -> QuerySet:
    """Workers with at least one allocated-worker involvement open at D, one row per worker with
    the ROW_FIELDS and their `caseload` at D."""
    return (
        Worker.objects.filter(
            Exists(open_allocations(as_at).filter(worker=OuterRef("pk")))
        ).annotate(
            child_id=Value(None, output_field=IntegerField()),
            worker_id=F("pk"),
            caseload=allocated_caseload_at(as_at),
            in_numerator=const_true(),
            due_date=no_date(),
            basis_date=no_date(),
        )
        # team_id is Worker's own column (the worker's team), so it is not annotated.
    )


# Caseload bands for the scorecard's distribution chart: (lowest, highest or None, label).
CASELOAD_BANDS = (
    (1, 10, "1 to 10"),
    (11, 15, "11 to 15"),
    (16, 20, "16 to 20"),
    (21, 25, "21 to 25"),
    (26, None, "26 or more"),
)


def caseload_bands(as_at: date, scope: MeasureScope = COUNCIL) -> list[tuple[str, int]]:
    """Case-holding workers by the number of children allocated to them at D: the rows of
    case_holding_workers in the scope (a worker belongs to their own team, as in every worker
    measure), each with their whole caseload, so the bands add up to the case_holding_workers
    figure at every scope. One query; the banding runs over workers (hundreds), never children."""
    bands = {label: 0 for _, _, label in CASELOAD_BANDS}
    rows = case_holding_workers(as_at).filter(scope.row_q())
    for n in rows.values_list("caseload", flat=True):
        for low, high, label in CASELOAD_BANDS:
            if n >= low and (high is None or n <= high):
                bands[label] += 1
                break
    return list(bands.items())


@register
class CaseHoldingWorkers(Measure):
    """Workers with at least one allocated child at D.

    Rule: any role, an allocated-worker involvement open at D. Source: local standard (the
    council's scorecard, workforce capacity)."""

    code = "case_holding_workers"
    title = "Case holding workers"
    section = "Caseload"
    unit = Unit.COUNT
    better = Better.NEITHER
    subject = "worker"
    rule = "Workers with at least one allocated child at the date."

    def rows(self, period: Period) -> QuerySet:
        return case_holding_workers(period.as_at)


class _SocialWorkersOver(Measure):
    """Case-holding social workers (Worker.SOCIAL_WORK_ROLES) with more than `limit` allocated
    children at D. Source: local caseload standard (the council's scorecard)."""

    limit: int
    section = "Caseload"
    unit = Unit.COUNT
    better = Better.DOWN
    subject = "worker"

    def rows(self, period: Period) -> QuerySet:
        # The workers over the limit as one grouped set (allocations open at D counted per
        # worker once), not the caseload subquery tested worker by worker: the same workers.
        return case_holding_workers(period.as_at).filter(
            role__in=Worker.SOCIAL_WORK_ROLES,
            pk__in=workers_with_caseload_over(period.as_at, self.limit),
        )


@register
class SocialWorkersOver20(_SocialWorkersOver):
    """Social workers holding more than 20 children at D (a caseload of exactly 20 is not over).

    Source: local caseload standard (the council's scorecard)."""

    code = "sw_over_20"
    title = "Social workers holding more than 20 children"
    limit = 20
    rule = "Case-holding social workers with more than 20 allocated children at the date."


@register
class SocialWorkersOver25(_SocialWorkersOver):
    """Social workers holding more than 25 children at D (a caseload of exactly 25 is not over).

    Source: local caseload standard (the council's scorecard)."""

    code = "sw_over_25"
    title = "Social workers holding more than 25 children"
    limit = 25
    rule = "Case-holding social workers with more than 25 allocated children at the date."


@register
class PartTimeFteOver20(Measure):
    """Part-time social workers whose caseload per full-time equivalent is 20 or more.

    Rule: case-holding social workers (Worker.SOCIAL_WORK_ROLES) with FTE < 1 and caseload ÷ FTE
    ≥ 20 at D, compared as caseload ≥ 20 × FTE so no division happens in SQL. Source: local
    caseload standard (the council's scorecard)."""

    code = "part_time_fte_over_20"
    title = "Part-time social workers with a full-time-equivalent caseload of 20 or more"
    section = "Caseload"
    unit = Unit.COUNT
    better = Better.DOWN
    subject = "worker"
    rule = "Part-time social workers whose caseload divided by their FTE is 20 or more."

    def rows(self, period: Period) -> QuerySet:
        return case_holding_workers(period.as_at).filter(
            role__in=Worker.SOCIAL_WORK_ROLES, fte__lt=1, caseload__gte=F("fte") * 20
        )
