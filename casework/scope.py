"""The one scoping function. Every child-level page, list, filter choice, export and drill-down
starts from `children_visible_to(user)`; anything outside it answers 404."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.roles import Role
from casework.models import Child, Team, Worker
from casework.queries import (
    allocated_to_at,
    children_allocated_to_at,
    children_in_teams_at,
    each_allocated_to_at,
    each_in_teams_at,
    in_teams_at,
)
from casework.reporting import reporting_date


@dataclass(frozen=True)
class Scope:
    """What a user may see: all children, some teams' children, one worker's caseload, or none."""

    everything: bool = False
    team_ids: frozenset[int] = frozenset()
    worker_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.team_ids or self.worker_ids)

    def child_q(self, as_at: date, child_ref: str = "pk") -> Q:
        """A filter on a Child queryset (or on another model through `child_ref`)."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        if self.team_ids:
            q |= in_teams_at(as_at, self.team_ids, child_ref)
        if self.worker_ids:
            q |= allocated_to_at(as_at, self.worker_ids, child_ref)
        return q

    def child_ids(self, as_at: date) -> QuerySet:
        """The ids of the children `child_q` selects (not for `everything`): the same sets, read
        from the involvement and referral rows alone. Filtering the child table by them made
        PostgreSQL scan all 144,000 children at tier L to hash-join a head of service's 5,500
        (about half the statement's time); the set is the answer already."""
        if self.everything:
            raise ValueError("An unrestricted scope has no id set: filter nothing instead.")
        if self.team_ids and self.worker_ids:
            # No role has both (`scope_for`); a union of the two unions is beyond Django's SQL.
            return Child.objects.filter(self.child_q(as_at)).order_by().values_list("pk", flat=True)
        if self.team_ids:
            ids = children_in_teams_at(as_at, sorted(self.team_ids))
        elif self.worker_ids:
            ids = children_allocated_to_at(as_at, sorted(self.worker_ids))
        else:
            return Child.objects.none().values_list("pk", flat=True)
        return ids.order_by().values_list("child_id", flat=True)

    def visible_among(self, as_at: date, child_ids: Iterable[int]) -> frozenset[int]:
        """Which of these children the scope sees at the date: `child_q`'s rule checked for
        each of them (`each_in_teams_at`), not by building the scope's whole set. One query;
        for a handful of children (a surgery's agenda), where the set would cost far more."""
        ids = sorted(set(child_ids))
        if self.everything:
            return frozenset(Child.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if not ids or self.is_empty:
            return frozenset()
        q = Q(pk__in=[])
        if self.team_ids:
            q |= each_in_teams_at(as_at, sorted(self.team_ids))
        if self.worker_ids:
            q |= each_allocated_to_at(as_at, sorted(self.worker_ids))
        return frozenset(
            Child.objects.filter(pk__in=ids).filter(q).order_by().values_list("pk", flat=True)
        )

    def team_or_worker_q(self) -> Q:
        """On rows carrying team_id and worker_id (a measure's rows, the exception lists): the
        rows of the scope's teams or workers, as the measures' team and worker scopes count
        them."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        if self.team_ids:
            q |= Q(team_id__in=sorted(self.team_ids))
        if self.worker_ids:
            q |= Q(worker_id__in=sorted(self.worker_ids))
        return q

    def rows_q(self, as_at: date, *, has_child: bool = True) -> Q:
        """On a measure's rows: the ones this user may see. A row naming a child is visible
        when the child is (`child_q`, the one rule); a row without one (a worker, an event with
        no child) when its team or worker is in the scope. `has_child=False` for worker rows."""
        if self.everything:
            return Q()
        if not has_child:
            return self.team_or_worker_q()
        return self.child_q(as_at, child_ref="child_id") | (
            Q(child_id__isnull=True) & self.team_or_worker_q()
        )


def scope_for(user) -> Scope:
    """Map a user to their scope from role and place in the structure. Kept on the user object
    for what it was computed from: a page asks several times (its lists, actions, filters), and
    a head of service's teams are a query each time."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    worker_ = getattr(user, "worker", None)
    key = (
        user.role,
        user.service_area_id,
        getattr(worker_, "pk", None),
        getattr(worker_, "team_id", None),
    )
    memo = getattr(user, "_scope_memo", None)
    if memo is not None and memo[0] == key:
        return memo[1]
    scope = _scope_for(user)
    user._scope_memo = (key, scope)
    return scope


def _scope_for(user) -> Scope:
    role = user.role
    if role in (Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER):
        return Scope(everything=True)
    worker: Worker | None = getattr(user, "worker", None)
    if role == Role.HEAD_OF_SERVICE:
        area_id = user.service_area_id or (worker.team.service_area_id if worker else None)
        if area_id is None:
            return Scope()
        ids = Team.objects.filter(service_area_id=area_id).values_list("pk", flat=True)
        return Scope(team_ids=frozenset(ids))
    if role == Role.TEAM_MANAGER and worker is not None:
        return Scope(team_ids=frozenset({worker.team_id}))
    if role == Role.SOCIAL_WORKER and worker is not None:
        return Scope(worker_ids=frozenset({worker.pk}))
    # Senior leaders see aggregates only; users without a role see nothing.
    return Scope()


def children_visible_to(user, *, as_at: date | None = None) -> QuerySet[Child]:
    """The children this user may see, from allocations at the reporting date."""
    scope = scope_for(user)
    if scope.is_empty:
        return Child.objects.none()
    as_at = as_at or reporting_date()
    return Child.objects.filter(scope.child_q(as_at))


def get_visible_child_or_404(user, public_id) -> Child:
    try:
        return children_visible_to(user).get(public_id=public_id)
    except (Child.DoesNotExist, ValueError, TypeError):
        raise Http404("No such child") from None
