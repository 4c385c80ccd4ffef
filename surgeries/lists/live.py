"""The live union: every list's rows computed from the measures as at a date, inside a scope.

Each measure contributes one branch per kind to a single UNION ALL; every branch selects the same
columns (the row fields plus the display columns as correlated look-ups by primary key), so a
whole page is one query and the counts another, whatever the length of the list.

Column names in the union all start with `r_` so they never collide with a measure's own
annotations (`child_id` is an annotation on child rows but a real column on event rows).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import date

from django.conf import settings
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import RowNumber

from casework import workingdays
from casework.models import Child
from casework.scope import Scope
from scorecard.measures.cohorts import category_at
from surgeries.lists.definitions import (
    COLUMNS,
    OVERDUE,
    ExceptionList,
    RowFilter,
    surgery_lists,
    with_sort_column,
)
from surgeries.lists.filtering import filter_annotated, filter_rows, row_columns, with_names
from surgeries.lists.sql import CompiledUnion, compile_union


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
    measure = listdef.measure
    period = measure.default_period(as_at)
    if kind == OVERDUE:
        rows = measure.failing(period)
    else:
        last_due = workingdays.add_working_days(as_at, filters.due_soon_wd)
        rows = measure.due_soon(period, last_due)
    rows = filter_rows(
        rows.filter(child_id__isnull=False), filters, scope=scope, as_at=as_at, team_ids=team_ids
    )
    rows = rows.annotate(
        **row_columns(
            Value(listdef.code, output_field=CharField()),
            Value(kind, output_field=CharField()),
            listdef.code,
        )
    )
    if measure.subject == "event":
        # One row per (child, list): an event list may hold several events of one child; keep
        # the one due first. (Filters on plain columns stay in the inner WHERE, before the
        # ranking, wherever they are added.)
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
        child = Child.objects.filter(pk=OuterRef("child_id"))
        rows = rows.annotate(
            r_category=Subquery(
                child.annotate(c=category_at(as_at)).values("c")[:1], output_field=CharField()
            )
        )
    rows = with_names(filter_annotated(rows, filters), columns)
    return rows.order_by().values(*columns)


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
    columns = with_sort_column(columns, sort)
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
        for kind in filters.kinds
    ]
    # A measure with no due-soon rows (count lists) gives `.none()`: leave it out of the union.
    branches = [b for b in branches if not b.query.is_empty()]
    if not branches:
        return None
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    # No ORDER BY inside: a model's default ordering names columns the union lacks.
    return union.order_by()


# Compiled unions by everything that shapes their SQL. Building and compiling the measures'
# querysets costs seconds on a large registry while running them costs far less, and the SQL
# depends on no data (a measure's rows() only builds a query), so paging, sorting and the next
# request reuse it. Entries expire, and the key carries the timescales and the calendar's
# generation, so a settings change or a calendar rebuild gives new SQL.
_CACHE_SECONDS = 600
_CACHE_SIZE = 256
_cache: OrderedDict[tuple, tuple[float, CompiledUnion | None]] = OrderedDict()
_cache_lock = threading.Lock()


def compiled_live(
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
    (the visible children still a placeholder: `lists.compiled_rows` binds them)."""
    filters = filters or RowFilter()
    teams = tuple(sorted(team_ids)) if team_ids is not None else None
    key = (
        using,
        as_at,
        scope,
        filters,
        teams,
        with_sort_column(columns, sort),
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


def clear_compiled_cache() -> None:
    with _cache_lock:
        _cache.clear()
