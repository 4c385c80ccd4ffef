"""The exception lists materialised: every list's rows as at a date, stored in `ExceptionEntry`
so the workbench reads a few hundred indexed rows of one team instead of computing every
measure's failing()/due_soon() rows on each request.

Nothing here defines a list: the rows stored are exactly `exceptions.exception_rows` (the
measures' own querysets) for the whole council, written by one INSERT ... SELECT. They are
refreshed

- for the whole date by `refresh` (the nightly task `surgeries.tasks.refresh_exception_lists`,
  after the rollup, for the new day; `manage.py perfbench` before measuring the workbench);
- for one child by `refresh_children`, in the same transaction as a visit or health check
  recorded through the app (`casework.services.child_record_changed`), so the child leaves the
  "not seen" list on the next request without waiting for the night.

A date without a finished refresh, or a request the stored rows cannot answer (a due-soon window
other than the one stored), is computed live by `exceptions.compiled_rows` as before. Records
changed outside the app's recording paths (imports, the admin) show in the stored lists after the
next nightly refresh: until then the drill-downs (always live) may be ahead of the workbench.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import CharField, Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from casework.models import Child, Team, Worker
from casework.scope import Scope
from surgeries import exceptions as ex
from surgeries.models import Action, ExceptionEntry, ExceptionRefresh

# The union's columns stored per row (the open-action count stays live: actions change all day).
STORED = ("r_child", "r_worker", "r_team", "r_due", "r_basis", "r_list", "r_kind", "r_category")
# Stored dates kept for looking back (a surgery's agenda at its date); older ones are dropped.
KEEP_DAYS = 7


def _insert_sql(compiled: ex.CompiledUnion, as_at: date, *, only_if_refreshed: bool) -> tuple:
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
    # Identifiers are quoted constants; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({fields}) "  # noqa: S608
        f"SELECT %s, {values}, COALESCE(u.{qn('r_category')}, '') FROM ({compiled.sql}) u{where}"
    )
    return sql, (as_at, *compiled.params, *extra)


def _union(as_at: date, *, bound: bool, using: str) -> ex.CompiledUnion | None:
    filters = ex.RowFilter(bound_children=bound)
    return ex._compiled_sql(
        scope=Scope(everything=True), as_at=as_at, filters=filters, columns=STORED, using=using
    )


def refresh(as_at: date, *, using: str = "default") -> ExceptionRefresh:
    """Store every list's rows as at D for the whole council (replacing D's rows), in one
    transaction: readers see the old rows or the new, never half."""
    started = time.perf_counter()
    now = timezone.now()
    compiled = _union(as_at, bound=False, using=using)
    connection = connections[using]
    with transaction.atomic(using=using):
        ExceptionEntry.objects.using(using).filter(as_at=as_at).delete()
        rows = 0
        if compiled is not None:
            sql, params = _insert_sql(compiled, as_at, only_if_refreshed=False)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL jit = off")  # see exceptions._run
                cursor.execute(sql, params)
                rows = max(cursor.rowcount, 0)
        ExceptionEntry.objects.using(using).filter(as_at__lt=as_at - timedelta(KEEP_DAYS)).delete()
        ExceptionRefresh.objects.using(using).filter(
            as_at__lt=as_at - timedelta(KEEP_DAYS)
        ).delete()
        marker, _ = ExceptionRefresh.objects.using(using).update_or_create(
            as_at=as_at,
            defaults={
                "due_soon_wd": settings.TIMESCALES["due_soon_wd"],
                "rows": rows,
                "started_at": now,
                "finished_at": timezone.now(),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ExceptionEntry._meta.db_table)}")
    return marker


def refresh_children(child_ids: Iterable[int], as_at: date, *, using: str = "default") -> None:
    """Rewrite these children's stored rows as at D, if D has been refreshed (otherwise the
    workbench computes D live and there is nothing to keep up to date). Call inside the
    transaction that changed their record: two statements on PostgreSQL (the JIT setting, then
    the delete and the insert as one statement), two on SQLite."""
    ids = sorted(set(child_ids))
    if not ids:
        return
    compiled = _union(as_at, bound=True, using=using)
    connection = connections[using]
    qn = connection.ops.quote_name
    table = qn(ExceptionEntry._meta.db_table)
    delete = f"DELETE FROM {table} WHERE {qn('as_at')} = %s AND {qn('child_id')} IN ({', '.join(['%s'] * len(ids))})"  # noqa: E501, S608
    if compiled is None:
        with connection.cursor() as cursor:
            cursor.execute(delete, (as_at, *ids))
        return
    insert, params = _insert_sql(compiled.bind(ids), as_at, only_if_refreshed=True)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            # One statement: a data-modifying WITH runs the delete before the insert's rows land
            # (they cannot collide: the delete sees the snapshot from before the statement).
            cursor.execute(f"WITH gone AS ({delete}) {insert}", (as_at, *ids, *params))
        else:
            cursor.execute(delete, (as_at, *ids))
            cursor.execute(insert, params)


def refreshed(as_at: date, *, using: str = "default") -> ExceptionRefresh | None:
    return (
        ExceptionRefresh.objects.using(using).filter(as_at=as_at, finished_at__isnull=False).first()
    )


def answers(marker: ExceptionRefresh | None, filters: ex.RowFilter) -> bool:
    """Can the stored rows answer this request? Only with the due-soon window they were
    computed with (when due-soon rows are asked for)."""
    if marker is None or filters.bound_children:
        return False
    return filters.kind == ex.OVERDUE or filters.due_soon_wd == marker.due_soon_wd


def stored_rows(
    *,
    scope: Scope,
    as_at: date,
    filters: ex.RowFilter,
    team_ids: Sequence[int] | None,
    columns: Sequence[str],
    using: str = "default",
) -> ex.CompiledUnion | None:
    """The stored rows as the union's columns (`r_child`, `r_list`...), filtered as the live
    union would be, compiled with the visible children still a placeholder."""
    rows = ExceptionEntry.objects.using(using).filter(as_at=as_at)
    if not scope.everything:
        rows = rows.filter(ex.scope_q(scope))
    if filters.kind in (ex.OVERDUE, ex.DUE_SOON):
        rows = rows.filter(kind=filters.kind)
    if filters.lists:
        rows = rows.filter(list_code__in=list(filters.lists))
    if filters.child_ids is not None:
        rows = rows.filter(child_id__in=list(filters.child_ids))
    if team_ids is not None:
        rows = rows.filter(team_id__in=list(team_ids))
    if filters.worker_id is not None:
        rows = rows.filter(worker_id=filters.worker_id)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.min_days_overdue is not None:
        rows = rows.filter(due_date__lt=ex.first_day_numbered(as_at, filters.min_days_overdue))
    open_actions = (
        Action.objects.filter(
            child_id=OuterRef("child_id"),
            list_code=OuterRef("list_code"),
            status=Action.Status.OPEN,
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
        r_list=F("list_code"),
        r_kind=F("kind"),
        r_category=F("category"),
        r_open_actions=Coalesce(Subquery(open_actions, output_field=IntegerField()), 0),
    )
    if filters.has_open_action is True:
        rows = rows.filter(r_open_actions__gt=0)
    elif filters.has_open_action is False:
        rows = rows.filter(r_open_actions=0)
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
    if extra:
        rows = rows.annotate(**extra)
    return ex.compile_union(rows.order_by().values(*columns))
