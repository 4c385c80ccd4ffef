"""The exception rows a page reads: from the stored rows when the date's lists have been stored
and can answer the request, else the live union; the rows with their display columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from casework.models import Child, Team, Worker
from casework.scope import Scope
from scorecard.measures.cohorts import category_at
from surgeries.lists import sql, stored
from surgeries.lists.definitions import (
    COLUMNS,
    OVERDUE,
    Counts,
    ExceptionList,
    ExceptionRow,
    RowFilter,
    lists_by_code,
    with_sort_column,
)
from surgeries.lists.filtering import visible_child_ids
from surgeries.lists.live import compiled_live


def compiled_rows(
    *,
    scope: Scope,
    as_at: date,
    filters: RowFilter | None = None,
    team_ids: Iterable[int] | None = None,
    columns: Sequence[str] = COLUMNS,
    sort: str = "",
    using: str = "default",
    visible_ids: list[int] | None = None,
) -> sql.CompiledUnion | None:
    """The exception rows as SQL ready to run, the scope's children read now (one query, or
    `visible_ids` when the caller has read them for this request already; None when the scope
    sees no child). From the stored rows when the date's lists have been materialised (one
    query to know), else the live union's SQL from the cache."""
    filters = filters or RowFilter()
    if scope.is_empty:
        return None
    if stored.answers(stored.refreshed(as_at, using=using), filters):
        compiled = stored.stored_rows(
            scope=scope,
            as_at=as_at,
            filters=filters,
            team_ids=sorted(team_ids) if team_ids is not None else None,
            columns=with_sort_column(columns, sort),
            using=using,
        )
    else:
        compiled = compiled_live(
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
    ids = (
        visible_child_ids(scope, as_at, using=compiled.alias)
        if visible_ids is None
        else visible_ids
    )
    return compiled.bind(ids) if ids else None


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
    return sql.count_rows(compiled)


def failing_pairs(
    *, as_at: date, child_ids: Iterable[int], lists: Iterable[str] | None = None
) -> set[tuple[int, str]]:
    """(child, list) pairs still failing at the date, for the given children (and, given
    `lists`, those lists only: the caller asks about no other): whether an action's reason
    still holds ("No longer overdue" otherwise) and a surgery's impact. One query."""
    ids = tuple(sorted(set(child_ids)))
    if not ids:
        return set()
    codes = tuple(sorted(set(lists))) if lists is not None else ()
    if lists is not None and not codes:
        return set()
    compiled = compiled_rows(
        scope=Scope(everything=True),
        as_at=as_at,
        filters=RowFilter(kind=OVERDUE, child_ids=ids, lists=codes),
        columns=("r_child", "r_list"),
    )
    if compiled is None:
        return set()
    return {(r["r_child"], r["r_list"]) for r in sql.run_union(compiled)}


def to_rows(
    values: Iterable[dict[str, Any]], *, as_at: date, team_names: dict[int, str] | None = None
) -> list[ExceptionRow]:
    """Dicts from the union to rows with the display columns: the children (names, public id,
    category at the date), workers and teams of the page in three queries, whatever its length
    (two when the caller has the teams' names already: `team_names`); the list label and the
    rule in words from the registry. Values without `r_open_actions` give rows with 0 open
    actions: the caller that left the count out fills it in."""
    lists = lists_by_code()
    values = list(values)
    if values and all("d_public_id" in v for v in values):
        # `fetch_page` already joined the display columns: no further query.
        return [_row(v, lists, v) for v in values]
    child_ids = {v["r_child"] for v in values}
    children: dict[int, tuple[Any, str, str, str, str]] = {}
    if child_ids:
        children = {
            pk: (public_id, la_id, first, last, category)
            for pk, public_id, la_id, first, last, category in Child.objects.filter(
                pk__in=child_ids
            )
            .annotate(c=category_at(as_at))
            .order_by()
            .values_list("pk", "public_id", "la_child_id", "first_name", "last_name", "c")
        }
    worker_ids = {v["r_worker"] for v in values if v["r_worker"]}
    workers = (
        dict(Worker.objects.filter(pk__in=worker_ids).values_list("pk", "name"))
        if worker_ids
        else {}
    )
    team_ids = {v["r_team"] for v in values if v["r_team"]}
    if team_names is not None:
        teams = team_names
    elif team_ids:
        teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    else:
        teams = {}
    rows = []
    for v in values:
        public_id, la_id, first, last, category = children.get(v["r_child"], (None, "", "", "", ""))
        display = {
            "d_public_id": public_id,
            "d_la_child_id": la_id,
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
        open_actions=v.get("r_open_actions") or 0,
        child_public_id=d["d_public_id"],
        la_child_id=d["d_la_child_id"] or "",
        first_name=d["d_first_name"] or "",
        last_name=d["d_last_name"] or "",
        worker_name=d["d_worker"] or "",
        team_name=d["d_team"] or "",
        list_label=listdef.label if listdef else v["r_list"],
        rule=listdef.measure.row_rule(v["r_basis"], v["r_due"]) if listdef else "",
    )
