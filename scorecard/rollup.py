"""The nightly rollup: every measure for a date at council, service area, team and worker scope,
upserted as KpiSnapshot rows.

Set-based: for each measure ONE grouped query over its rows (`values("team_id", "worker_id")`
with counts) gives a result small enough (teams × workers) to sum up to team, service area and
council in Python. The scopes add up exactly as `MeasureScope.row_q` filters: a row counts at its
team (and so its team's service area) and at its worker; a row with no team counts at council
only. So a snapshot always equals `Measure.result(period, scope)` for the same data.

Idempotent: snapshots are upserted on (code, scope_level, scope_id, date) and stale scopes for
the same (code, date) are deleted in the same transaction, so running a date twice, or a chunk
redelivered after a worker died, leaves exactly the rows one run would.

At quarter ends the row ids behind every snapshot are kept (SnapshotCohort) so a committee figure
can be reproduced after the case record changes.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from scorecard.measures import registry
from scorecard.measures.base import Measure, Result, Unit
from scorecard.models import (
    COUNCIL_SCOPE_ID,
    KpiSnapshot,
    RollupRun,
    ScopeLevel,
    SnapshotCohort,
)
from scorecard.periods import is_quarter_end, measure_period

logger = logging.getLogger(__name__)

# A few measures per Celery task: small enough that extra workers share a night's work, large
# enough that task overhead stays negligible next to the queries.
CHUNK_SIZE = 4
UPSERT_BATCH = 500
# A one-date run left unfinished this recently is resumed by a redelivered rollup_date task.
RESUME_WITHIN = timedelta(hours=6)


@dataclass
class Tally:
    rows: int = 0
    in_numerator: int = 0

    def add(self, rows: int, in_numerator: int) -> None:
        self.rows += rows
        self.in_numerator += in_numerator

    def result(self, measure: Measure) -> Result:
        count = self.in_numerator if measure.unit == Unit.PERCENT else self.rows
        return Result.of(measure.code, measure.unit, count, self.rows)


@dataclass(frozen=True)
class Organisation:
    """Who exists on the date: the scopes a snapshot is written for even when their count is 0,
    so a team with nothing to report shows 0 rather than a gap."""

    area_of_team: dict[int, int]
    workers: frozenset[int]

    @property
    def areas(self) -> set[int]:
        return set(self.area_of_team.values())


def organisation_at(day: date) -> Organisation:
    """Teams with their service area, and workers in post at D. Two queries."""
    from casework.models import Team, Worker

    area_of_team = dict(Team.objects.values_list("pk", "service_area_id"))
    workers = Worker.objects.filter(start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    return Organisation(area_of_team, frozenset(workers.values_list("pk", flat=True)))


@dataclass
class ScopeTallies:
    council: Tally = field(default_factory=Tally)
    by_scope: dict[tuple[str, int], Tally] = field(default_factory=lambda: defaultdict(Tally))


def without_jit() -> None:
    """Inside a transaction on PostgreSQL: no JIT compilation for the rest of it. A measure's
    statement is estimated expensive (a subquery per row of a large table, most of which a
    hashed set then filters out), which passes the JIT thresholds; compiling it took 1-2 s
    where running it takes tens of milliseconds."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def as_rollup_transaction() -> None:
    """Inside a transaction on PostgreSQL, for a measure's snapshots (read and write in one
    transaction), in one statement: JIT off (`without_jit`) and a COMMIT that returns without
    waiting for the WAL to reach disk (synchronous_commit off). The commit was a disk flush of
    its own, 53 a night (~6 ms each at S: 0.76 s of a 6.7 s night).

    Nothing is given up that the rollup relies on. The rows are visible to every other session
    at once and a crash of the worker loses nothing (the server has the commit); only a crash of
    the database server itself within a fraction of a second could lose the newest writes. The
    chunk that wrote them records itself on the run with an ordinary (flushed) commit, which
    writes out all WAL before it, these commits included: a chunk counted as done on the run is
    on disk, and one that is not is redelivered or re-run (the rollup is idempotent)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', true),"
                " set_config('synchronous_commit', 'off', true)"
            )


def _grouped(measure: Measure, day: date) -> list[tuple[int | None, int | None, int, int]]:
    return list(
        measure.rows(measure_period(measure, day))
        .order_by()
        .values_list("team_id", "worker_id")
        .annotate(n=Count("pk"), num=Count("pk", filter=Q(in_numerator=True)))
    )


def measure_tallies(measure: Measure, day: date, org: Organisation) -> ScopeTallies:
    """One grouped query over the measure's rows, summed up to every scope in Python."""
    with transaction.atomic():
        without_jit()
        groups = _grouped(measure, day)
    return tallies_of_groups(groups, org)


def tallies_of_groups(
    groups: Iterable[tuple[int | None, int | None, int, int]], org: Organisation
) -> ScopeTallies:
    """Sum (team, worker, rows, rows in the numerator) groups up to every scope."""
    tallies = ScopeTallies()
    for team_id, worker_id, rows, num in groups:
        tallies.council.add(rows, num)
        if team_id is not None:
            tallies.by_scope[(ScopeLevel.TEAM, team_id)].add(rows, num)
            area_id = org.area_of_team.get(team_id)
            if area_id is not None:
                tallies.by_scope[(ScopeLevel.SERVICE_AREA, area_id)].add(rows, num)
        if worker_id is not None:
            tallies.by_scope[(ScopeLevel.WORKER, worker_id)].add(rows, num)
    return tallies


Row = tuple[int, int | None, int | None, int | None, bool]


def measure_row_ids(measure: Measure, day: date) -> list[Row]:
    """The measure's rows themselves, (pk, child, team, worker, in numerator): what a quarter
    end keeps as cohorts, and from which its tallies are counted (one read of the rows, not a
    grouped query and then the rows)."""
    with transaction.atomic():
        without_jit()
        return _rows(measure, day)


def _rows(measure: Measure, day: date) -> list[Row]:
    return list(
        measure.rows(measure_period(measure, day))
        .order_by()
        .values_list("pk", "child_id", "team_id", "worker_id", "in_numerator")
    )


def tallies_of_rows(rows: Iterable[Row], org: Organisation) -> ScopeTallies:
    counts: dict[tuple[int | None, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for _, _, team_id, worker_id, in_numerator in rows:
        count = counts[(team_id, worker_id)]
        count[0] += 1
        count[1] += bool(in_numerator)
    return tallies_of_groups(
        ((team, worker, n, num) for (team, worker), (n, num) in counts.items()), org
    )


def _scope_keys(tallies: ScopeTallies, org: Organisation) -> list[tuple[str, int]]:
    keys = {(ScopeLevel.COUNCIL.value, COUNCIL_SCOPE_ID)}
    keys |= {(ScopeLevel.SERVICE_AREA.value, pk) for pk in org.areas}
    keys |= {(ScopeLevel.TEAM.value, pk) for pk in org.area_of_team}
    keys |= {(ScopeLevel.WORKER.value, pk) for pk in org.workers}
    keys |= {(str(level), pk) for level, pk in tallies.by_scope}
    return sorted(keys)


def snapshot_measure(
    measure: Measure,
    day: date,
    *,
    org: Organisation,
    run: RollupRun | None = None,
    keep_cohort: bool | None = None,
) -> int:
    """Compute one measure for one date at every scope and upsert its snapshots: one
    transaction (`as_rollup_transaction`) for the read and the write. Returns the number of
    snapshot rows written."""
    keep = keep_cohort if keep_cohort is not None else is_quarter_end(day)
    with transaction.atomic():
        as_rollup_transaction()
        rows = _rows(measure, day) if keep else None
        tallies = (
            tallies_of_rows(rows, org)
            if rows is not None
            else tallies_of_groups(_grouped(measure, day), org)
        )
        results = [
            (
                level,
                scope_id,
                (
                    tallies.council
                    if level == ScopeLevel.COUNCIL
                    else tallies.by_scope.get((level, scope_id), Tally())
                ).result(measure),
            )
            for level, scope_id in _scope_keys(tallies, org)
        ]
        write_snapshots(
            measure.code,
            day,
            results,
            run=run,
            computed_at=timezone.now(),
            cohorts=None
            if rows is None
            else Cohorts(measure.subject, cohort_ids(measure, org, rows)),
        )
    return len(results)


ScopeResult = tuple[str, int, Result]
ScopeKey = tuple[str, int]
# Per scope: the numerator ids, the denominator ids (empty for counts) and the distinct children.
CohortIds = tuple[list[int], list[int], list[int]]


@dataclass(frozen=True)
class Cohorts:
    """The ids behind a quarter end's snapshots of one measure, by scope."""

    subject: str
    by_scope: dict[ScopeKey, CohortIds]


def cohort_ids(
    measure: Measure, org: Organisation, rows: Iterable[Row]
) -> dict[ScopeKey, CohortIds]:
    """The row ids behind each scope of (measure, day), from its rows: every scope with rows.
    The rows are gathered by (team, worker) first and each group is added to its scopes once
    (not each row to each of its up to four scopes)."""
    percent = measure.unit == Unit.PERCENT
    groups: dict[tuple[int | None, int | None], tuple[list[int], list[int], set[int]]] = {}
    for pk, child_id, team_id, worker_id, in_numerator in rows:
        group = groups.get((team_id, worker_id))
        if group is None:
            group = groups[(team_id, worker_id)] = ([], [], set())
        if percent:
            group[1].append(pk)
        if in_numerator or not percent:
            group[0].append(pk)
        if child_id is not None:
            group[2].add(child_id)
    by_scope: dict[ScopeKey, list[tuple[list[int], list[int], set[int]]]] = defaultdict(list)
    council = (ScopeLevel.COUNCIL.value, COUNCIL_SCOPE_ID)
    for (team_id, worker_id), group in groups.items():
        by_scope[council].append(group)
        if team_id is not None:
            by_scope[(ScopeLevel.TEAM.value, team_id)].append(group)
            if (area_id := org.area_of_team.get(team_id)) is not None:
                by_scope[(ScopeLevel.SERVICE_AREA.value, area_id)].append(group)
        if worker_id is not None:
            by_scope[(ScopeLevel.WORKER.value, worker_id)].append(group)
    return {
        scope: (
            sorted(pk for numerator, _, _ in scope_groups for pk in numerator),
            sorted(pk for _, denominator, _ in scope_groups for pk in denominator),
            sorted(set().union(*(children for _, _, children in scope_groups))),
        )
        for scope, scope_groups in by_scope.items()
        if any(numerator or denominator for numerator, denominator, _ in scope_groups)
    }


def write_snapshots(
    code: str,
    day: date,
    results: Sequence[ScopeResult],
    *,
    run: RollupRun | None,
    computed_at: datetime,
    cohorts: Cohorts | None = None,
) -> None:
    """Make (code, day)'s snapshots exactly `results`: upsert each scope's figure on the unique
    key and delete the scopes no longer present (a worker who left must not keep yesterday's
    figure for this date), with their cohorts. With `cohorts` (quarter ends), make the
    snapshots' cohorts exactly those: one per scope with rows, none for the others. Call inside
    a transaction.

    On PostgreSQL this is one statement whatever the number of scopes: the rows (and cohorts)
    travel as JSON documents (`jsonb_to_recordset` turns them back into rows), so a council with
    2,000 workers costs one round trip and no per-row Python objects or parameters; the
    cohorts are upserted on their snapshot from the snapshot upsert's RETURNING (no read of
    the snapshot ids, no delete and re-insert of every cohort, no client-side quoting of
    hundreds of id arrays: at a quarter end these were 40% of the night at S). Elsewhere
    (SQLite: the embedded mode) the ORM's delete and bulk upsert."""
    if connection.vendor != "postgresql":
        _write_snapshots_orm(code, day, results, run=run, computed_at=computed_at)
        if cohorts is not None:
            _store_cohorts_orm(code, day, cohorts)
        return
    rows = json.dumps(
        [
            {
                "level": level,
                "scope_id": scope_id,
                "numerator": result.numerator,
                "denominator": result.denominator,
                "value": None if result.value is None else str(result.value),
            }
            for level, scope_id, result in results
        ]
    )
    # Table names come from the models' meta, never from input.
    snapshots = connection.ops.quote_name(KpiSnapshot._meta.db_table)
    cohort_table = connection.ops.quote_name(SnapshotCohort._meta.db_table)
    upsert = f"""
        INSERT INTO {snapshots}
            (code, scope_level, scope_id, date, numerator, denominator, value, run_id,
             computed_at)
        SELECT %(code)s, f.level, f.scope_id, %(day)s, f.numerator, f.denominator, f.value,
               %(run)s, %(now)s
          FROM fresh f
        ON CONFLICT (code, scope_level, scope_id, date) DO UPDATE
           SET numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator,
               value = EXCLUDED.value, run_id = EXCLUDED.run_id,
               computed_at = EXCLUDED.computed_at
    """  # noqa: S608
    if cohorts is None:
        # Only the stale scopes' cohorts go.
        cohorts_sql = f"""
            stale_cohorts AS (
                DELETE FROM {cohort_table} c USING stale WHERE c.snapshot_id = stale.id
            ),
            stale_snapshots AS (
                DELETE FROM {snapshots} s USING stale WHERE s.id = stale.id
            )
            {upsert}
        """  # noqa: S608
    else:
        # Every cohort of (code, day) whose scope has none now goes (the stale scopes' among
        # them); the others are upserted on their snapshot, whose id the upsert returns.
        cohorts_sql = f"""
            kept AS (
                SELECT * FROM jsonb_to_recordset(%(cohorts)s::jsonb)
                    AS k(level varchar, scope_id bigint, numerator_ids jsonb,
                         denominator_ids jsonb, child_ids jsonb)
            ),
            emptied AS (
                DELETE FROM {cohort_table} c USING {snapshots} s
                 WHERE c.snapshot_id = s.id AND s.code = %(code)s AND s.date = %(day)s
                   AND (s.scope_level, s.scope_id) NOT IN (SELECT k.level, k.scope_id FROM kept k)
            ),
            stale_snapshots AS (
                DELETE FROM {snapshots} s USING stale WHERE s.id = stale.id
            ),
            written AS ({upsert} RETURNING id, scope_level, scope_id)
            INSERT INTO {cohort_table}
                (snapshot_id, subject, numerator_ids, denominator_ids, child_ids)
            SELECT w.id, %(subject)s, k.numerator_ids, k.denominator_ids, k.child_ids
              FROM written w JOIN kept k ON k.level = w.scope_level AND k.scope_id = w.scope_id
            ON CONFLICT (snapshot_id) DO UPDATE
               SET subject = EXCLUDED.subject, numerator_ids = EXCLUDED.numerator_ids,
                   denominator_ids = EXCLUDED.denominator_ids, child_ids = EXCLUDED.child_ids
        """  # noqa: S608
    sql = f"""
        WITH fresh AS (
            SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb)
                AS f(level varchar, scope_id bigint, numerator integer, denominator integer,
                     value numeric)
        ),
        stale AS (
            -- NOT IN over the fresh keys, which PostgreSQL hashes once. Not NOT EXISTS: with
            -- the function's fixed estimate of 100 rows the planner made that a nested loop
            -- comparing every existing row with every fresh one (337 x 169 comparisons, 15 of
            -- a rewrite's 48 ms at S, quadratic in the scopes). Neither side has NULL keys.
            SELECT s.id FROM {snapshots} s
             WHERE s.code = %(code)s AND s.date = %(day)s
               AND (s.scope_level, s.scope_id) NOT IN (SELECT f.level, f.scope_id FROM fresh f)
        ),
        {cohorts_sql}
    """  # noqa: S608
    params: dict[str, str | int | date | datetime | None] = {
        "rows": rows,
        "code": code,
        "day": day,
        "run": run.pk if run else None,
        "now": computed_at,
    }
    if cohorts is not None:
        params["subject"] = cohorts.subject
        params["cohorts"] = json.dumps(
            [
                {
                    "level": level,
                    "scope_id": scope_id,
                    "numerator_ids": numerator,
                    "denominator_ids": denominator,
                    "child_ids": children,
                }
                for (level, scope_id), (numerator, denominator, children) in sorted(
                    cohorts.by_scope.items()
                )
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _write_snapshots_orm(
    code: str,
    day: date,
    results: Sequence[ScopeResult],
    *,
    run: RollupRun | None,
    computed_at: datetime,
) -> None:
    by_level: dict[str, list[int]] = defaultdict(list)
    for level, scope_id, _ in results:
        by_level[level].append(scope_id)
    keep = Q()
    for level, ids in by_level.items():
        keep |= Q(scope_level=level, scope_id__in=ids)
    KpiSnapshot.objects.filter(code=code, date=day).exclude(keep).delete()
    KpiSnapshot.objects.bulk_create(
        [
            KpiSnapshot(
                code=code,
                scope_level=level,
                scope_id=scope_id,
                date=day,
                numerator=result.numerator,
                denominator=result.denominator,
                value=result.value,
                run=run,
                computed_at=computed_at,
            )
            for level, scope_id, result in results
        ],
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["code", "scope_level", "scope_id", "date"],
        update_fields=["numerator", "denominator", "value", "run", "computed_at"],
    )


def _store_cohorts_orm(code: str, day: date, cohorts: Cohorts) -> None:
    """The cohorts of (code, day) replaced (delete + insert inside the caller's transaction, so
    a re-run leaves one cohort per snapshot)."""
    snapshot_ids = {
        (level, scope_id): pk
        for pk, level, scope_id in KpiSnapshot.objects.filter(code=code, date=day).values_list(
            "pk", "scope_level", "scope_id"
        )
    }
    SnapshotCohort.objects.filter(snapshot__code=code, snapshot__date=day).delete()
    SnapshotCohort.objects.bulk_create(
        [
            SnapshotCohort(
                snapshot_id=snapshot_ids[scope],
                subject=cohorts.subject,
                numerator_ids=numerator,
                denominator_ids=denominator,
                child_ids=children,
            )
            for scope, (numerator, denominator, children) in cohorts.by_scope.items()
            if scope in snapshot_ids
        ],
        batch_size=UPSERT_BATCH,
    )


# --- Runs and chunks ------------------------------------------------------------------------------


def rollup_codes(codes: Iterable[str] | None = None) -> list[str]:
    """Registered measure codes in registry order (optionally only `codes`)."""
    every = [m.code for m in registry.all_measures()]
    if codes is None:
        return every
    wanted = set(codes)
    unknown = wanted - set(every)
    if unknown:
        raise ValueError(f"Unknown measure codes: {', '.join(sorted(unknown))}")
    return [code for code in every if code in wanted]


def measure_chunks(codes: Sequence[str], size: int = CHUNK_SIZE) -> list[list[str]]:
    return [list(codes[i : i + size]) for i in range(0, len(codes), size)]


def rollup_run_start(
    dates: Sequence[date],
    *,
    codes: Sequence[str],
    chunk_size: int = CHUNK_SIZE,
    month_ends: bool = False,
    trigger: str = "",
) -> RollupRun:
    """Record a run of `codes` for `dates`, expecting one chunk per (date, chunk of codes)."""
    return RollupRun.objects.create(
        date_from=min(dates),
        date_to=max(dates),
        month_ends=month_ends,
        trigger=trigger,
        started_at=timezone.now(),
        chunks_expected=len(dates) * len(measure_chunks(codes, chunk_size)),
    )


def rollup_run_for_date(day: date, *, codes: Sequence[str], trigger: str) -> RollupRun:
    """The run for a one-date rollup task: an unfinished run of the same date, trigger and
    size started in the last few hours is reused, so a redelivered `rollup_date` (its worker
    died after starting the run) resumes that run instead of leaving it "running" forever."""
    recent = timezone.now() - RESUME_WITHIN
    expected = len(measure_chunks(codes))
    existing = (
        RollupRun.objects.filter(
            date_from=day,
            date_to=day,
            trigger=trigger,
            finished_at__isnull=True,
            chunks_expected=expected,
            started_at__gte=recent,
        )
        .order_by("-started_at")
        .first()
    )
    return existing or rollup_run_start([day], codes=codes, trigger=trigger)


def rollup_chunk_compute(
    day: date, codes: Sequence[str], *, run_id: int | None = None
) -> dict[str, int | None]:
    """Snapshot each measure in `codes` for `day`, each in its own transaction, then record the
    chunk on the run. A measure that fails is logged and recorded (timing None, error text)
    while the others still complete. Safe to run twice. Returns {code: milliseconds or None}."""
    run = RollupRun.objects.filter(pk=run_id).first() if run_id else None
    org = organisation_at(day)
    timings: dict[str, int | None] = {}
    errors: list[str] = []
    for code in codes:
        started = time.perf_counter()
        try:
            snapshot_measure(registry.get(code), day, org=org, run=run)
        except Exception as exc:  # one broken measure must not lose the night for the rest
            logger.exception("Rollup of %s for %s failed", code, day)
            timings[code] = None
            errors.append(f"{day} {code}: {type(exc).__name__}: {exc}")
            continue
        timings[code] = round((time.perf_counter() - started) * 1000)
    if run_id:
        rollup_run_record_chunk(run_id, day, timings, errors)
    return timings


def rollup_run_record_chunk(
    run_id: int, day: date, timings: dict[str, int | None], errors: Sequence[str]
) -> None:
    """Count a finished chunk on its run, once: a redelivered chunk whose codes are already
    recorded for the day updates the timings but not the count. The chunk that completes the
    count finishes the run. Row-locked so concurrent chunks don't lose each other's timings."""
    with transaction.atomic():
        run = RollupRun.objects.select_for_update().get(pk=run_id)
        day_timings = dict(run.timings.get(day.isoformat(), {}))
        already_counted = all(code in day_timings for code in timings)
        day_timings.update(timings)
        run.timings = {**run.timings, day.isoformat(): day_timings}
        if errors:
            run.error = "\n".join(filter(None, [run.error, *errors]))
            run.status = RollupRun.Status.FAILED
        if not already_counted:
            run.chunks_done = F("chunks_done") + 1
        run.save(update_fields=["timings", "error", "status", "chunks_done"])
    rollup_run_finish(run_id)


def rollup_run_finish(run_id: int) -> bool:
    """Mark the run finished once every chunk is done. A conditional UPDATE: only one caller
    wins, however many chunks finish at once. Returns whether this call finished it."""
    finished = RollupRun.objects.filter(
        pk=run_id, finished_at__isnull=True, chunks_done__gte=F("chunks_expected")
    ).update(finished_at=timezone.now())
    if finished:
        RollupRun.objects.filter(pk=run_id, status=RollupRun.Status.RUNNING).update(
            status=RollupRun.Status.SUCCEEDED
        )
    return bool(finished)


def rollup_run_fail(run_id: int, message: str) -> None:
    """Record an error that stopped a chunk outright (the task could not run its service)."""
    with transaction.atomic():
        run = RollupRun.objects.select_for_update().get(pk=run_id)
        run.error = "\n".join(filter(None, [run.error, message]))
        run.status = RollupRun.Status.FAILED
        run.save(update_fields=["error", "status"])


def rollup_dates_in_process(
    dates: Sequence[date],
    *,
    codes: Sequence[str] | None = None,
    month_ends: bool = False,
    trigger: str = "command",
    on_date: Callable[[date, float], None] | None = None,
) -> RollupRun:
    """Run the rollup for `dates` here, without a broker (the command and the data generator):
    the same chunk service the Celery tasks call, one chunk after another. `on_date` is told
    each date as it completes, with the seconds it took (progress for long backfills)."""
    chosen = rollup_codes(codes)
    run = rollup_run_start(dates, codes=chosen, month_ends=month_ends, trigger=trigger)
    chunks = measure_chunks(chosen)
    for day in dates:
        started = time.perf_counter()
        for chunk in chunks:
            rollup_chunk_compute(day, chunk, run_id=run.pk)
        if on_date:
            on_date(day, time.perf_counter() - started)
    run.refresh_from_db()
    return run
