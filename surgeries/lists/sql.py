"""The one module that runs SQL of its own for the exception lists: the union compiled once and
wrapped by the page, count and store statements. Everything else about the lists is querysets.

Identifiers in these statements are quoted constants and the sort column comes from `SORTS`,
never the request; every value is a parameter.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import F, QuerySet

from casework import workingdays
from casework.models import CalendarDay, Child, Team, Worker
from scorecard.measures.cohorts import category_at
from surgeries.lists.definitions import DEFAULT_SORT, SORTS, Counts
from surgeries.lists.filtering import VISIBLE, id_array
from surgeries.models import ExceptionEntry, ExceptionRefresh


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
            value: Any = id_array(child_ids)
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


def _no_jit(cursor, connection) -> None:
    # The union's estimated cost passes PostgreSQL's JIT threshold, and compiling a plan this
    # size takes minutes while running it takes milliseconds: no JIT for this statement's
    # transaction only.
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")


def run(compiled: CompiledUnion, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """A statement around the union, its rows as dicts (dates and UUIDs converted)."""
    if compiled.needs_children:
        raise ValueError("The visible children are not bound: use lists.compiled_rows()")
    connection = connections[compiled.alias]
    with transaction.atomic(using=compiled.alias), connection.cursor() as cursor:
        _no_jit(cursor, connection)
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        raw = cursor.fetchall()
    return [_convert(dict(zip(names, row, strict=True))) for row in raw]


def run_union(compiled: CompiledUnion) -> list[dict[str, Any]]:
    """The union's own rows, unsorted."""
    return run(compiled, compiled.sql, compiled.params)


def _child_where(qn, child_ids: Iterable[int] | None) -> tuple[str, list[int]]:
    if child_ids is None:
        return "", []
    ids = sorted(set(child_ids))
    if not ids:
        return " WHERE 1 = 0", []
    marks = ", ".join(["%s"] * len(ids))
    return f" WHERE u.{qn('r_child')} IN ({marks})", ids


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
    qn = connections[compiled.alias].ops.quote_name
    order = _order_by(compiled, sort)
    cal = qn(CalendarDay._meta.db_table)
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
    return run(compiled, sql, params)


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
DISPLAY = (
    "d_public_id",
    "d_la_child_id",
    "d_first_name",
    "d_last_name",
    "d_category",
    "d_worker",
    "d_team",
)


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
    connection = connections[compiled.alias]
    qn = connection.ops.quote_name
    order = ", ".join(_order_by(compiled, sort))
    cal = qn(CalendarDay._meta.db_table)
    child_sql, child_params = (
        Child.objects.using(compiled.alias)
        .annotate(
            d_pk=F("pk"),
            d_public_id=F("public_id"),
            d_la_child_id=F("la_child_id"),
            d_first_name=F("first_name"),
            d_last_name=F("last_name"),
            d_category=category_at(as_at),
        )
        .order_by()
        .values("d_pk", *DISPLAY[:5])
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
    child_columns = ", ".join(f"ch.{qn(c)} AS {qn(c)}" for c in DISPLAY[:5])
    materialized = "MATERIALIZED " if connection.vendor in ("postgresql", "sqlite") else ""
    sql = (
        f"WITH u AS {materialized}({compiled.sql}) "  # noqa: S608
        f"SELECT {page_columns}, p.{days}, p.{pos}, NULL AS {n}, "
        f"{child_columns}, "
        f"w.{qn('name')} AS {qn('d_worker')}, t.{qn('name')} AS {qn('d_team')} "
        f"FROM (SELECT u.*, (%s - c.{qn('working_day_number')}) AS {days}, "
        f"ROW_NUMBER() OVER (ORDER BY {order}) AS {pos} "
        f"FROM u LEFT JOIN {cal} c ON c.{qn('date')} = u.{qn('r_due')} "
        f"ORDER BY {order} LIMIT %s OFFSET %s) p "
        f"LEFT JOIN ({child_sql}) ch ON ch.{qn('d_pk')} = p.{qn('r_child')} "
        f"LEFT JOIN {worker} w ON w.{qn('id')} = p.{qn('r_worker')} "
        f"LEFT JOIN {team} t ON t.{qn('id')} = p.{qn('r_team')} "
        f"UNION ALL SELECT {count_columns}, NULL, NULL, COUNT(*), "
        f"{', '.join(['NULL'] * len(DISPLAY))} "
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
    for row in run(compiled, sql, params):
        if row["r_n"] is None:
            page.append(row)
        else:
            counts.add(row["r_list"], row["r_kind"], row["r_n"])
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
    for row in run(compiled, sql, (*compiled.params, *ids)):
        counts.add(row["r_list"], row["r_kind"], row["n"])
    return counts


def _convert(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("r_due", "r_basis"):
        value = row.get(key)
        if isinstance(value, str):
            row[key] = date.fromisoformat(value[:10])
    if isinstance(row.get("d_public_id"), str):  # SQLite keeps a UUID as 32 hex digits
        row["d_public_id"] = uuid.UUID(row["d_public_id"])
    return row


# The union's columns stored per row (the open-action count stays live: actions change all day).
STORED = ("r_child", "r_worker", "r_team", "r_due", "r_basis", "r_list", "r_kind", "r_category")


def _insert_sql(compiled: CompiledUnion, as_at: date, *, only_if_refreshed: bool) -> tuple:
    qn = connections[compiled.alias].ops.quote_name
    table = qn(ExceptionEntry._meta.db_table)
    marker = qn(ExceptionRefresh._meta.db_table)
    fields = ", ".join(
        qn(f)
        for f in (
            "as_at",
            "child_id",
            "worker_id",
            "team_id",
            "due_date",
            "basis_date",
            "list_code",
            "kind",
            "category",
        )
    )
    values = ", ".join(f"u.{qn(c)}" for c in STORED[:-1])
    where, extra = "", tuple[Any, ...]()
    if only_if_refreshed:
        where = f" WHERE EXISTS (SELECT 1 FROM {marker} m WHERE m.{qn('as_at')} = %s)"  # noqa: S608
        extra = (as_at,)
    sql = (
        f"INSERT INTO {table} ({fields}) "  # noqa: S608
        f"SELECT %s, {values}, COALESCE(u.{qn('r_category')}, '') FROM ({compiled.sql}) u{where}"
    )
    return sql, (as_at, *compiled.params, *extra)


def store(compiled: CompiledUnion, as_at: date) -> int:
    """Insert the union's rows as the stored rows of D (one INSERT ... SELECT); the count."""
    connection = connections[compiled.alias]
    sql, params = _insert_sql(compiled, as_at, only_if_refreshed=False)
    with transaction.atomic(using=compiled.alias), connection.cursor() as cursor:
        _no_jit(cursor, connection)
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def restore_children(
    compiled: CompiledUnion | None, as_at: date, child_ids: Sequence[int], *, using: str
) -> None:
    """Replace these children's stored rows of D with the union's (bound to them), if D has
    been stored: two statements on PostgreSQL (the JIT setting, then the delete and the insert
    as one statement), two on SQLite."""
    connection = connections[using]
    qn = connection.ops.quote_name
    table = qn(ExceptionEntry._meta.db_table)
    marks = ", ".join(["%s"] * len(child_ids))
    delete = f"DELETE FROM {table} WHERE {qn('as_at')} = %s AND {qn('child_id')} IN ({marks})"  # noqa: S608
    if compiled is None:
        with connection.cursor() as cursor:
            cursor.execute(delete, (as_at, *child_ids))
        return
    insert, params = _insert_sql(compiled.bind(child_ids), as_at, only_if_refreshed=True)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _no_jit(cursor, connection)
            # One statement: a data-modifying WITH runs the delete before the insert's rows land
            # (they cannot collide: the delete sees the snapshot from before the statement).
            cursor.execute(f"WITH gone AS ({delete}) {insert}", (as_at, *child_ids, *params))
        else:
            cursor.execute(delete, (as_at, *child_ids))
            cursor.execute(insert, params)


def analyze_stored(using: str) -> None:
    """Fresh planner statistics after a whole date's rows are replaced (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ExceptionEntry._meta.db_table)}")
