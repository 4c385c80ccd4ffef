"""Exception lists: the failing rows of every measure that has an `exception_list`, plus the rows
falling due soon, as at a date and inside a scope.

There is no second definition of any list here: a list is `measure.failing(period)` (overdue) or
`measure.due_soon(period, last_due)` (due soon). Each measure contributes one branch per kind to a
single UNION ALL; every branch selects the same columns (the row fields plus the display columns
as correlated look-ups by primary key), so a whole page is one query and the counts another,
whatever the length of the list.

Column names in the union all start with `r_` so they never collide with a measure's own
annotations (`child_id` is an annotation on child rows but a real column on event rows).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from casework import workingdays
from casework.models import Child, Team, Worker
from casework.scope import Scope
from scorecard.measures.base import Measure
from scorecard.measures.cohorts import Category, category_at
from scorecard.measures.registry import all_measures

OVERDUE = "overdue"
DUE_SOON = "due_soon"
KIND_LABELS = {OVERDUE: "Overdue", DUE_SOON: "Due soon"}

# The union's columns, in SELECT order.
COLUMNS = (
    "r_child",
    "r_worker",
    "r_team",
    "r_due",
    "r_basis",
    "r_list",
    "r_kind",
    "r_open_actions",
)
# Sort keys that need a display column inside the union (added only when that sort is asked
# for; otherwise the page's names are read afterwards in a fixed number of queries).
SORT_COLUMNS = {"child": "r_last_name", "worker": "r_worker_name", "team": "r_team_name"}

# Sort keys offered to users, mapped to union columns (ties broken by child then list).
SORTS = {
    "days": "r_days",
    "due": "r_due",
    "child": "r_last_name",
    "list": "r_list",
    "category": "r_category",
    "worker": "r_worker_name",
    "team": "r_team_name",
    "actions": "r_open_actions",
}
DEFAULT_SORT = "-days"


@dataclass
class Counts:
    total: int = 0
    by_list: dict[str, dict[str, int]] = field(default_factory=dict)

    def overdue(self, code: str) -> int:
        return self.by_list.get(code, {}).get(OVERDUE, 0)

    def due_soon(self, code: str) -> int:
        return self.by_list.get(code, {}).get(DUE_SOON, 0)


@dataclass(frozen=True)
class ExceptionList:
    code: str
    label: str
    measure: Measure


def surgery_lists() -> list[ExceptionList]:
    """Every registered measure feeding a surgery list, in registry order. Worker-level measures
    (caseloads) have no child to act on, so they are not worked as child lists."""
    return [
        ExceptionList(m.code, m.exception_list, m)
        for m in all_measures()
        if m.exception_list and m.subject != "worker"
    ]


def lists_by_code() -> dict[str, ExceptionList]:
    return {x.code: x for x in surgery_lists()}


@dataclass(frozen=True)
class RowFilter:
    """What the user asked for. Empty values mean "no filter"."""

    lists: tuple[str, ...] = ()
    kind: str = ""  # OVERDUE, DUE_SOON or "" for both
    worker_id: int | None = None
    category: str = ""
    min_days_overdue: int | None = None
    has_open_action: bool | None = None
    due_soon_wd: int = field(default_factory=lambda: settings.TIMESCALES["due_soon_wd"])
    # Only these children (a row redrawn, an action's child, a surgery's agenda).
    child_ids: tuple[int, ...] | None = None
    # Only the children bound when the statement runs (`CompiledUnion.bind`): the same SQL for
    # any children, so refreshing one child's stored rows reuses the compiled union.
    bound_children: bool = False

    def as_dict(self) -> dict[str, Any]:
        """For the access audit: the filter, never a name."""
        return {
            "lists": list(self.lists),
            "kind": self.kind,
            "worker_id": self.worker_id,
            "category": self.category,
            "min_days_overdue": self.min_days_overdue,
            "has_open_action": self.has_open_action,
            "due_soon_wd": self.due_soon_wd,
        }


@dataclass
class ExceptionRow:
    """One (child, list) row with its display columns."""

    child_id: int
    worker_id: int | None
    team_id: int | None
    due_date: date | None
    basis_date: date | None
    list_code: str
    kind: str
    days_overdue: int | None
    category: str
    open_actions: int
    child_public_id: Any
    first_name: str
    last_name: str
    worker_name: str
    team_name: str
    list_label: str = ""
    rule: str = ""

    @property
    def child_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def category_label(self) -> str:
        return Category.LABELS.get(self.category, self.category)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def key(self) -> str:
        """A stable DOM id for the row (no personal data: internal ids only). An event list may
        hold a child both overdue and due soon, so the kind is part of it."""
        return f"row-{self.child_id}-{self.list_code}-{self.kind}"


class _VisibleChildren:
    """Stands in the compiled SQL's parameters for the ids of the children the user may see;
    `CompiledUnion.bind` puts the ids in its place when the statement runs. The SQL itself is
    then the same for every request of the scope (and cacheable) while the ids are read fresh."""

    def __repr__(self) -> str:
        return "<visible children>"


VISIBLE = _VisibleChildren()


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
            return f"{lhs} = ANY(%s)", (*params, VISIBLE)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, VISIBLE)  # noqa: S608


def _scope_q(scope: Scope, as_at: date) -> Q:
    return scope_q(scope)


def scope_q(scope: Scope) -> Q:
    """Rows inside the user's scope: the row's own team or worker (as the measure's team and
    worker scopes count them) and the child visible to the user at the date (the ids are bound
    when the statement runs: `visible_child_ids`)."""
    if scope.everything:
        return Q()
    rows = Q(pk__in=[])
    if scope.team_ids:
        rows |= Q(team_id__in=sorted(scope.team_ids))
    if scope.worker_ids:
        rows |= Q(worker_id__in=sorted(scope.worker_ids))
    return Q(InVisibleChildren(F("child_id"))) & rows


def visible_child_ids(scope: Scope, as_at: date, using: str = "default") -> list[int]:
    """The children the scope sees at the date (casework.scope's one rule). One query."""
    if scope.everything:
        return []
    return sorted(
        Child.objects.using(using)
        .filter(scope.child_q(as_at))
        .order_by()
        .values_list("pk", flat=True)
    )


def _branch(
    listdef: ExceptionList,
    kind: str,
    *,
    scope: Scope,
    as_at: date,
    filters: RowFilter,
    team_ids: Sequence[int] | None,
    columns: Sequence[str],
) -> QuerySet:
    from surgeries.models import Action

    measure = listdef.measure
    period = measure.default_period(as_at)
    if kind == OVERDUE:
        rows = measure.failing(period)
    else:
        last_due = workingdays.add_working_days(as_at, filters.due_soon_wd)
        rows = measure.due_soon(period, last_due)
    rows = rows.filter(child_id__isnull=False)
    if filters.child_ids is not None:
        rows = rows.filter(child_id__in=list(filters.child_ids))
    if filters.bound_children:
        rows = rows.filter(InVisibleChildren(F("child_id")))
    rows = rows.filter(_scope_q(scope, as_at))
    if team_ids is not None:
        rows = rows.filter(team_id__in=list(team_ids))
    if filters.worker_id is not None:
        rows = rows.filter(worker_id=filters.worker_id)

    child = Child.objects.filter(pk=OuterRef("child_id"))
    open_actions = (
        Action.objects.filter(
            child_id=OuterRef("child_id"), list_code=listdef.code, status=Action.Status.OPEN
        )
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    rows = rows.annotate(
        r_child=F("child_id"),
        r_worker=F("worker_id"),
        r_team=F("team_id"),
        r_due=F("due_date"),
        r_basis=F("basis_date"),
        r_list=Value(listdef.code, output_field=CharField()),
        r_kind=Value(kind, output_field=CharField()),
        # Working days overdue, through the calendar table: number(D) - number(due).
        r_open_actions=Coalesce(Subquery(open_actions, output_field=IntegerField()), 0),
    )
    if measure.subject == "event":
        # One row per (child, list): an event list may hold several events of one child; keep
        # the one due first.
        rows = rows.annotate(
            r_rank=Window(
                RowNumber(),
                partition_by=[F("child_id")],
                order_by=[F("due_date").asc(nulls_last=True), F("pk").asc()],
            )
        ).filter(r_rank=1)
    if filters.category or "r_category" in columns:
        # The category's precedence rule is a large expression: only filter or sort by it in SQL
        # when asked; otherwise the page's categories are read in one query afterwards.
        rows = rows.annotate(
            r_category=Subquery(
                child.annotate(c=category_at(as_at)).values("c")[:1], output_field=CharField()
            )
        )
    if filters.category:
        rows = rows.filter(r_category=filters.category)
    if filters.min_days_overdue is not None:
        # days overdue >= N  <=>  number(due) <= number(D) - N  <=>  due is before the working
        # day numbered number(D) - N + 1 (the same calendar, read once in Python).
        rows = rows.filter(due_date__lt=first_day_numbered(as_at, filters.min_days_overdue))
    if filters.has_open_action is True:
        rows = rows.filter(r_open_actions__gt=0)
    elif filters.has_open_action is False:
        rows = rows.filter(r_open_actions=0)
    if "r_last_name" in columns:
        rows = rows.annotate(
            r_last_name=Subquery(child.values("last_name")[:1], output_field=CharField())
        )
    if "r_worker_name" in columns:
        worker = Worker.objects.filter(pk=OuterRef("worker_id"))
        rows = rows.annotate(
            r_worker_name=Subquery(worker.values("name")[:1], output_field=CharField())
        )
    if "r_team_name" in columns:
        team = Team.objects.filter(pk=OuterRef("team_id"))
        rows = rows.annotate(
            r_team_name=Subquery(team.values("name")[:1], output_field=CharField())
        )
    return rows.order_by().values(*columns)


def _with_sort_column(columns: Sequence[str], sort: str) -> tuple[str, ...]:
    key = sort.lstrip("-")
    extra = "r_category" if key == "category" else SORT_COLUMNS.get(key)
    if extra and "r_child" in columns and extra not in columns:
        return (*columns, extra)
    return tuple(columns)


def exception_rows(
    *,
    scope: Scope,
    as_at: date,
    filters: RowFilter | None = None,
    team_ids: Iterable[int] | None = None,
    columns: Sequence[str] = COLUMNS,
    sort: str = "",
) -> QuerySet | None:
    """The exception rows as ONE union queryset of dicts keyed by `columns` (None when nothing
    can match, e.g. an empty scope). Slice it for a page; `team_ids` narrows to a surgery's teams
    on top of the user's scope."""
    filters = filters or RowFilter()
    if scope.is_empty:
        return None
    columns = _with_sort_column(columns, sort)
    kinds = [filters.kind] if filters.kind in (OVERDUE, DUE_SOON) else [OVERDUE, DUE_SOON]
    teams = sorted(team_ids) if team_ids is not None else None
    branches = [
        _branch(
            listdef,
            kind,
            scope=scope,
            as_at=as_at,
            filters=filters,
            team_ids=teams,
            columns=columns,
        )
        for listdef in surgery_lists()
        if not filters.lists or listdef.code in filters.lists
        for kind in kinds
    ]
    # A measure with no due-soon rows (count lists) gives `.none()`: leave it out of the union.
    branches = [b for b in branches if not b.query.is_empty()]
    if not branches:
        return None
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    # No ORDER BY inside: a model's default ordering names columns the union lacks.
    return union.order_by()


def first_day_numbered(as_at: date, min_days: int) -> date:
    """The working day numbered number(D) - N + 1: due dates before it are N or more working
    days overdue."""
    if min_days <= 0:
        return workingdays.add_working_days(as_at, 1 - min_days)
    return workingdays.subtract_working_days(as_at, min_days - 1)


@dataclass(frozen=True)
class CompiledUnion:
    """The union's SQL, compiled once per request and wrapped by the page and count queries
    (building the measures' querysets costs more than running them)."""

    sql: str
    params: tuple[Any, ...]
    alias: str
    columns: tuple[str, ...] = ()

    @property
    def needs_children(self) -> bool:
        return any(p is VISIBLE for p in self.params)

    def bind(self, child_ids: Sequence[int]) -> CompiledUnion:
        """The same SQL with the visible children's ids in place of `VISIBLE`."""
        if connections[self.alias].vendor == "postgresql":
            value: Any = list(child_ids)
        else:
            value = json.dumps(list(child_ids))
        params = tuple(value if p is VISIBLE else p for p in self.params)
        return replace(self, params=params)


def compile_union(union: QuerySet | CompiledUnion | None) -> CompiledUnion | None:
    if union is None or isinstance(union, CompiledUnion):
        return union
    try:
        sql, params = union.query.get_compiler(using=union.db).as_sql()
    except EmptyResultSet:
        return None
    return CompiledUnion(sql, tuple(params), union.db, tuple(getattr(union, "_fields", ()) or ()))


# Compiled unions by everything that shapes their SQL. Building and compiling the measures'
# querysets costs seconds on a large registry while running them costs far less, and the SQL
# depends on no data (a measure's rows() only builds a query), so paging, sorting and the next
# request reuse it. Entries expire, and the key carries the timescales and the calendar's
# generation, so a settings change or a calendar rebuild gives new SQL.
_CACHE_SECONDS = 600
_CACHE_SIZE = 256
_cache: OrderedDict[tuple, tuple[float, CompiledUnion | None]] = OrderedDict()
_cache_lock = threading.Lock()


def _compiled_sql(
    *,
    scope: Scope,
    as_at: date,
    filters: RowFilter | None = None,
    team_ids: Iterable[int] | None = None,
    columns: Sequence[str] = COLUMNS,
    sort: str = "",
    using: str = "default",
) -> CompiledUnion | None:
    """`exception_rows` compiled to SQL, from the cache when the same union was built lately
    (the visible children still a placeholder: `compiled_rows` binds them)."""
    filters = filters or RowFilter()
    teams = tuple(sorted(team_ids)) if team_ids is not None else None
    key = (
        using,
        as_at,
        scope,
        filters,
        teams,
        _with_sort_column(columns, sort),
        tuple(sorted(settings.TIMESCALES.items())),
        tuple(x.code for x in surgery_lists()),
        # The in-memory calendar is reloaded after a rebuild: a new copy is a new generation.
        id(workingdays._python_calendar()[0]),
    )
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit and hit[0] > now:
            _cache.move_to_end(key)
            return hit[1]
    union = exception_rows(
        scope=scope, as_at=as_at, filters=filters, team_ids=teams, columns=columns, sort=sort
    )
    compiled = compile_union(union.using(using) if union is not None else None)
    with _cache_lock:
        _cache[key] = (now + _CACHE_SECONDS, compiled)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def compiled_rows(
    *,
    scope: Scope,
    as_at: date,
    filters: RowFilter | None = None,
    team_ids: Iterable[int] | None = None,
    columns: Sequence[str] = COLUMNS,
    sort: str = "",
    using: str = "default",
) -> CompiledUnion | None:
    """The exception rows as SQL ready to run, the scope's children read now (one query; None
    when the scope sees no child). From the stored rows when the date's lists have been
    materialised (surgeries/workbench.py: one query to know), else the live union's SQL from
    the cache."""
    from surgeries import workbench

    filters = filters or RowFilter()
    if scope.is_empty:
        return None
    if workbench.answers(workbench.refreshed(as_at, using=using), filters):
        compiled = workbench.stored_rows(
            scope=scope,
            as_at=as_at,
            filters=filters,
            team_ids=sorted(team_ids) if team_ids is not None else None,
            columns=_with_sort_column(columns, sort),
            using=using,
        )
    else:
        compiled = _compiled_sql(
            scope=scope,
            as_at=as_at,
            filters=filters,
            team_ids=team_ids,
            columns=columns,
            sort=sort,
            using=using,
        )
    if compiled is None or not compiled.needs_children:
        return compiled
    ids = visible_child_ids(scope, as_at, using=compiled.alias)
    return compiled.bind(ids) if ids else None


def clear_compiled_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _child_where(qn, child_ids: Iterable[int] | None) -> tuple[str, list[int]]:
    if child_ids is None:
        return "", []
    ids = sorted(set(child_ids))
    if not ids:
        return " WHERE 1 = 0", []
    marks = ", ".join(["%s"] * len(ids))
    return f" WHERE u.{qn('r_child')} IN ({marks})", ids


def _run(compiled: CompiledUnion, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    if compiled.needs_children:
        raise ValueError("The visible children are not bound: use compiled_rows()")
    connection = connections[compiled.alias]
    with transaction.atomic(using=compiled.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The union's estimated cost passes PostgreSQL's JIT threshold, and compiling a plan
            # this size takes minutes while running it takes milliseconds: no JIT for this
            # statement's transaction only.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        raw = cursor.fetchall()
    return [_convert(dict(zip(names, row, strict=True))) for row in raw]


def fetch_rows(
    union: QuerySet | CompiledUnion | None,
    *,
    as_at: date,
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int,
    child_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """One page of the union, sorted, with `r_days`: working days overdue, number(D) minus
    number(due) from the calendar table, joined in SQL.

    The calendar is joined around the union rather than inside each branch: a branch's due date
    is itself a subquery, and a calendar subquery referring to it trips Django's alias relabelling
    of nested subqueries on PostgreSQL."""
    compiled = compile_union(union)
    if compiled is None or limit <= 0:
        return []
    from casework.models import CalendarDay

    qn = connections[compiled.alias].ops.quote_name
    order = _order_by(compiled, sort)
    cal = qn(CalendarDay._meta.db_table)
    # Identifiers are quoted constants and the sort column comes from SORTS, never the request;
    # every value is a parameter.
    days = f"(%s - c.{qn('working_day_number')}) AS {qn('r_days')}"
    where, ids = _child_where(qn, child_ids)
    sql = (
        f"SELECT u.*, {days} "  # noqa: S608
        f"FROM ({compiled.sql}) u LEFT JOIN {cal} c ON c.{qn('date')} = u.{qn('r_due')}{where} "
        f"ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
    )
    params = (
        workingdays.working_day_number(as_at),
        *compiled.params,
        *ids,
        int(limit),
        int(offset),
    )
    return _run(compiled, sql, params)


def _order_by(compiled: CompiledUnion, sort: str) -> list[str]:
    """ORDER BY terms over the union `u` joined to the calendar `c`: the asked-for column (days
    overdue by default), empty values last, ties broken by child, list and kind."""
    qn = connections[compiled.alias].ops.quote_name
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"), SORTS["days"])
    if column != "r_days" and column not in compiled.columns:
        column = "r_days"
    if column == "r_days":
        # More days overdue is a lower working-day number of the due date.
        expr, descending = f"c.{qn('working_day_number')}", not descending
    else:
        expr = f"u.{qn(column)}"
    direction = "DESC" if descending else "ASC"
    order = [f"({expr} IS NULL) ASC", f"{expr} {direction}"]
    ties = ("r_child", "r_list", "r_kind")
    return order + [f"u.{qn(c)} ASC" for c in ties if c != column]


# The display columns a page row carries (read for the page's rows only, in the same statement).
DISPLAY = ("d_public_id", "d_first_name", "d_last_name", "d_category", "d_worker", "d_team")


def fetch_page(
    compiled: CompiledUnion | None,
    *,
    as_at: date,
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int,
) -> tuple[list[dict[str, Any]], Counts]:
    """One page of rows with their display columns AND the counts per list and kind, in ONE
    statement: the union is computed once (a materialised CTE) and read twice, by the sorted
    page (LIMIT/OFFSET over a few thousand rows of one scope, never an event table) and by the
    GROUP BY. The children's names and category, the worker's and the team's names are joined
    to the page's rows only. Page rows come back in order (`r_pos`)."""
    counts = Counts()
    if compiled is None:
        return [], counts
    from casework.models import CalendarDay

    connection = connections[compiled.alias]
    qn = connection.ops.quote_name
    order = ", ".join(_order_by(compiled, sort))
    cal = qn(CalendarDay._meta.db_table)
    child_sql, child_params = (
        Child.objects.using(compiled.alias)
        .annotate(
            d_pk=F("pk"),
            d_public_id=F("public_id"),
            d_first_name=F("first_name"),
            d_last_name=F("last_name"),
            d_category=category_at(as_at),
        )
        .order_by()
        .values("d_pk", "d_public_id", "d_first_name", "d_last_name", "d_category")
        .query.get_compiler(using=compiled.alias)
        .as_sql()
    )
    worker, team = qn(Worker._meta.db_table), qn(Team._meta.db_table)
    columns = [qn(c) for c in compiled.columns]
    page_columns = ", ".join(f"p.{c}" for c in columns)
    count_columns = ", ".join(
        f"u.{c}" if c in (qn("r_list"), qn("r_kind")) else "NULL" for c in columns
    )
    n, days, pos = qn("r_n"), qn("r_days"), qn("r_pos")
    materialized = "MATERIALIZED " if connection.vendor in ("postgresql", "sqlite") else ""
    # Identifiers are quoted constants and the sort column comes from SORTS, never the request;
    # every value is a parameter.
    sql = (
        f"WITH u AS {materialized}({compiled.sql}) "  # noqa: S608
        f"SELECT {page_columns}, p.{days}, p.{pos}, NULL AS {n}, "
        f"ch.{qn('d_public_id')} AS {qn('d_public_id')}, "
        f"ch.{qn('d_first_name')} AS {qn('d_first_name')}, "
        f"ch.{qn('d_last_name')} AS {qn('d_last_name')}, "
        f"ch.{qn('d_category')} AS {qn('d_category')}, "
        f"w.{qn('name')} AS {qn('d_worker')}, t.{qn('name')} AS {qn('d_team')} "
        f"FROM (SELECT u.*, (%s - c.{qn('working_day_number')}) AS {days}, "
        f"ROW_NUMBER() OVER (ORDER BY {order}) AS {pos} "
        f"FROM u LEFT JOIN {cal} c ON c.{qn('date')} = u.{qn('r_due')} "
        f"ORDER BY {order} LIMIT %s OFFSET %s) p "
        f"LEFT JOIN ({child_sql}) ch ON ch.{qn('d_pk')} = p.{qn('r_child')} "
        f"LEFT JOIN {worker} w ON w.{qn('id')} = p.{qn('r_worker')} "
        f"LEFT JOIN {team} t ON t.{qn('id')} = p.{qn('r_team')} "
        f"UNION ALL SELECT {count_columns}, NULL, NULL, COUNT(*), "
        f"NULL, NULL, NULL, NULL, NULL, NULL "
        f"FROM u GROUP BY u.{qn('r_list')}, u.{qn('r_kind')}"
    )
    params = (
        *compiled.params,
        workingdays.working_day_number(as_at),
        max(0, int(limit)),
        max(0, int(offset)),
        *child_params,
    )
    page = []
    for row in _run(compiled, sql, params):
        if row["r_n"] is None:
            page.append(row)
            continue
        per = counts.by_list.setdefault(row["r_list"], {OVERDUE: 0, DUE_SOON: 0})
        per[row["r_kind"]] = row["r_n"]
        counts.total += row["r_n"]
    page.sort(key=lambda row: row["r_pos"])
    return page, counts


def count_rows(
    union: QuerySet | CompiledUnion | None, *, child_ids: Iterable[int] | None = None
) -> Counts:
    """Rows per list and kind, and the total, grouped in SQL around the same union."""
    counts = Counts()
    compiled = compile_union(union)
    if compiled is None:
        return counts
    qn = connections[compiled.alias].ops.quote_name
    where, ids = _child_where(qn, child_ids)
    sql = (
        f"SELECT u.{qn('r_list')}, u.{qn('r_kind')}, COUNT(*) AS n "  # noqa: S608
        f"FROM ({compiled.sql}) u{where} GROUP BY u.{qn('r_list')}, u.{qn('r_kind')}"
    )
    for row in _run(compiled, sql, (*compiled.params, *ids)):
        per = counts.by_list.setdefault(row["r_list"], {OVERDUE: 0, DUE_SOON: 0})
        per[row["r_kind"]] = row["n"]
        counts.total += row["n"]
    return counts


def _convert(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("r_due", "r_basis"):
        value = row.get(key)
        if isinstance(value, str):
            row[key] = date.fromisoformat(value[:10])
    if isinstance(row.get("d_public_id"), str):  # SQLite keeps a UUID as 32 hex digits
        row["d_public_id"] = uuid.UUID(row["d_public_id"])
    return row


def to_rows(values: Iterable[dict[str, Any]], *, as_at: date) -> list[ExceptionRow]:
    """Dicts from the union to rows with the display columns: the children (names, public id,
    category at the date), workers and teams of the page in three queries, whatever its length;
    the list label and the rule in words from the registry."""
    lists = lists_by_code()
    values = list(values)
    if values and all("d_public_id" in v for v in values):
        # `fetch_page` already joined the display columns: no further query.
        return [_row(v, lists, v) for v in values]
    child_ids = {v["r_child"] for v in values}
    children: dict[int, tuple[Any, str, str, str]] = {}
    if child_ids:
        children = {
            pk: (public_id, first, last, category)
            for pk, public_id, first, last, category in Child.objects.filter(pk__in=child_ids)
            .annotate(c=category_at(as_at))
            .order_by()
            .values_list("pk", "public_id", "first_name", "last_name", "c")
        }
    worker_ids = {v["r_worker"] for v in values if v["r_worker"]}
    workers = (
        dict(Worker.objects.filter(pk__in=worker_ids).values_list("pk", "name"))
        if worker_ids
        else {}
    )
    team_ids = {v["r_team"] for v in values if v["r_team"]}
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    rows = []
    for v in values:
        public_id, first, last, category = children.get(v["r_child"], (None, "", "", ""))
        display = {
            "d_public_id": public_id,
            "d_first_name": first,
            "d_last_name": last,
            "d_category": category,
            "d_worker": workers.get(v["r_worker"], ""),
            "d_team": teams.get(v["r_team"], ""),
        }
        rows.append(_row(v, lists, display))
    return rows


def _row(v: dict[str, Any], lists: dict[str, ExceptionList], d: dict[str, Any]) -> ExceptionRow:
    listdef = lists.get(v["r_list"])
    return ExceptionRow(
        child_id=v["r_child"],
        worker_id=v["r_worker"],
        team_id=v["r_team"],
        due_date=v["r_due"],
        basis_date=v["r_basis"],
        list_code=v["r_list"],
        kind=v["r_kind"],
        days_overdue=v["r_days"],
        category=d["d_category"] or "",
        open_actions=v["r_open_actions"] or 0,
        child_public_id=d["d_public_id"],
        first_name=d["d_first_name"] or "",
        last_name=d["d_last_name"] or "",
        worker_name=d["d_worker"] or "",
        team_name=d["d_team"] or "",
        list_label=listdef.label if listdef else v["r_list"],
        rule=listdef.measure.row_rule(v["r_basis"], v["r_due"]) if listdef else "",
    )


def exception_counts(
    *,
    scope: Scope,
    as_at: date,
    filters: RowFilter | None = None,
    team_ids: Iterable[int] | None = None,
) -> Counts:
    """Rows per list and kind, and the total, in one query without display columns."""
    compiled = compiled_rows(
        scope=scope,
        as_at=as_at,
        filters=filters,
        team_ids=team_ids,
        columns=("r_child", "r_list", "r_kind"),
    )
    return count_rows(compiled)


def failing_pairs(*, as_at: date, child_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(child, list) pairs still failing at the date, for the given children: whether an action's
    reason still holds ("No longer overdue" otherwise) and a surgery's impact. One query."""
    ids = tuple(sorted(set(child_ids)))
    if not ids:
        return set()
    compiled = compiled_rows(
        scope=Scope(everything=True),
        as_at=as_at,
        filters=RowFilter(kind=OVERDUE, child_ids=ids),
        columns=("r_child", "r_list"),
    )
    if compiled is None:
        return set()
    return {(r["r_child"], r["r_list"]) for r in _run(compiled, compiled.sql, compiled.params)}


__all__ = [
    "COLUMNS",
    "DEFAULT_SORT",
    "DUE_SOON",
    "OVERDUE",
    "SORTS",
    "Counts",
    "ExceptionList",
    "ExceptionRow",
    "RowFilter",
    "clear_compiled_cache",
    "compiled_rows",
    "count_rows",
    "exception_counts",
    "fetch_page",
    "fetch_rows",
    "exception_rows",
    "failing_pairs",
    "lists_by_code",
    "surgery_lists",
    "to_rows",
]
