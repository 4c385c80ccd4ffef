"""Children in need section of the report: statutory visits, plan duration and plan timeliness.

Every measure here is a stock over the children in need at D (open children whose category by
precedence is child in need: DESIGN.md section 4). Each pair of a percent and a count of failing
children is built from one private cohort function, so the count is the percent's failing rows
(or a subset of them) by construction and the two can never disagree.
"""

from datetime import date

from django.conf import settings
from django.db.models import (
    Case,
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
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from casework.models import Assessment, CalendarDay, CINPlan
from casework.queries import open_at
from casework.workingdays import wd_date, wd_number
from scorecard.measures.base import (
    AddMonths,
    Better,
    Measure,
    Period,
    Unit,
    const_true,
    no_date,
)
from scorecard.measures.cohorts import (
    children_in_need,
    episode_start_at,
    flag,
    latest_seen_visit,
    working_days_before,
)
from scorecard.measures.registry import register

SECTION = "Children in need"


def _visit_wd() -> int:
    return settings.TIMESCALES["cin_visit_wd"]


def _plan_wd() -> int:
    return settings.TIMESCALES["cin_plan_after_assessment_wd"]


# --- Seen within timescale --------------------------------------------------------------------


def cin_seen_cohort(as_at: date) -> QuerySet:
    """Children in need at D with `seen_in_time`: the latest seen visit on or before D, or the
    referral if there has been no seen visit since, is no more than the local visit timescale
    (default 20) working days before D. due_date is the last day still within it."""
    n = _visit_wd()
    return (
        children_in_need(as_at)
        .annotate(last_seen=latest_seen_visit(as_at), episode_start=episode_start_at(as_at))
        .annotate(
            # A visit before the current referral belongs to an earlier episode: the clock
            # restarts at the referral.
            basis_date=Case(
                When(last_seen__gte=F("episode_start"), then=F("last_seen")),
                When(episode_start__isnull=True, then=F("last_seen")),
                default=F("episode_start"),
                output_field=DateField(),
            ),
        )
        .annotate(basis_wd=wd_number("basis_date"))
        .annotate(
            # number(D) <= number(basis) + n, as a date comparison: the basis (the later of the
            # last seen visit and the episode start) on or after the working day numbered
            # number(D) - n, the first date carrying that number (numbers never decrease with
            # the date), read once per statement. Compared per date, not through basis_wd: that
            # wrote the last visit and the episode start into the SQL three times each.
            seen_in_time=flag(
                Q(last_seen__gte=working_days_before(as_at, n))
                | Q(episode_start__gte=working_days_before(as_at, n))
            ),
            due_date=wd_date(OuterRef("basis_wd") + n),
        )
    )


@register
class CinSeenPct(Measure):
    """Children in need seen within timescale.

    Rule: children in need at D whose latest visit at which the child was seen (or, if none
    since, the referral) is no more than TIMESCALES["cin_visit_wd"] (default 20) working days
    before D; working days counted as DfE (after the visit, up to and including D). Source: local
    standard for child in need visits (Working Together to Safeguard Children leaves the
    frequency of CIN visits to the plan; the council sets 20 working days)."""

    code = "cin_seen_pct"
    title = "Children in need seen within timescale"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    exception_list = "Children in need not seen"
    rule = "Children in need seen (or referred) within the local visit timescale."
    basis_label = "last seen or referred"

    timescale = "seen every {cin_visit_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        return cin_seen_cohort(period.as_at).annotate(in_numerator=F("seen_in_time"))


@register
class CinVisitOverdue(Measure):
    """Children in need with visits incomplete or outside timescale: exactly the failing rows of
    cin_seen_pct (latest seen visit, or the referral, more than 20 working days before D).
    Source: as cin_seen_pct."""

    code = "cin_visit_overdue"
    title = "Children in need with visits incomplete or outside timescale"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    rule = "Children in need not seen within the local visit timescale."
    basis_label = "last seen or referred"

    timescale = "seen every {cin_visit_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        return (
            cin_seen_cohort(period.as_at)
            .filter(seen_in_time=False)
            .annotate(in_numerator=const_true())
        )


# --- Plan duration ------------------------------------------------------------------------------


def open_cin_plans(as_at: date):
    return CINPlan.objects.filter(open_at(as_at), child=OuterRef("pk")).order_by("-start_date")


def cin_plan_age_cohort(as_at: date) -> QuerySet:
    """Children in need at D with their open CIN plan's start and `over_1y`: the plan started
    more than 12 calendar months before D (D later than start + 12 months). due_date is start +
    12 months, the last day the plan is still "1 year or less"."""
    return (
        children_in_need(as_at)
        .annotate(
            basis_date=Subquery(open_cin_plans(as_at).values("start_date")[:1]),
        )
        .annotate(due_date=AddMonths(F("basis_date"), 12))
        .annotate(over_1y=flag(Q(due_date__lt=as_at)))
    )


@register
class CinPlanLe1yPct(Measure):
    """Children in need on a plan for 1 year or less.

    Rule: children in need at D, less those whose open CIN plan started more than 12 calendar
    months before D (children without a plan count as not over); a plan started exactly 12
    months before D is still 1 year or less. Source: local standard (the council's scorecard;
    drift in CIN plans)."""

    code = "cin_plan_le_1y_pct"
    title = "Children in need on a plan for 1 year or less"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    exception_list = "Children in need on a plan for more than 12 months"
    rule = "Children in need whose CIN plan started no more than 12 months ago."
    basis_label = "plan started"
    timescale = "12 months"

    def rows(self, period: Period) -> QuerySet:
        return cin_plan_age_cohort(period.as_at).annotate(in_numerator=flag(Q(over_1y=False)))


@register
class CinPlanGt1y(Measure):
    """Children in need on a plan for more than 12 months: exactly the failing rows of
    cin_plan_le_1y_pct. Source: as cin_plan_le_1y_pct."""

    code = "cin_plan_gt_1y"
    title = "Children in need on a plan for more than 12 months"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    rule = "Children in need whose CIN plan started more than 12 months ago."
    basis_label = "plan started"
    timescale = "12 months"

    def rows(self, period: Period) -> QuerySet:
        return (
            cin_plan_age_cohort(period.as_at)
            .filter(over_1y=True)
            .annotate(in_numerator=const_true())
        )


# --- Plan put in place in time ----------------------------------------------------------------


def episode_assessments_authorised(
    as_at: date, child: OuterRef, episode_start: Combinable
) -> QuerySet[Assessment]:
    """The assessments of the current episode (started on or after the episode start)
    authorised by D."""
    return Assessment.objects.filter(
        child=child, start_date__gte=episode_start, authorised_date__lte=as_at
    )


def authorised_assessment(as_at: date, field: str) -> Subquery:
    """The latest assessment of the current episode (started on or after `episode_start`)
    authorised by D: its authorisation date, or with field="wd" its working-day number."""
    return Subquery(
        episode_assessments_authorised(as_at, OuterRef("pk"), OuterRef("episode_start"))
        .annotate(wd=wd_number("authorised_date"))
        .order_by("-authorised_date")
        .values(field)[:1],
        output_field=IntegerField() if field == "wd" else DateField(),
    )


def plan_late(as_at: date, n: int) -> Exists:
    """Not timely, as one condition per child: the calendar row of the latest authorisation in
    the episode exists (no authorisation: still in the assessment period, timely) and the
    child's `timed_from` (the open plan's start, or D without a plan) falls after the last day
    within n working days of it: on or after the working day numbered authorisation + n + 1,
    the first date whose number exceeds the window (numbers never decrease with the date).

    The authorisation and the episode start behind it are looked up once per child (the
    calendar row's index condition), where comparing working-day numbers of annotations wrote
    the authorisation into the SQL four times, each with the episode start inside."""
    child = OuterRef(OuterRef("pk"))
    authorised = Subquery(
        episode_assessments_authorised(as_at, child, episode_start_at(as_at, child))
        .order_by("-authorised_date")
        .values("authorised_date")[:1],
        output_field=DateField(),
    )
    authorisation = CalendarDay.objects.filter(date=authorised).annotate(
        first_late=wd_date(OuterRef("working_day_number") + n + 1)
    )
    return Exists(authorisation.filter(first_late__lte=OuterRef("timed_from")))


def cin_plan_timely_cohort(as_at: date) -> QuerySet:
    """Children in need at D with `has_plan` (a CIN plan open at D) and `plan_timely`:

    - with a plan: it started no more than 10 working days after the authorisation of the
      episode's latest authorised assessment (or there is no authorised assessment to time it
      from, or it started before the authorisation);
    - without a plan: there is no authorised assessment yet (the child is within the assessment
      period) or D is no more than 10 working days after the authorisation.

    basis_date is the authorisation; due_date, for children without a plan, the last day a plan
    is still on time."""
    n = _plan_wd()
    return (
        children_in_need(as_at)
        .annotate(episode_start=episode_start_at(as_at))
        .annotate(
            has_plan=Exists(open_cin_plans(as_at)),
            # What is timed against the authorisation: the open plan's start, or D (no plan).
            timed_from=Coalesce(
                Subquery(open_cin_plans(as_at).values("start_date")[:1]),
                Value(as_at, output_field=DateField()),
                output_field=DateField(),
            ),
            basis_date=authorised_assessment(as_at, "authorised_date"),
            auth_wd=authorised_assessment(as_at, "wd"),
        )
        .annotate(
            plan_timely=flag(~Q(plan_late(as_at, n))),
            due_date=Case(
                When(has_plan=False, auth_wd__isnull=False, then=wd_date(OuterRef("auth_wd") + n)),
                default=no_date(),
                output_field=DateField(),
            ),
        )
    )


@register
class CinPlanTimelyPct(Measure):
    """Children in need with a plan put in place in a timely way or within the assessment period.

    Rule: children in need at D who have a CIN plan that started within
    TIMESCALES["cin_plan_after_assessment_wd"] (default 10) working days of their assessment's
    authorisation, or are still inside that window, or are still in the assessment period (no
    authorised assessment in the episode). Source: Working Together to Safeguard Children (a
    child in need plan follows the assessment; the council's local timescale is 10 working
    days)."""

    code = "cin_plan_timely_pct"
    title = (
        "Children in need with a plan put in place in a timely way or within the assessment period"
    )
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    rule = "Children in need with a CIN plan in place within the local timescale of assessment."
    basis_label = "assessment authorised"

    timescale = "plan within {cin_plan_after_assessment_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        return cin_plan_timely_cohort(period.as_at).annotate(in_numerator=F("plan_timely"))


@register
class CinNoPlanOverdue(Measure):
    """Children in need with no plan and outside timescale: the failing rows of
    cin_plan_timely_pct that have no open CIN plan (those whose plan merely started late have a
    plan now and need no action). Source: as cin_plan_timely_pct."""

    code = "cin_no_plan_overdue"
    title = "Children in need with no plan and outside timescale"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    exception_list = "Children in need with no plan"
    rule = "Children in need with no CIN plan more than the local timescale after assessment."
    basis_label = "assessment authorised"

    timescale = "plan within {cin_plan_after_assessment_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        return (
            cin_plan_timely_cohort(period.as_at)
            .filter(plan_timely=False, has_plan=False)
            .annotate(in_numerator=const_true())
        )
