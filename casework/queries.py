"""Reads of the case record. Set-based building blocks shared by the scope function, the
measures and the lists: every "open at D" and "team at D" rule is written once, here."""

import re
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from casework.models import Child, Involvement, Referral

# An as-at date, or an expression for "the date of this row" (OuterRef("date"), F(...)) when an
# event measure takes the team at the event's date.
AsAt = date | Combinable


def open_at(as_at: AsAt, start: str = "start_date", end: str = "end_date") -> Q:
    """Open at D: start ≤ D and (end is empty or end > D) (DESIGN.md section 4)."""
    return Q(**{f"{start}__lte": as_at}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": as_at})
    )


def allocations_open_at(as_at: AsAt, child_ref: str = "pk") -> QuerySet[Involvement]:
    """The child's allocated-worker involvements open at D (at most one, by constraint)."""
    return Involvement.objects.filter(
        open_at(as_at), child=OuterRef(child_ref), role=Involvement.Role.ALLOCATED_WORKER
    )


def referrals_open_at(as_at: AsAt, child_ref: str = "pk") -> QuerySet[Referral]:
    return Referral.objects.filter(
        open_at(as_at, "referral_date", "closure_date"), child=OuterRef(child_ref)
    )


def allocated_worker_at(as_at: AsAt, child_ref: str = "pk") -> Subquery:
    return Subquery(allocations_open_at(as_at, child_ref).values("worker_id")[:1])


def team_at(as_at: AsAt, child_ref: str = "pk") -> Coalesce:
    """The team a child belongs to at D: the allocated worker's team, else the open referral's
    responsible team (DESIGN.md section 6, Scopes). Use as an annotation for display."""
    return Coalesce(
        Subquery(allocations_open_at(as_at, child_ref).values("team_id")[:1]),
        Subquery(
            referrals_open_at(as_at, child_ref).order_by("-referral_date").values("team_id")[:1]
        ),
    )


def in_teams_at(as_at: AsAt, team_ids: Iterable[int], child_ref: str = "pk") -> Q:
    """Filter for children belonging at D to one of the teams: allocated at D to a worker in
    them, or with no allocation at D and an open referral to one of them.

    Written as ONE uncorrelated `IN (SELECT child_id ... UNION SELECT child_id ...)` set rather
    than per-child EXISTS: both SQLite and PostgreSQL build the set once, where a correlated OR of
    EXISTS made SQLite probe every child (minutes at 48,000 children). One set, not an OR of two:
    PostgreSQL cannot turn an OR of IN sets into a join, so it scanned every child against two
    hashed sets (241 ms for demo-manager at tier L, EXPLAIN ANALYZE); the union is a semi-join
    from the team's rows by primary key (3.6 ms). "Not allocated at D" is a NOT EXISTS per
    referral of the teams (by the involvement child index), not a NOT IN over every open
    allocation of the council."""
    return Q(**{f"{child_ref}__in": children_in_teams_at(as_at, team_ids)})


def children_in_teams_at(as_at: AsAt, team_ids: Iterable[int]) -> QuerySet:
    """The ids (`child_id`) of the children belonging at D to one of the teams, as
    `in_teams_at` defines them: the set itself, read from the involvement and referral rows.
    The child table adds nothing to it (every row names an existing child), so a caller that
    needs only the ids reads them from here rather than filtering the children by it."""
    team_ids = list(team_ids)
    allocations = Involvement.objects.filter(open_at(as_at), role=Involvement.Role.ALLOCATED_WORKER)
    allocated_here = allocations.filter(team_id__in=team_ids).order_by().values("child_id")
    referred_here = (
        Referral.objects.filter(
            open_at(as_at, "referral_date", "closure_date"), team_id__in=team_ids
        )
        .exclude(Exists(allocations.filter(child_id=OuterRef("child_id"))))
        .order_by()
        .values("child_id")
    )
    return allocated_here.union(referred_here)


def each_in_teams_at(as_at: AsAt, team_ids: Iterable[int], child_ref: str = "pk") -> Q:
    """`in_teams_at`'s rule tested child by child: allocated at D to a worker in the teams, or
    not allocated at D and with an open referral to one of them, as correlated EXISTS on the
    (child, ...) indexes. For a few given children only (a surgery's agenda): there PostgreSQL
    probes three indexes per child (under a millisecond for 40 children at tier L) where the
    team's whole set takes 20-50 ms; over many children `in_teams_at`'s one set is the faster."""
    team_ids = list(team_ids)
    allocations = Involvement.objects.filter(
        open_at(as_at), role=Involvement.Role.ALLOCATED_WORKER, child_id=OuterRef(child_ref)
    )
    referrals = Referral.objects.filter(
        open_at(as_at, "referral_date", "closure_date"),
        team_id__in=team_ids,
        child_id=OuterRef(child_ref),
    )
    return Q(Exists(allocations.filter(team_id__in=team_ids))) | (
        ~Q(Exists(allocations)) & Q(Exists(referrals))
    )


def each_allocated_to_at(as_at: AsAt, worker_ids: Iterable[int], child_ref: str = "pk") -> Q:
    """`allocated_to_at`'s rule child by child (see `each_in_teams_at`)."""
    return Q(
        Exists(
            Involvement.objects.filter(
                open_at(as_at),
                role=Involvement.Role.ALLOCATED_WORKER,
                worker_id__in=list(worker_ids),
                child_id=OuterRef(child_ref),
            )
        )
    )


def allocated_to_at(as_at: AsAt, worker_ids: Iterable[int], child_ref: str = "pk") -> Q:
    return Q(**{f"{child_ref}__in": children_allocated_to_at(as_at, worker_ids)})


def children_allocated_to_at(as_at: AsAt, worker_ids: Iterable[int]) -> QuerySet:
    """The ids (`child_id`) of the children allocated at D to one of the workers."""
    allocated = Involvement.objects.filter(
        open_at(as_at), role=Involvement.Role.ALLOCATED_WORKER, worker_id__in=list(worker_ids)
    )
    return allocated.order_by().values("child_id")


SEARCH_LIMIT = 50


def parse_date_of_birth(text: str) -> date | None:
    """A date typed as people type dates of birth: 3/4/2010, 3 4 2010, 3-4-2010, 2010-04-03 or
    3 April 2010 (day first, as in England). None if the text is not a date."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned):
        year, month, day = (int(p) for p in cleaned.split("-"))
    elif match := re.fullmatch(r"(\d{1,2})[/. -](\d{1,2})[/. -](\d{4})", cleaned):
        day, month, year = (int(p) for p in match.groups())
    else:
        for fmt in ("%d %B %Y", "%d %b %Y"):
            try:
                return datetime.strptime(cleaned, fmt).date()
            except ValueError:
                continue
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def children_matching(children: QuerySet[Child], *, text: str) -> QuerySet[Child]:
    """Children among `children` (the user's scope, casework.scope.children_visible_to) whose
    date of birth, LA child ID or name matches what was typed: a date matches the date of birth;
    otherwise the LA child ID exactly, or every word the start of the first or last name
    ("sam jo" finds Sam Jones and Josie Samuels). At most SEARCH_LIMIT, by name."""
    born = parse_date_of_birth(text)
    if born is not None:
        matches = children.filter(date_of_birth=born)
    else:
        name = Q()
        for word in text.split():
            name &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
        matches = children.filter(Q(la_child_id__iexact=text.strip()) | name)
    return matches.order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT]
