"""Cohorts shared by the measures: who is open at D and in which category. Written once here."""

from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    CharField,
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
from django.db.models.functions import Coalesce

from casework.models import CareEpisode, CareLeaver, Child, CPPlan, Involvement, Referral, Visit
from casework.queries import allocated_worker_at, open_at, team_at
from casework.workingdays import wd_number


class Category:
    CIC = "cic"
    CP = "cp"
    CARE_LEAVER = "care_leaver"
    CIN = "cin"
    LABELS = {
        CIC: "Child in care",
        CP: "Child protection",
        CARE_LEAVER: "Care leaver",
        CIN: "Child in need",
    }


def in_care_q(as_at: date, child_ref: str = "pk") -> Q:
    """A care episode open at D whose legal status is not a short break (V3/V4)."""
    return Q(
        Exists(
            CareEpisode.objects.filter(open_at(as_at), child=OuterRef(child_ref)).exclude(
                legal_status__in=CareEpisode.SHORT_BREAK_STATUSES
            )
        )
    )


def on_cp_plan_q(as_at: date, child_ref: str = "pk") -> Q:
    return Q(Exists(CPPlan.objects.filter(open_at(as_at), child=OuterRef(child_ref))))


def care_leaver_q(as_at: date, child_ref: str = "pk") -> Q:
    return Q(Exists(CareLeaver.objects.filter(open_at(as_at), child=OuterRef(child_ref))))


def open_referral_q(as_at: date, child_ref: str = "pk") -> Q:
    return Q(
        Exists(
            Referral.objects.filter(
                open_at(as_at, "referral_date", "closure_date"), child=OuterRef(child_ref)
            )
        )
    )


def open_q(as_at: date, child_ref: str = "pk") -> Q:
    """Open to social care at D: an open referral, care episode (any legal status, so a child
    loaded only from an SSDA903 return is open while in care), CP plan or care-leaver record."""
    any_episode = Q(Exists(CareEpisode.objects.filter(open_at(as_at), child=OuterRef(child_ref))))
    return (
        open_referral_q(as_at, child_ref)
        | any_episode
        | on_cp_plan_q(as_at, child_ref)
        | care_leaver_q(as_at, child_ref)
    )


def category_at(as_at: date) -> Case:
    """Category by precedence: in care > child protection > care leaver > child in need."""
    return Case(
        When(in_care_q(as_at), then=Value(Category.CIC)),
        When(on_cp_plan_q(as_at), then=Value(Category.CP)),
        When(care_leaver_q(as_at), then=Value(Category.CARE_LEAVER)),
        default=Value(Category.CIN),
        output_field=CharField(),
    )


def open_children(as_at: date) -> QuerySet[Child]:
    """Open children at D annotated with child_id, worker_id, team_id and category: the base of
    every child-level stock measure."""
    return (
        Child.objects.filter(open_q(as_at))
        .exclude(date_of_death__lte=as_at)
        .annotate(
            child_id=F("pk"),
            worker_id=allocated_worker_at(as_at),
            team_id=team_at(as_at),
            category=category_at(as_at),
        )
    )


def children_in_category(as_at: date, category: str) -> QuerySet[Child]:
    return open_children(as_at).filter(category=category)  # type: ignore[misc]  # annotation


# --- Building blocks for the timescale measures (added for the caseload, front door, referral,
# assessment and children in need sections; the functions above keep their behaviour) ---------


def children_in_need(as_at: date) -> QuerySet[Child]:
    """Children in need at D: open children whose category (by precedence) is child in need."""
    return children_in_category(as_at, Category.CIN)


def flag(condition: Q) -> Case:
    """A boolean annotation from a condition; NULL comparisons fall to False, never NULL, so
    `in_numerator=False` finds every row that is not in the numerator."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def wd_number_on(day: date) -> Subquery:
    """SQL: the working-day number of a fixed date, read from the calendar table in the same
    statement (not from a per-process cache, which would go stale when closure days change)."""
    return wd_number(Value(day, output_field=DateField()))


def latest_open_referral_date(as_at: date, child_ref: str = "pk") -> Subquery:
    return Subquery(
        Referral.objects.filter(
            open_at(as_at, "referral_date", "closure_date"), child=OuterRef(child_ref)
        )
        .order_by("-referral_date")
        .values("referral_date")[:1],
        output_field=DateField(),
    )


def episode_start_at(as_at: date, child_ref: str = "pk") -> Coalesce:
    """When the child's current involvement with social care began: the latest open referral;
    for a child open without one (a 903-only child in care, short breaks, a care leaver), the
    start of the earliest open care episode, child protection plan or care-leaver record."""

    def earliest_open(model) -> Subquery:
        return Subquery(
            model.objects.filter(open_at(as_at), child=OuterRef(child_ref))
            .order_by("start_date")
            .values("start_date")[:1],
            output_field=DateField(),
        )

    return Coalesce(
        latest_open_referral_date(as_at, child_ref),
        earliest_open(CareEpisode),
        earliest_open(CPPlan),
        earliest_open(CareLeaver),
        output_field=DateField(),
    )


def latest_seen_visit(as_at: date, child_ref: str = "pk") -> Subquery:
    """The date of the child's latest visit on or before D at which the child was seen."""
    return Subquery(
        Visit.objects.filter(child=OuterRef(child_ref), child_seen=True, date__lte=as_at)
        .order_by("-date")
        .values("date")[:1],
        output_field=DateField(),
    )


def allocated_caseload_at(as_at: date, worker_ref: str = "pk") -> Coalesce:
    """The number of children allocated to the worker at D (allocated-worker involvements open at
    D), as a correlated subquery so a worker queryset stays one row per worker."""
    return Coalesce(
        Subquery(
            Involvement.objects.filter(
                open_at(as_at), worker=OuterRef(worker_ref), role=Involvement.Role.ALLOCATED_WORKER
            )
            .order_by()
            .values("worker")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
        output_field=IntegerField(),
    )
