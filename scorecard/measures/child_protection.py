"""Child protection section of the report: visits to children on a plan, repeat and long plans,
initial and review conferences, and the surgery lists of conferences overdue."""

from datetime import date

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
    When,
)
from django.db.models.functions import Coalesce

from casework.models import CPPlan, CPReview, InitialConference, Section47
from casework.queries import allocated_worker_at, open_at, team_at
from casework.workingdays import wd_add, wd_number
from scorecard.measures.base import (
    AddMonths,
    Better,
    Kind,
    Measure,
    Period,
    Unit,
    no_date,
)
from scorecard.measures.cohorts import (
    Category,
    children_in_category,
    latest_seen_visit,
    working_days_before,
)
from scorecard.measures.registry import register

SECTION = "Child protection"

# Working Together to Safeguard Children (2018), chapter 1: the first review conference within
# three months of the initial conference, later ones at intervals of not more than six months.
FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6


def _bool(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def current_plan_start(as_at: date, child_ref: str = "pk") -> Subquery:
    """Start of the child's child protection plan open at D (the latest, if data overlap)."""
    return Subquery(
        CPPlan.objects.filter(open_at(as_at), child=OuterRef(child_ref))
        .order_by("-start_date")
        .values("start_date")[:1],
        output_field=DateField(),
    )


def children_on_plan(as_at: date) -> QuerySet:
    """Children in the child protection category at D (the cp_count cohort), annotated with the
    current plan's start as `plan_start`."""
    return children_in_category(as_at, Category.CP).annotate(plan_start=current_plan_start(as_at))


@register
class CPSeenWithin10WorkingDays(Measure):
    """Children on a child protection plan seen within the last 10 working days.

    Rule: children in the child protection category at D whose latest visit at which the child
    was seen, on or after the plan start, is no more than 10 working days before D; a child not
    seen since the plan started counts from the plan start. Source: local standard (the council's
    child protection visiting standard, settings.TIMESCALES["cp_visit_wd"]); Working Together
    2018 requires the plan to set the frequency of visits."""

    code = "cp_seen_10wd_pct"
    title = "Children on a plan seen within {cp_visit_wd} working days"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    exception_list = "CP plans: child not seen in {cp_visit_wd} working days"
    rule = (
        "Children on a child protection plan whose latest seen visit (or, if none since, the "
        "plan start) is no more than {cp_visit_wd} working days before the date."
    )
    basis_label = "last seen (or plan started)"

    timescale = "{cp_visit_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        days = settings.TIMESCALES["cp_visit_wd"]
        last_seen = latest_seen_visit(as_at, since=OuterRef("plan_start"))
        # "Within N working days" is a count of working days (DfE convention), done as a date
        # threshold read once from the calendar rather than a calendar lookup per row.
        earliest_in_time = working_days_before(as_at, days)
        return (
            children_on_plan(as_at)
            .annotate(basis_date=Coalesce(last_seen, F("plan_start")))
            .annotate(
                in_numerator=_bool(Q(basis_date__gte=earliest_in_time)),
                due_date=wd_add("basis_date", days),
            )
        )


@register
class CPRepeatPlan(Measure):
    """Children on a plan at D who had an earlier child protection plan.

    Rule: children in the child protection category at D with any plan that started before their
    current plan (at any time: the DfE's "second or subsequent plan"). Source: DfE Characteristics
    of children in need, CIN census."""

    code = "cp_repeat_pct"
    title = "Children on a plan who were subject to a previous plan"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.DOWN
    rule = "Children on a child protection plan who had an earlier child protection plan."

    def rows(self, period: Period) -> QuerySet:
        earlier = CPPlan.objects.filter(child=OuterRef("pk"), start_date__lt=OuterRef("plan_start"))
        return children_on_plan(period.as_at).annotate(
            in_numerator=Exists(earlier), due_date=no_date(), basis_date=no_date()
        )


@register
class CPPlanUnder2Years(Measure):
    """Children on a plan at D whose plan started less than 2 years before D.

    Rule: children in the child protection category at D whose plan has not yet reached its second
    anniversary (24 calendar months after the start; a plan started on 29 Feb reaches it on 28
    Feb). Source: DfE Characteristics of children in need (plans lasting 2 years or more)."""

    code = "cp_lt_2y_pct"
    title = "Children subject to a plan for less than 2 years"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    rule = "Children on a child protection plan that started less than 2 years before the date."
    basis_label = "plan started"
    timescale = "less than 2 years"

    def rows(self, period: Period) -> QuerySet:
        return (
            children_on_plan(period.as_at)
            .annotate(
                basis_date=F("plan_start"),
                # The last day still under 2 years: the day before the second anniversary.
                due_date=AddMonths(F("plan_start"), 24, days=-1),
            )
            .annotate(in_numerator=_bool(Q(due_date__gte=period.as_at)))
        )


def section47_start_for_conference() -> Coalesce:
    """The section 47 start an initial conference is measured from: its own enquiry, else the
    child's latest enquiry started on or before the conference."""
    latest_s47 = Subquery(
        Section47.objects.filter(child=OuterRef("child_id"), start_date__lte=OuterRef("date"))
        .order_by("-start_date")
        .values("start_date")[:1],
        output_field=DateField(),
    )
    return Coalesce(F("section47__start_date"), latest_s47)


@register
class ICPCWithin15WorkingDays(Measure):
    """Initial child protection conferences held within 15 working days of the strategy discussion.

    Rule: initial conferences held in the period within 15 working days (after the start, up to
    and including the conference day) of the start of the section 47 enquiry. Conferences dated
    before the enquiry started, or with no enquiry on record, cannot be timed and are left out.
    Source: Working Together to Safeguard Children 2018, chapter 1 (ICPC within 15 working days of
    the strategy discussion); DfE CIN census."""

    code = "icpc_15wd_pct"
    title = "Initial child protection conferences within {icpc_wd} working days"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = (
        "Initial child protection conferences held in the period within {icpc_wd} working days of "
        "the "
        "section 47 strategy discussion."
    )
    basis_label = "strategy discussion"

    timescale = "{icpc_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        days = settings.TIMESCALES["icpc_wd"]
        return (
            InitialConference.objects.filter(date__gte=period.start, date__lte=period.end)
            .annotate(basis_date=section47_start_for_conference())
            .filter(basis_date__isnull=False, basis_date__lte=F("date"))
            .annotate(
                worker_id=allocated_worker_at(OuterRef("date"), "child_id"),
                team_id=team_at(OuterRef("date"), "child_id"),
                wd_held=wd_number("date"),
                wd_start=wd_number("basis_date"),
            )
            .annotate(
                in_numerator=_bool(Q(wd_held__lte=F("wd_start") + days)),
                due_date=wd_add("basis_date", days),
            )
        )


def _previous_review_held(plan_ref: str, before_ref: str | date, inclusive: bool) -> Subquery:
    before = OuterRef(before_ref) if isinstance(before_ref, str) else before_ref
    held = {"held_date__lte" if inclusive else "held_date__lt": before}
    return Subquery(
        CPReview.objects.filter(cp_plan=OuterRef(plan_ref), held_date__isnull=False, **held)
        .order_by("-held_date")
        .values("held_date")[:1],
        output_field=DateField(),
    )


def _review_due(last_held: str, plan_start: str) -> Case:
    """Working Together: first review within 3 months of the plan start, then every 6 months
    after the last review held."""
    return Case(
        When(**{f"{last_held}__isnull": True}, then=AddMonths(F(plan_start), FIRST_REVIEW_MONTHS)),
        default=AddMonths(F(last_held), LATER_REVIEW_MONTHS),
        output_field=DateField(),
    )


@register
class ReviewConferenceTimely(Measure):
    """Review child protection conferences held on or before their due date.

    Rule: review conferences held in the period on or before their due date: the first within 3
    calendar months of the plan start, each later one within 6 calendar months of the previous
    review (the review's due date, set by that rule when the review is recorded or imported).
    Source: Working Together to Safeguard Children 2018, chapter 1; DfE CIN census."""

    code = "rcpc_timely_pct"
    title = "Review conferences within timescale"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = (
        "Review child protection conferences held in the period on or before their due date "
        "(first within 3 months of the plan start, then every 6 months)."
    )
    basis_label = "previous review (or plan start)"
    timescale = "3 months, then 6 months"

    def rows(self, period: Period) -> QuerySet:
        # `due_date` is the review's own column (CPReview.due_date), so it is not annotated.
        previous_held = _previous_review_held("cp_plan_id", "held_date", inclusive=False)
        return CPReview.objects.filter(
            held_date__gte=period.start, held_date__lte=period.end
        ).annotate(
            worker_id=allocated_worker_at(OuterRef("held_date"), "child_id"),
            team_id=team_at(OuterRef("held_date"), "child_id"),
            basis_date=Coalesce(previous_held, F("cp_plan__start_date")),
            in_numerator=_bool(Q(held_date__lte=F("due_date"))),
        )


@register
class ICPCOverdue(Measure):
    """Section 47 enquiries waiting for an initial conference: the surgery list of ICPCs overdue,
    with those falling due soon.

    Rule: section 47 enquiries open at D, with an initial conference required and none held yet,
    whose strategy discussion was more than 15 working days before D (in the numerator: overdue);
    the others are rows not yet due, with the due date, so the list can show those due soon.
    Source: Working Together to Safeguard Children 2018, chapter 1 (ICPC within 15 working days
    of the strategy discussion)."""

    code = "icpc_overdue"
    title = "Initial child protection conferences overdue"
    section = SECTION
    # A percent so that the rows not yet overdue can carry a due date: `failing` gives the
    # overdue enquiries (the numerator) and `due_soon` the others falling due.
    unit = Unit.PERCENT
    better = Better.DOWN
    subject = "event"
    on_scorecard = False
    exception_list = "ICPCs overdue"
    rule = (
        "Section 47 enquiries with no initial child protection conference held more than "
        "{icpc_wd} working days after the strategy discussion."
    )
    basis_label = "strategy discussion"

    timescale = "{icpc_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        days = settings.TIMESCALES["icpc_wd"]
        held = InitialConference.objects.filter(date__lte=as_at).filter(
            Q(section47=OuterRef("pk"))
            | Q(child=OuterRef("child_id"), date__gte=OuterRef("start_date"))
        )
        last_in_time = working_days_before(as_at, days)
        return (
            Section47.objects.filter(open_at(as_at), icpc_not_required=False)
            .exclude(Exists(held))
            .annotate(
                worker_id=allocated_worker_at(as_at, "child_id"),
                team_id=team_at(as_at, "child_id"),
                basis_date=F("start_date"),
                due_date=wd_add("start_date", days),
                in_numerator=_bool(Q(start_date__lt=last_in_time)),
            )
        )


@register
class ReviewConferenceOverdue(Measure):
    """Child protection plans whose review conference is overdue: the surgery list, with reviews
    falling due soon.

    Rule: child protection plans open at D whose next review (3 calendar months after the plan
    start, then 6 months after the last review held on or before D) was due before D and has not
    been held (numerator: overdue); the other plans are rows not yet due, with the due date.
    Source: Working Together to Safeguard Children 2018, chapter 1."""

    code = "rcpc_overdue"
    title = "Review child protection conferences overdue"
    section = SECTION
    unit = Unit.PERCENT  # as ICPCOverdue: overdue rows in the numerator, the rest due later
    better = Better.DOWN
    on_scorecard = False
    exception_list = "CP reviews overdue"
    rule = (
        "Child protection plans whose review conference was due (3 months after the plan start, "
        "then every 6 months) and has not been held."
    )
    basis_label = "last review (or plan start)"
    timescale = "3 months, then 6 months"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        return (
            CPPlan.objects.filter(open_at(as_at))
            .annotate(last_held=_previous_review_held("pk", as_at, inclusive=True))
            .annotate(
                worker_id=allocated_worker_at(as_at, "child_id"),
                team_id=team_at(as_at, "child_id"),
                basis_date=Coalesce(F("last_held"), F("start_date")),
                due_date=_review_due("last_held", "start_date"),
            )
            .annotate(in_numerator=_bool(Q(due_date__lt=as_at)))
        )
