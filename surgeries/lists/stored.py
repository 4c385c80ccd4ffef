"""The exception lists materialised: every list's rows as at a date, stored in `ExceptionEntry`
so the workbench reads a few hundred indexed rows of one team instead of computing every
measure's failing()/due_soon() rows on each request.

Nothing here defines a list: the rows stored are exactly the live union (`lists.live`, the
measures' own querysets) for the whole council, written by one INSERT ... SELECT, and they are
read back through the same row filter (`lists.filtering`). They are refreshed

- for the whole date by `refresh` (the nightly task `surgeries.tasks.refresh_exception_lists`,
  after the rollup, for the new day; `manage.py perfbench` before measuring the workbench);
- for one child by `refresh_children`, in the same transaction as a visit or health check
  recorded through the app (`casework.services.child_record_changed`), so the child leaves the
  "not seen" list on the next request without waiting for the night;
- for the children an import (CIN census, SSDA903, Annex A), a decision on the 903 history or
  an edit in the Django admin touched (`casework.signals.child_records_changed`, sent inside
  their transaction), so the workbench, the drill-downs and the scorecard agree as soon as the
  change is saved.

A date without a finished refresh, or a request the stored rows cannot answer (a due-soon window
other than the one stored), is computed live by `lists.compiled_rows` as before. What still
waits for the nightly refresh: a change that moves every list at once (a council closure day
rebuilds the working-day calendar) and a change made outside the app (SQL on the database).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef
from django.utils import timezone

from casework.scope import Scope
from surgeries.lists import sql
from surgeries.lists.definitions import OVERDUE, RowFilter
from surgeries.lists.filtering import filter_annotated, filter_rows, row_columns, with_names
from surgeries.lists.live import compiled_live
from surgeries.models import ExceptionEntry, ExceptionRefresh

# Stored dates kept for looking back (a surgery's agenda at its date); older ones are dropped.
KEEP_DAYS = 7


def _union(as_at: date, *, bound: bool, using: str) -> sql.CompiledUnion | None:
    return compiled_live(
        scope=Scope(everything=True),
        as_at=as_at,
        filters=RowFilter(bound_children=bound),
        columns=sql.STORED,
        using=using,
    )


def refresh(as_at: date, *, using: str = "default") -> ExceptionRefresh:
    """Store every list's rows as at D for the whole council (replacing D's rows), in one
    transaction: readers see the old rows or the new, never half."""
    started = time.perf_counter()
    now = timezone.now()
    compiled = _union(as_at, bound=False, using=using)
    with transaction.atomic(using=using):
        ExceptionEntry.objects.using(using).filter(as_at=as_at).delete()
        rows = sql.store(compiled, as_at) if compiled is not None else 0
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
    sql.analyze_stored(using)
    return marker


def refresh_children(child_ids: Iterable[int], as_at: date, *, using: str = "default") -> None:
    """Rewrite these children's stored rows as at D, if D has been refreshed (otherwise the
    workbench computes D live and there is nothing to keep up to date). Call inside the
    transaction that changed their record."""
    ids = sorted(set(child_ids))
    if not ids:
        return
    sql.restore_children(_union(as_at, bound=True, using=using), as_at, ids, using=using)


def refreshed(as_at: date, *, using: str = "default") -> ExceptionRefresh | None:
    return (
        ExceptionRefresh.objects.using(using).filter(as_at=as_at, finished_at__isnull=False).first()
    )


def answers(marker: ExceptionRefresh | None, filters: RowFilter) -> bool:
    """Can the stored rows answer this request? Only with the due-soon window they were
    computed with (when due-soon rows are asked for)."""
    if marker is None or filters.bound_children:
        return False
    return filters.kind == OVERDUE or filters.due_soon_wd == marker.due_soon_wd


def stored_rows(
    *,
    scope: Scope,
    as_at: date,
    filters: RowFilter,
    team_ids: Sequence[int] | None,
    columns: Sequence[str],
    using: str = "default",
) -> sql.CompiledUnion | None:
    """The stored rows as the union's columns (`r_child`, `r_list`...), filtered as the live
    union is, compiled with the visible children still a placeholder."""
    rows = ExceptionEntry.objects.using(using).filter(as_at=as_at)
    if len(filters.kinds) == 1:
        rows = rows.filter(kind=filters.kinds[0])
    if filters.lists:
        rows = rows.filter(list_code__in=list(filters.lists))
    rows = filter_rows(rows, filters, scope=scope, as_at=as_at, team_ids=team_ids, stored=True)
    rows = rows.annotate(
        **row_columns(F("list_code"), F("kind"), OuterRef("list_code")),
        r_category=F("category"),
    )
    rows = with_names(filter_annotated(rows, filters), columns)
    return sql.compile_union(rows.order_by().values(*columns))
