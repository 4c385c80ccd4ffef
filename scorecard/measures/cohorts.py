"""Cohorts shared by the measures: who is open at D and in which category. Written once here."""

from datetime import date

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When

from casework.models import CareEpisode, CareLeaver, Child, CPPlan, Referral
from casework.queries import allocated_worker_at, open_at, team_at


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
    any_episode = Q(
        Exists(CareEpisode.objects.filter(open_at(as_at), child=OuterRef(child_ref)))
    )
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
    return open_children(as_at).filter(category=category)
