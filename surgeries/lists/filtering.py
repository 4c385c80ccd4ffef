"""The one row filter and the one open-actions count, used by the live lists (each measure's
rows) and the stored lists (`ExceptionEntry`) alike, so a filter can never mean one thing on the
workbench and another on a date computed live.

Both kinds of row carry the same fields (`child_id`, `worker_id`, `team_id`, `due_date`) before
the union's `r_` columns are added; the list's code is a constant on a live branch and a column on
a stored row, so the open-actions count takes either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Expression,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from casework.models import Child, Team, Worker
from casework.scope import Scope
from surgeries.lists.definitions import RowFilter, first_day_numbered
from surgeries.models import Action


class _VisibleChildren:
    """Stands in the compiled SQL's parameters for the ids of the children the user may see;
    `CompiledUnion.bind` puts the ids in its place when the statement runs. The SQL itself is
    then the same for every request of the scope (and cacheable) while the ids are read fresh."""

    def __repr__(self) -> str:
        return "<visible children>"


VISIBLE = _VisibleChildren()


def id_array(ids: Iterable[int]) -> str:
    """Ids as ONE PostgreSQL array literal (`{1,2,3}`), for a `%s::bigint[]` parameter. Bound as
    a Python list, psycopg adapts and quotes element by element: 10-15 ms for a head of
    service's 5,500 visible children, on every statement that binds them; the literal is
    joined in about 1 ms and PostgreSQL parses it as fast."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


class InVisibleChildren(Func):
    """`child_id` is one of the visible children, as ONE parameter: `= ANY(array)` on
    PostgreSQL, `IN (SELECT value FROM json_each(json))` on SQLite. Measured on a team
    manager's workbench (EXPLAIN ANALYZE, docs/performance.md): with the scope as an IN
    subquery the planner computed each measure for every child of the council and joined the
    team's children afterwards; with the ids as a constant array each measure's scan starts
    from the child (or event) index for those ids only."""

    conditional = True
    output_field = BooleanField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        # The left side is a compiled column; the ids are a parameter.
        lhs, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*params, VISIBLE)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, VISIBLE)  # noqa: S608


class InChildIds(Func):
    """`child_id` is one of the given ids, bound as ONE parameter (`= ANY(array)` on PostgreSQL,
    `IN (SELECT value FROM json_each(json))` on SQLite) rather than one per id: building and
    compiling `child_id__in` over the 800 children of a closed surgery's lists (its impact)
    took 30 ms of Python, binding the array well under one."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression: Any, ids: Sequence[int]) -> None:
        super().__init__(expression)
        self.ids = [int(i) for i in ids]

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        lhs, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*params, id_array(self.ids))
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, json.dumps(self.ids))  # noqa: S608


class InVisibleChildrenSet(InVisibleChildren):
    """`InVisibleChildren` for the stored rows: on PostgreSQL `IN (SELECT unnest(array))`, a
    hashed semi-join. The stored rows of a date are read by their date and lists, and each row
    then tests its child against the ids. With `= ANY` the planner probed the (date, child)
    index once per id instead (a head of service's 5,500 ids at tier L: 49 ms of the agenda's
    statement, and 13 ms to plan the literal); the hashed set is built once (2 ms) and the scan
    and join take about 10 ms (EXPLAIN ANALYZE, docs/performance.md)."""

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        if connection.vendor != "postgresql":
            return super().as_sql(compiler, connection)
        lhs, params = compiler.compile(self.source_expressions[0])
        return f"{lhs} IN (SELECT unnest(%s::bigint[]))", (*params, VISIBLE)


def scope_q(scope: Scope, *, as_set: bool = False) -> Q:
    """Rows inside the user's scope: the row's own team or worker (as the measure's team and
    worker scopes count them) and the child visible to the user at the date (the ids are bound
    when the statement runs: `visible_child_ids`). `as_set` for the stored rows
    (`InVisibleChildrenSet`)."""
    if scope.everything:
        return Q()
    # A list row always names a child, so Scope.rows_q's rule is the child's visibility, here
    # bound as ids; the list itself is the rows of the scope's teams and workers.
    visible = (InVisibleChildrenSet if as_set else InVisibleChildren)(F("child_id"))
    return Q(visible) & scope.team_or_worker_q()


def visible_child_ids(scope: Scope, as_at: date, using: str = "default") -> list[int]:
    """The children the scope sees at the date (casework.scope's one rule). One query, the
    ids read from the allocations and referrals without the child table (`Scope.child_ids`)."""
    if scope.everything:
        return []
    return sorted(scope.child_ids(as_at).using(using))


def open_actions(list_code: str | Expression | OuterRef) -> Coalesce:
    """The child's open actions on the list: a correlated count, 0 when there is none. Live
    (actions change all day), for stored rows too."""
    count = (
        Action.objects.filter(
            child_id=OuterRef("child_id"), list_code=list_code, status=Action.Status.OPEN
        )
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def row_columns(list_code: Combinable, kind: Combinable, open_list: str | OuterRef) -> dict:
    """The union's `r_` columns from a row's own fields; the list and kind are constants on a
    live branch and columns on a stored row."""
    return {
        "r_child": F("child_id"),
        "r_worker": F("worker_id"),
        "r_team": F("team_id"),
        "r_due": F("due_date"),
        "r_basis": F("basis_date"),
        "r_list": list_code,
        "r_kind": kind,
        "r_open_actions": open_actions(open_list),
    }


def filter_rows(
    rows: QuerySet,
    filters: RowFilter,
    *,
    scope: Scope,
    as_at: date,
    team_ids: Sequence[int] | None,
    stored: bool = False,
) -> QuerySet:
    """The rows the user asked for, inside the scope: the children named or bound, the scope's
    teams and workers, a surgery's teams, the worker, and N or more working days overdue.
    Category and open actions are annotations (`r_category`, `r_open_actions`): see
    `filter_annotated`. `stored`: the rows are `ExceptionEntry` rows (the visible children as a
    hashed set: `InVisibleChildrenSet`)."""
    if filters.child_ids is not None:
        ids = list(filters.child_ids)
        rows = rows.filter(InChildIds(F("child_id"), ids)) if ids else rows.none()
    if filters.bound_children:
        rows = rows.filter(InVisibleChildren(F("child_id")))
    if not scope.everything:
        rows = rows.filter(scope_q(scope, as_set=stored))
    if team_ids is not None:
        rows = rows.filter(team_id__in=list(team_ids))
    if filters.worker_id is not None:
        rows = rows.filter(worker_id=filters.worker_id)
    if filters.min_days_overdue is not None:
        # days overdue >= N  <=>  number(due) <= number(D) - N  <=>  due is before the working
        # day numbered number(D) - N + 1 (the same calendar, read once in Python).
        rows = rows.filter(due_date__lt=first_day_numbered(as_at, filters.min_days_overdue))
    return rows


def filter_annotated(rows: QuerySet, filters: RowFilter) -> QuerySet:
    """The filters on the `r_category` and `r_open_actions` annotations."""
    if filters.category:
        rows = rows.filter(r_category=filters.category)
    if filters.has_open_action is True:
        rows = rows.filter(r_open_actions__gt=0)
    elif filters.has_open_action is False:
        rows = rows.filter(r_open_actions=0)
    return rows


def with_names(rows: QuerySet, columns: Sequence[str]) -> QuerySet:
    """The child's last name, the worker's and the team's names, for the columns that ask for
    them (a sort by name)."""
    names: dict[str, Any] = {
        "r_last_name": Subquery(
            Child.objects.filter(pk=OuterRef("child_id")).values("last_name")[:1],
            output_field=CharField(),
        ),
        "r_worker_name": Subquery(
            Worker.objects.filter(pk=OuterRef("worker_id")).values("name")[:1],
            output_field=CharField(),
        ),
        "r_team_name": Subquery(
            Team.objects.filter(pk=OuterRef("team_id")).values("name")[:1],
            output_field=CharField(),
        ),
    }
    extra = {name: expr for name, expr in names.items() if name in columns}
    return rows.annotate(**extra) if extra else rows
