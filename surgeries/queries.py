"""Reads for surgeries. Every function starts from the user's scope (`casework.scope.scope_for`):
a row outside it is never returned, and a single object outside it is a 404."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.roles import Role
from casework.models import Child, Team, Worker
from casework.queries import in_teams_at, open_at
from casework.scope import scope_for
from common.paginators import CountedPaginator
from surgeries import lists as ex
from surgeries.models import Action, AgendaItem, BarrierCode, Surgery

# --- scope helpers ------------------------------------------------------------------------------


def workers_in_scope(*, user, as_at: date | None = None) -> QuerySet[Worker]:
    """Workers the user may filter by or give an action to: those of the teams in their scope
    (all workers for council-wide roles, themselves for a social worker); with `as_at`, only
    those in post at that date (started on or before it, not left by it)."""
    scope = scope_for(user)
    workers = Worker.objects.select_related("team").order_by("name")
    if as_at is not None:
        workers = workers.filter(open_at(as_at))
    if scope.everything:
        return workers
    q = Q(pk__in=[])
    if scope.team_ids:
        q |= Q(team_id__in=sorted(scope.team_ids))
    if scope.worker_ids:
        q |= Q(pk__in=sorted(scope.worker_ids))
    return workers.filter(q)


def teams_in_scope(*, user) -> QuerySet[Team]:
    scope = scope_for(user)
    if scope.everything:
        return Team.objects.all()
    return Team.objects.filter(pk__in=sorted(scope.team_ids))


def get_visible_child_or_404(*, user, public_id: Any, as_at: date) -> Child:
    scope = scope_for(user)
    if scope.is_empty:
        raise Http404("No such child")
    try:
        return Child.objects.filter(scope.child_q(as_at)).get(public_id=public_id)
    except (Child.DoesNotExist, ValueError, TypeError):
        raise Http404("No such child") from None


# --- workbench ----------------------------------------------------------------------------------


@dataclass
class WorkbenchPage:
    rows: list[ex.ExceptionRow]
    counts: ex.Counts
    number: int
    per_page: int
    # The lists with rows in the scope whatever the filters (the list filter's choices).
    lists_with_rows: frozenset[str] = frozenset()

    @property
    def has_next(self) -> bool:
        return self.number * self.per_page < self.counts.total

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.counts.total // self.per_page))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)

    def as_page(self) -> Page:
        """This page as a Django Page, for the one pagination tag."""
        return CountedPaginator(self.rows, self.per_page, count=self.counts.total).page_of(
            self.number
        )


def workbench(
    *,
    user,
    as_at: date,
    filters: ex.RowFilter,
    sort: str = ex.DEFAULT_SORT,
    page: int = 1,
    per_page: int = 50,
) -> WorkbenchPage:
    """The user's children needing action across every list: the scope's children (one query),
    the page with its display columns and the counts per list (one statement, paged in SQL),
    and the lists with rows in the scope unfiltered (one statement), whatever the length."""
    scope = scope_for(user)
    if scope.is_empty:
        return WorkbenchPage([], ex.Counts(), 1, per_page)
    visible = ex.visible_child_ids(scope, as_at)
    union = ex.compiled_rows(
        scope=scope, as_at=as_at, filters=filters, sort=sort, visible_ids=visible
    )
    number = max(1, page)
    values, counts = ex.fetch_page(
        union, as_at=as_at, sort=sort, offset=(number - 1) * per_page, limit=per_page
    )
    last_page = max(1, -(-counts.total // per_page))
    if number > last_page:
        # Past the end (the list shrank since the link was made): the last page, read again.
        number = last_page
        values, counts = ex.fetch_page(
            union, as_at=as_at, sort=sort, offset=(number - 1) * per_page, limit=per_page
        )
    everything = ex.RowFilter(due_soon_wd=filters.due_soon_wd)
    in_scope = (
        counts
        if everything == filters
        else ex.count_rows(
            ex.compiled_rows(
                scope=scope,
                as_at=as_at,
                filters=everything,
                columns=("r_child", "r_list", "r_kind"),
                visible_ids=visible,
            )
        )
    )
    return WorkbenchPage(
        ex.to_rows(values, as_at=as_at),
        counts,
        number,
        per_page,
        frozenset(code for code, n in in_scope.by_list.items() if any(n.values())),
    )


def workbench_export(
    *, user, as_at: date, filters: ex.RowFilter, sort: str = ex.DEFAULT_SORT, limit: int = 100_000
) -> list[ex.ExceptionRow]:
    scope = scope_for(user)
    union = ex.compiled_rows(scope=scope, as_at=as_at, filters=filters, sort=sort)
    return ex.to_rows(ex.fetch_rows(union, as_at=as_at, sort=sort, limit=limit), as_at=as_at)


def exception_row(
    *, user, as_at: date, child_id: int, list_code: str, kind: str = ""
) -> ex.ExceptionRow | None:
    """One (child, list, kind) row as the workbench shows it, for redrawing a row after an
    action. Without a kind (an older form), the first of the child's rows on the list."""
    scope = scope_for(user)
    if kind not in (ex.OVERDUE, ex.DUE_SOON):
        kind = ""
    filters = ex.RowFilter(lists=(list_code,), kind=kind, child_ids=(child_id,))
    union = ex.compiled_rows(scope=scope, as_at=as_at, filters=filters)
    values = ex.fetch_rows(union, as_at=as_at, limit=2)
    rows = ex.to_rows(values, as_at=as_at)
    return rows[0] if rows else None


# --- actions ------------------------------------------------------------------------------------


def actions_visible_to(*, user, as_at: date, owned: bool = True) -> QuerySet[Action]:
    """Actions on children in the user's scope at `as_at`, and (`owned`) the actions they own
    on their own team's children (DESIGN.md section 1: social workers see the actions owned by
    them, even for a colleague's child). An action on a child who has since left the owner's
    team is no longer theirs to see: the child's new team holds it. A surgery's pages pass
    `owned=False`: a meeting shows only the children of the user's scope."""
    scope = scope_for(user)
    worker = getattr(user, "worker", None)
    if scope.is_empty:
        return Action.objects.none()
    visible = scope.child_q(as_at, "child")
    if owned and worker is not None and not scope.everything:
        visible |= Q(owner=worker) & in_teams_at(as_at, [worker.team_id], "child")
    return (
        Action.objects.filter(visible)
        .select_related("child", "owner", "owner__team", "barrier", "surgery")
        .order_by("due_date", "pk")
    )


def my_actions(*, user, as_at: date) -> QuerySet[Action]:
    worker = getattr(user, "worker", None)
    if worker is None:
        return Action.objects.none()
    return actions_visible_to(user=user, as_at=as_at).filter(owner=worker)


def team_actions(*, user, as_at: date) -> QuerySet[Action]:
    """A team manager's team (a head of service's service area): actions owned in those teams."""
    scope = scope_for(user)
    actions = actions_visible_to(user=user, as_at=as_at)
    if scope.everything:
        return actions
    return actions.filter(owner__team_id__in=sorted(scope.team_ids))


def overdue_actions(*, user, as_at: date) -> QuerySet[Action]:
    return actions_visible_to(user=user, as_at=as_at).filter(
        status=Action.Status.OPEN, due_date__lt=as_at
    )


def get_action_or_404(*, user, public_id: Any, as_at: date) -> Action:
    try:
        return actions_visible_to(user=user, as_at=as_at).get(public_id=public_id)
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404("No such action") from None


def mark_no_longer_overdue(actions: list[Action], *, as_at: date) -> list[Action]:
    """Set `still_on_list` on each action: its child is still failing the list it was raised for.
    One query for the whole page (the children's failing rows), never one per action."""
    pairs = ex.failing_pairs(as_at=as_at, child_ids=[a.child_id for a in actions])
    for action in actions:
        action.still_on_list = (action.child_id, action.list_code) in pairs  # type: ignore[attr-defined]
    return actions


def barrier_codes() -> QuerySet[BarrierCode]:
    return BarrierCode.objects.filter(active=True)


# --- surgeries ----------------------------------------------------------------------------------

CHAIR_ROLES = {Role.HEAD_OF_SERVICE, Role.TEAM_MANAGER}


def can_chair(user) -> bool:
    return user.role in CHAIR_ROLES and not scope_for(user).is_empty


def surgeries_visible_to(*, user) -> QuerySet[Surgery]:
    """Surgeries whose every team is inside the user's scope."""
    scope = scope_for(user)
    surgeries = Surgery.objects.select_related("chair", "service_area")
    if scope.everything:
        return surgeries
    if not scope.team_ids:
        return Surgery.objects.none()
    outside = Team.objects.exclude(pk__in=sorted(scope.team_ids))
    return surgeries.exclude(teams__in=outside).filter(teams__isnull=False).distinct()


def get_surgery_or_404(*, user, public_id: Any) -> Surgery:
    try:
        return surgeries_visible_to(user=user).get(public_id=public_id)
    except (Surgery.DoesNotExist, ValueError, TypeError):
        raise Http404("No such surgery") from None


def surgery_team_ids(surgery: Surgery) -> list[int]:
    return sorted(surgery.teams.values_list("pk", flat=True))


def surgery_team_names(surgery: Surgery) -> dict[int, str]:
    """The surgery's teams by id, with their names (its lists hold rows of these teams only)."""
    return dict(surgery.teams.order_by().values_list("pk", "name"))


AGENDA_LIMIT = 5000


def previous_surgery(surgery: Surgery) -> Surgery | None:
    return (
        Surgery.objects.filter(scope_key=surgery.scope_key, date__lt=surgery.date)
        .order_by("-date", "-pk")
        .first()
    )


def visible_children(
    *, user, as_at: date, among: Iterable[int] | None = None
) -> frozenset[int] | None:
    """The ids of the children the user may see at `as_at` (None: every child); with `among`,
    only which of those children (checked child by child: `Scope.visible_among`). A surgery's
    page reads it once and filters its lists, actions, discussions and frozen rows by it: each
    scope filter in SQL re-reads the scope's allocations (a third of a second each for a
    service area on SQLite at demo size)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    if scope.is_empty:
        return frozenset()
    if among is not None:
        return scope.visible_among(as_at, among)
    return frozenset(ex.visible_child_ids(scope, as_at))


Visible = frozenset[int] | None
UNREAD: Any = object()  # `visible` not read yet by the caller


def only_visible(items: list[Any], visible: frozenset[int] | None) -> list[Any]:
    """The rows (anything with a `child_id`) of children in `visible` (None: all)."""
    if visible is None:
        return items
    return [i for i in items if i.child_id in visible]


def carried_forward_actions(
    *, user, surgery: Surgery, as_at: date, visible: Visible = UNREAD
) -> list[Action]:
    """Open actions raised in earlier surgeries of the same scope: whatever the previous surgery
    carried and did not finish comes forward again. Children of the user's scope today."""
    actions = list(
        Action.objects.filter(
            status=Action.Status.OPEN,
            surgery__scope_key=surgery.scope_key,
            surgery__date__lt=surgery.date,
        )
        .select_related("child", "owner", "owner__team", "barrier", "surgery")
        .order_by("due_date", "pk")
    )
    if visible is UNREAD:
        visible = visible_children(user=user, as_at=as_at)
    return only_visible(actions, visible)


def live_agenda_rows(
    *, user, surgery: Surgery, team_ids: list[int], as_at: date, visible: Visible = UNREAD
) -> list[ex.ExceptionRow]:
    """The exception lists of the surgery's teams and lists as at the meeting date, of the
    children inside the user's scope today (`as_at`): a child who has left the user's teams
    since the meeting date is not shown, whatever the date. One query."""
    values = live_agenda_values(
        user=user, surgery=surgery, team_ids=team_ids, as_at=as_at, visible=visible
    )
    return ex.to_rows(values, as_at=surgery.date)


# The agenda's rows without the open-actions count: a meeting shows each child's actions
# themselves (read for its children only), not a count per row of every child on the lists.
AGENDA_COLUMNS = tuple(c for c in ex.COLUMNS if c != "r_open_actions")


def live_agenda_values(
    *,
    user,
    surgery: Surgery,
    team_ids: list[int],
    as_at: date,
    visible: Visible = UNREAD,
    columns: tuple[str, ...] = ex.COLUMNS,
) -> list[dict[str, Any]]:
    """`live_agenda_rows` as the union's plain values (`r_child`, `r_list`, `r_days`...),
    most working days overdue first, before any display column is read: a page that shows
    a few children of a long list turns only theirs into rows (`lists.to_rows`). One query."""
    scope = scope_for(user)
    if visible is UNREAD:
        visible = visible_children(user=user, as_at=as_at)
    filters = ex.RowFilter(lists=tuple(surgery.lists))
    union = ex.compiled_rows(
        scope=scope,
        as_at=surgery.date,
        filters=filters,
        team_ids=team_ids,
        columns=columns,
        visible_ids=_bound(visible),
    )
    return ex.fetch_rows(union, as_at=surgery.date, sort="-days", limit=AGENDA_LIMIT)


def _bound(visible: frozenset[int] | None) -> list[int] | None:
    return sorted(visible) if visible is not None else None


def surgery_child(
    *, user, surgery: Surgery, public_id: Any, as_at: date
) -> tuple[Child, list[Any], Visible]:
    """A child on the surgery's agenda and inside the user's scope today (`as_at`), else 404;
    its agenda rows (as at the meeting date); and which of the agenda's children (and this
    one) the user may see, for the agenda's position and neighbours: checked for those
    children alone, not by reading the whole scope."""
    try:
        child = Child.objects.get(public_id=public_id)
    except (Child.DoesNotExist, ValueError, TypeError):
        raise Http404("No such child") from None
    if scope_for(user).is_empty:
        raise Http404("No such child")
    visible = visible_children(user=user, as_at=as_at, among=[*surgery.agenda_children, child.pk])
    if visible is not None and child.pk not in visible:
        raise Http404("No such child")
    if surgery.is_closed:
        rows: list[Any] = list(
            AgendaItem.objects.filter(surgery=surgery, child=child).select_related(
                "worker", "team", "barrier"
            )
        )
    else:
        scope = scope_for(user)
        filters = ex.RowFilter(lists=tuple(surgery.lists), child_ids=(child.pk,))
        union = ex.compiled_rows(
            scope=scope,
            as_at=surgery.date,
            filters=filters,
            team_ids=surgery_team_ids(surgery),
            visible_ids=_bound(visible),
        )
        values = ex.fetch_rows(union, as_at=surgery.date, limit=100)
        rows = ex.to_rows(values, as_at=surgery.date)
        if not rows and child.pk not in set(surgery.agenda_children) | {
            a.child_id
            for a in carried_forward_actions(
                user=user, surgery=surgery, as_at=as_at, visible=visible
            )
        }:
            raise Http404("This child is not on the surgery's agenda")
    return child, rows, visible


# --- barrier report -----------------------------------------------------------------------------


def barrier_rollup(*, user, as_at: date) -> list[dict[str, Any]]:
    """Actions with a barrier code, counted by team (the owner's), financial quarter (of the day
    the action was raised) and barrier. One grouped query."""
    from scorecard.periods import Quarter

    rows = (
        actions_visible_to(user=user, as_at=as_at)
        .filter(barrier__isnull=False)
        .order_by()
        .values("owner__team__name", "barrier__label", "barrier__position", "raised_on")
        .annotate(n=Count("pk"))
    )
    totals: dict[tuple[str, Any, int, str], int] = {}
    for row in rows:
        quarter = Quarter.containing(row["raised_on"])
        key = (row["owner__team__name"], quarter, row["barrier__position"], row["barrier__label"])
        totals[key] = totals.get(key, 0) + row["n"]
    return [
        {"team": team, "quarter": quarter, "barrier": label, "count": n}
        for (team, quarter, _pos, label), n in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])
        )
    ]
