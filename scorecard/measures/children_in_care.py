"""Children in care section of the report: readmissions, section 20, assessments and pathway plans.

The care-episode building blocks the placement and health measures share (which episodes
count as care, where a period of care starts, the current episode) are in casework.cohorts."""

from datetime import date

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

from casework.cohorts import (
    Category,
    care_episodes,
    children_in_category,
    current_episode,
    open_children,
    starts_period_q,
)
from casework.models import Assessment, CareLeaver
from casework.queries import allocated_worker_at, open_at, team_at
from scorecard.measures.base import (
    AddMonths,
    Better,
    Kind,
    Measure,
    Period,
    Unit,
    const_true,
    no_date,
)
from scorecard.measures.registry import register

SECTION = "Children in care"


def _bool(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def children_in_care(as_at: date) -> QuerySet:
    """The cic_count cohort: open children whose category at D is child in care."""
    return children_in_category(as_at, Category.CIC)


# --- readmissions --------------------------------------------------------------------------------


@register
class ReadmissionsLast12Months(Measure):
    """Admissions to care in the period that were readmissions.

    Rule: starts in the period (12 months by default), in the numerator when the child had an
    earlier period of care (any earlier care episode). A start follows the DfE definition
    (`casework.cohorts.starts_period_q`): an episode whose reason for new episode is S, the legal
    status not a short break (V3/V4); an episode coded L, P, T, B or U continues a period, also
    the day after a short break. Source: the council's scorecard; DfE SSDA903 guide, periods of
    care and reason for new episode; Children looked after in England (starts)."""

    code = "cic_readmission_12m_pct"
    title = "Admissions to care in the last 12 months that were readmissions"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.DOWN
    kind = Kind.FLOW
    flow_months = 12
    subject = "event"
    rule = "Periods of care started in the period by children who had an earlier period of care."
    basis_label = "entered care"

    def rows(self, period: Period) -> QuerySet:
        earlier = care_episodes().filter(
            child=OuterRef("child_id"), start_date__lt=OuterRef("start_date")
        )
        return (
            care_episodes()
            .filter(starts_period_q(), start_date__gte=period.start, start_date__lte=period.end)
            .annotate(
                worker_id=allocated_worker_at(OuterRef("start_date"), "child_id"),
                team_id=team_at(OuterRef("start_date"), "child_id"),
                in_numerator=Exists(earlier),
                basis_date=F("start_date"),
                due_date=no_date(),
            )
        )


@register
class ReadmittedInQuarter(Measure):
    """Children readmitted to care in the period (a quarter by default).

    Rule: the readmissions of cic_readmission_12m_pct over this period: periods of care started in
    the period by children who had an earlier period of care. Defined from that measure so the two
    cannot disagree. Source: as cic_readmission_12m_pct."""

    code = "cic_readmitted_q"
    title = "Children readmitted to care in the quarter"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = "Periods of care started in the period by children who had an earlier period of care."
    basis_label = "entered care"

    def rows(self, period: Period) -> QuerySet:
        return ReadmissionsLast12Months().rows(period).filter(in_numerator=True)


# --- legal status and assessments ---------------------------------------------------------------


@register
class Section20(Measure):
    """Children in care accommodated under section 20.

    Rule: children in care at D whose current episode's legal status is V2 (single period of
    accommodation under section 20 of the Children Act 1989). Source: SSDA903 legal status
    codes; the council's scorecard."""

    code = "cic_s20"
    title = "Children accommodated under section 20"
    section = SECTION
    unit = Unit.COUNT
    better = Better.NEITHER
    rule = "Children in care whose current legal status is V2 (section 20)."

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        status = Subquery(current_episode(as_at).values("legal_status")[:1])
        return (
            children_in_care(as_at)
            .annotate(legal_status=status)
            .filter(legal_status="V2")
            .annotate(in_numerator=const_true(), due_date=no_date(), basis_date=no_date())
        )


@register
class AssessmentOver12Months(Measure):
    """Children in care whose last assessment is more than 12 months old.

    Rule: children in care at D whose latest assessment authorised on or before D was authorised
    more than 12 calendar months before D (its first anniversary has passed), or who have no
    authorised assessment on record. Source: local standard (the council expects a child in
    care's assessment to be refreshed at least yearly); Working Together 2018 on reassessment."""

    code = "cic_assessment_gt_12m"
    title = "Children in care whose last assessment was over 12 months ago"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    exception_list = "Children in care: last assessment over 12 months ago"
    rule = (
        "Children in care whose latest authorised assessment was more than 12 months ago, "
        "or who have none."
    )
    basis_label = "last assessment authorised"
    timescale = "12 months"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        latest = Subquery(
            Assessment.objects.filter(child=OuterRef("pk"), authorised_date__lte=as_at)
            .order_by("-authorised_date")
            .values("authorised_date")[:1],
            output_field=DateField(),
        )
        return (
            children_in_care(as_at)
            .annotate(basis_date=latest)
            .annotate(due_date=AddMonths(F("basis_date"), 12))
            .filter(Q(basis_date__isnull=True) | Q(due_date__lt=as_at))
            .annotate(in_numerator=const_true())
        )


# --- pathway plans -------------------------------------------------------------------------------


PATHWAY_REVIEW_MONTHS = 6


def eligible_care_leavers(as_at: date) -> QuerySet:
    """Open children with a care-leaver record open at D in a category owed a pathway plan
    (eligible, relevant, former relevant: Children (Leaving Care) Act 2000), whatever their
    category (an eligible young person is still in care), annotated with that record's pathway
    plan and review dates. A young person with a personal adviser but no allocated worker belongs
    to the adviser and their team."""
    record = CareLeaver.objects.filter(
        open_at(as_at),
        child=OuterRef("pk"),
        eligibility__in=CareLeaver.PATHWAY_PLAN_CATEGORIES,
    ).order_by("-start_date")
    return (
        open_children(as_at)
        .filter(Exists(record))
        .annotate(
            plan_date=Subquery(record.values("pathway_plan_date")[:1], output_field=DateField()),
            review_date=Subquery(record.values("latest_review_date")[:1], output_field=DateField()),
            worker_id=Coalesce(F("worker_id"), Subquery(record.values("personal_adviser_id")[:1])),
            team_id=Coalesce(
                F("team_id"), Subquery(record.values("personal_adviser__team_id")[:1])
            ),
        )
    )


def has_pathway_plan_q(as_at: date) -> Q:
    """On eligible_care_leavers(): a pathway plan dated on or before D is recorded. (Written with
    an explicit IS NOT NULL so a missing plan is false, not SQL NULL, and so fails the measure.)"""
    return Q(plan_date__isnull=False) & Q(plan_date__lte=as_at)


@register
class PathwayPlanInPlace(Measure):
    """Young people owed a pathway plan who have one.

    Rule: young people with an open care-leaver record at D in a category owed a pathway plan
    (eligible, relevant, former relevant), in the numerator when a pathway plan dated on or before
    D is recorded. Source: Children (Leaving Care) Act 2000; Care Leavers (England) Regulations
    2010."""

    code = "pathway_plan_in_place_pct"
    title = "Young people who should have a pathway plan who have one"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    exception_list = "Care leavers: no pathway plan"
    rule = "Young people owed a pathway plan who have one."

    def rows(self, period: Period) -> QuerySet:
        return eligible_care_leavers(period.as_at).annotate(
            in_numerator=_bool(has_pathway_plan_q(period.as_at)),
            basis_date=no_date(),
            due_date=no_date(),
        )


@register
class PathwayPlanCurrent(Measure):
    """Pathway plans that are up to date.

    Rule: young people owed a pathway plan who have one (pathway_plan_in_place_pct's numerator),
    in the numerator when the plan was reviewed (or, if never reviewed, written) in the 6
    calendar months to D: its next review is due on or after D. Source: Care Leavers (England)
    Regulations 2010, regulation 7 (pathway plans reviewed at least every six months)."""

    code = "pathway_plan_current_pct"
    title = "Pathway plans that are up to date"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    exception_list = "Care leavers: pathway plan out of date"
    rule = "Pathway plans reviewed in the 6 months to the date."
    basis_label = "last reviewed (or written)"
    timescale = "6 months"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        last_reviewed = Case(
            When(
                Q(review_date__isnull=False)
                & Q(review_date__gte=F("plan_date"))
                & Q(review_date__lte=as_at),
                then=F("review_date"),
            ),
            default=F("plan_date"),
            output_field=DateField(),
        )
        return (
            eligible_care_leavers(as_at)
            .filter(has_pathway_plan_q(as_at))
            .annotate(basis_date=last_reviewed)
            .annotate(due_date=AddMonths(F("basis_date"), PATHWAY_REVIEW_MONTHS))
            .annotate(in_numerator=_bool(Q(due_date__gte=as_at)))
        )
