"""Builds the whole synthetic council: `seed_council(scale=1, seed=1, jobs=1)`.

`scale` N is split into ceil(N) localities, each a copy of the calibrated council at N / ceil(N)
of its size with its own teams and workers: rates are kept, counts multiply, and memory stays
that of one locality per process.

Each locality draws from its own random generators (`council-<seed>-<unit>`, and Faker seeded
with `seed` for locality 1 and `<seed>-<unit>` after it) and its rows take consecutive keys per
table, starting where the localities before it end. So a locality's rows depend only on the seed
and on the row counts of the localities before it: with `jobs` > 1 (PostgreSQL) worker processes
generate localities side by side, each reports its row counts as soon as it has generated, the
parent hands it its first keys once every earlier locality has reported, and the worker writes
on its own connection. The database ends up the same whatever `jobs` is.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import queue
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, connections, models, transaction
from faker import Faker
from tqdm import tqdm

from casework import models as m
from casework import workingdays
from casework.demo import params as P
from casework.demo.activity import Builder, Records
from casework.demo.care import fix_area, fix_legal_status, fix_moves
from casework.demo.extras import Extras, build_extras, strategic_risks
from casework.demo.journeys import build_journeys
from casework.demo.people import Kid, assign_children
from casework.demo.timeline import GeneratorRandom
from casework.demo.workforce import (
    SERVICE_AREAS,
    Piece,
    Staff,
    TeamSpec,
    allocate,
    build_segments,
    build_teams,
    build_workers,
    top_up_changes,
)
from casework.demo.writer import BulkLoad, SQLiteBulkLoad, Writer, load_stamp

# Tables a locality writes, in writing order.
LOCALITY_MODELS: tuple[type[models.Model], ...] = (
    m.Team, m.Worker, m.Child, m.Involvement, m.Contact, m.Referral, m.Assessment, m.CINPlan,
    m.Section47, m.InitialConference, m.CPPlan, m.CPReview, m.CareEpisode, m.CareReview,
    m.CareLeaver, m.Visit, m.HealthCheck, m.Complaint, m.VoiceAccount, m.VoiceStatement,
)  # fmt: skip


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, counts: dict[str, int], timings: dict[str, float]) -> None:
        for name, n in counts.items():
            self.counts[name] = self.counts.get(name, 0) + n
        for name, seconds in timings.items():
            self.timings[name] = self.timings.get(name, 0.0) + seconds


@dataclass(frozen=True)
class Plan:
    """What every locality of one council shares."""

    units: int  # localities
    factor: float  # each locality's size relative to the calibrated council
    seed: int
    as_at: date


@dataclass
class Locality:
    """One generated locality, ready to write."""

    unit: int
    rng: random.Random
    teams: list[TeamSpec]
    staff: list[Staff]
    kids: list[Kid]
    pieces: list[Piece]
    records: Records
    extras: Extras
    timings: dict[str, float]

    def row_counts(self) -> dict[str, int]:
        """Rows per table (model label) the writer will write for this locality."""
        rec, ex = self.records, self.extras
        lengths = {
            m.Team: len(self.teams),
            m.Worker: len(self.staff),
            m.Child: len(self.kids),
            m.Involvement: len(self.pieces),
            m.Contact: len(rec.contacts),
            m.Referral: len(rec.referrals),
            m.Assessment: len(rec.assessments),
            m.CINPlan: len(rec.cin_plans),
            m.Section47: len(rec.section47s),
            m.InitialConference: len(rec.icpcs),
            m.CPPlan: len(rec.cp_plans),
            m.CPReview: len(rec.cp_reviews),
            m.CareEpisode: len(rec.episodes),
            m.CareReview: len(rec.care_reviews),
            m.CareLeaver: len(rec.care_leavers),
            m.Visit: len(rec.visits),
            m.HealthCheck: len(set(rec.health_checks)),
            m.Complaint: len(ex.complaints),
            m.VoiceAccount: len(ex.child_accounts) + len(ex.worker_accounts),
            m.VoiceStatement: len(ex.statements),
        }
        return {model._meta.label: n for model, n in lengths.items()}


def tune_sqlite() -> None:
    """A bigger page cache for this connection: one long transaction updating several indexes
    per table otherwise spills pages to the write-ahead log over and over."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -400000")


def ensure_calendar() -> None:
    """The generator counts working days with the app's own calendar table."""
    from casework.models import CalendarDay

    if not CalendarDay.objects.exists():
        workingdays.rebuild()
    workingdays.clear_cache()
    # Loaded once here, so worker processes start with it.
    workingdays.working_day_number(P.AS_AT)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Generating a locality builds millions of small objects and frees almost none of them
    until the locality is written, so the garbage collector's passes over them only cost time:
    it is paused for a locality and runs once afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def generate_locality(unit: int, plan: Plan) -> Locality:
    """Every record of one locality, in memory."""
    factor, as_at = plan.factor, plan.as_at
    timings: dict[str, float] = {}

    def timed(name: str, started: float) -> float:
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - started
        return now

    rng = GeneratorRandom(f"council-{plan.seed}-{unit}")
    suffix = "" if plan.units == 1 else f" {unit}"
    t = time.perf_counter()
    teams = build_teams(unit, factor, suffix)
    journeys = build_journeys(as_at, factor, rng)
    fix_moves(journeys, as_at, factor, rng)
    fix_legal_status(journeys, as_at, factor, rng)
    fix_area(journeys, as_at, factor, rng)
    kids = assign_children(journeys, as_at, rng)
    t = timed("journeys", t)
    staff = build_workers(teams, as_at, factor, rng)
    segments = build_segments(journeys, as_at, factor, rng)
    pieces = allocate(segments, staff, as_at, rng)
    open_children = {j.child for j in journeys if j.end is None}
    pieces = top_up_changes(pieces, staff, open_children, as_at, factor, rng)
    t = timed("workforce", t)
    records = Builder(journeys, kids, pieces, staff, teams, as_at, factor, rng).run()
    extras = build_extras(journeys, kids, pieces, staff, as_at, factor, rng)
    timed("records", t)
    return Locality(unit, rng, teams, staff, kids, pieces, records, extras, timings)


def locality_faker(seed: int, unit: int) -> Faker:
    fake = Faker("en_GB")
    fake.seed_instance(seed if unit == 1 else f"{seed}-{unit}")
    return fake


def write_locality(
    loc: Locality, plan: Plan, starts: dict[str, int], tick: Callable[[int], None]
) -> dict[str, int]:
    """Write one locality in one transaction, keys from `starts`; returns rows per model."""
    t = time.perf_counter()
    fake = locality_faker(plan.seed, loc.unit)
    writer = Writer(loc.unit, loc.rng, fake, tick, load_stamp(plan.as_at))
    writer.starts = dict(starts)
    with transaction.atomic():
        team_ids = writer.teams(loc.teams)
        worker_ids = writer.workers(loc.staff, team_ids)
        child_ids = writer.children(loc.kids)
        writer.involvements(loc.pieces, child_ids, worker_ids, team_ids)
        mash = next(tm.index for tm in loc.teams if tm.pool == "front_door")
        writer.records(loc.records, child_ids, worker_ids, team_ids, mash)
        writer.extras(loc.extras, child_ids, worker_ids, team_ids)
    expected = loc.row_counts()
    written = {model._meta.label: writer.counts.get(model.__name__, 0) for model in LOCALITY_MODELS}
    if written != expected:
        raise RuntimeError(f"locality {loc.unit} wrote {written}, planned {expected}")
    loc.timings["writing"] = time.perf_counter() - t
    return writer.counts


def _advance(starts: dict[str, int], counts: dict[str, int]) -> None:
    for label, n in counts.items():
        starts[label] += n


def seed_council(
    *,
    scale: float = 1.0,
    seed: int = 1,
    as_at: date = P.AS_AT,
    progress: bool = True,
    jobs: int = 1,
    localities: int | None = None,
) -> Summary:
    """Generate and write the council. `jobs` > 1 runs that many worker processes (PostgreSQL
    only: SQLite takes one writer at a time). `localities` splits the council into that many
    localities instead of ceil(scale) (a small council of several localities, for tests)."""
    ensure_calendar()
    tune_sqlite()
    summary = Summary()
    units = localities or max(1, math.ceil(scale))
    factor = scale / units
    jobs = max(1, min(jobs, units))
    if jobs > 1 and connection.vendor == "postgresql" and connection.in_atomic_block:
        raise RuntimeError("jobs > 1 writes from several connections: not inside a transaction")
    bar = tqdm(total=None, unit=" rows", file=sys.stderr, disable=not progress, desc="seed_demo")
    setup = Writer(0, random.Random(seed), Faker("en_GB"), bar.update, load_stamp(as_at))
    # Service areas are shared by the localities: written first, by the parent.
    areas = dict(m.ServiceArea.objects.values_list("name", "pk"))
    missing = [name for name in SERVICE_AREAS.values() if name not in areas]
    setup.insert(m.ServiceArea, ["name"], [(name,) for name in missing])
    starts = {model._meta.label: setup.first_id(model) for model in LOCALITY_MODELS}
    bulk: BulkLoad | SQLiteBulkLoad | None = None
    if connection.vendor in ("postgresql", "sqlite") and not any(
        model._default_manager.exists() for model in LOCALITY_MODELS
    ):
        tables = [model._meta.db_table for model in LOCALITY_MODELS]
        bulk = BulkLoad(tables) if connection.vendor == "postgresql" else SQLiteBulkLoad(tables)
        bulk.drop()
    try:
        _write_localities(Plan(units, factor, seed, as_at), jobs, starts, summary, bar)
    finally:
        if bulk is not None:
            t = time.perf_counter()
            bar.set_description("seed_demo: indexes and constraints")
            bulk.restore(jobs)
            summary.add({}, {"indexes": time.perf_counter() - t})

    held = set(m.StrategicRisk.objects.values_list("title", "quarter_end"))
    setup.insert(
        m.StrategicRisk,
        ["title", "owner", "quarter_end", "likelihood", "impact"],
        [row for row in strategic_risks(as_at) if (row[0], row[2]) not in held],
    )
    setup.written.extend(LOCALITY_MODELS)
    setup.reset_sequences()
    summary.add(setup.counts, {})
    bar.close()
    return summary


def _write_localities(
    plan: Plan, jobs: int, starts: dict[str, int], summary: Summary, bar: tqdm
) -> None:
    if jobs == 1 or connection.vendor != "postgresql":
        for unit in range(1, plan.units + 1):
            with collector_paused():
                bar.set_description(f"seed_demo locality {unit}/{plan.units}: generating")
                loc = generate_locality(unit, plan)
                bar.set_description(f"seed_demo locality {unit}/{plan.units}: writing")
                counts = write_locality(loc, plan, starts, bar.update)
                _advance(starts, loc.row_counts())
                summary.add(counts, loc.timings)
                del loc
    else:
        _run_in_parallel(plan, jobs, starts, summary, bar)


# --- worker processes ----------------------------------------------------------------------------


class _Ticks:
    """A worker's progress, sent to the parent's progress bar every 50,000 rows."""

    def __init__(self, events: Any):
        self.events = events
        self.pending = 0

    def __call__(self, n: int) -> None:
        self.pending += n
        if self.pending >= 50_000:
            self.flush()

    def flush(self) -> None:
        self.events.put(("tick", self.pending))
        self.pending = 0


def _worker(number: int, plan: Plan, tasks: Any, events: Any, inbox: Any) -> None:
    """Generate localities from `tasks`; report their row counts, wait for their first keys,
    write them. Messages to the parent: ("counts", unit, worker, counts), ("tick", n),
    ("done", unit, counts, timings), ("error", text)."""
    try:
        while (unit := tasks.get()) is not None:
            with collector_paused():
                loc = generate_locality(unit, plan)
                events.put(("counts", unit, number, loc.row_counts()))
                starts = inbox.get()
                ticks = _Ticks(events)
                counts = write_locality(loc, plan, starts, ticks)
                ticks.flush()
                events.put(("done", unit, counts, loc.timings))
                del loc
    except BaseException:
        events.put(("error", traceback.format_exc()))
    finally:
        connections.close_all()


def _run_in_parallel(
    plan: Plan, jobs: int, starts: dict[str, int], summary: Summary, bar: tqdm
) -> None:
    # Forked workers open their own connections: the parent's must not be shared with them.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    tasks = context.Queue()
    events = context.Queue()
    inboxes = [context.Queue() for _ in range(jobs)]
    for unit in range(1, plan.units + 1):
        tasks.put(unit)
    for _ in range(jobs):
        tasks.put(None)
    workers = [
        context.Process(
            target=_worker,
            args=(number, plan, tasks, events, inboxes[number]),
            daemon=True,
        )
        for number in range(jobs)
    ]
    for process in workers:
        process.start()
    reported: dict[int, tuple[int, dict[str, int]]] = {}
    next_unit, done = 1, 0
    try:
        while done < plan.units:
            try:
                message = events.get(timeout=5)
            except queue.Empty:
                if not any(process.is_alive() for process in workers):
                    raise RuntimeError("seed_demo worker processes stopped early") from None
                continue
            kind = message[0]
            if kind == "tick":
                bar.update(message[1])
            elif kind == "counts":
                _, unit, number, counts = message
                reported[unit] = (number, counts)
                # Keys go out in locality order: locality k starts after 1..k-1 have counted.
                while next_unit in reported:
                    number, counts = reported.pop(next_unit)
                    inboxes[number].put(dict(starts))
                    _advance(starts, counts)
                    next_unit += 1
            elif kind == "done":
                _, unit, counts, timings = message
                summary.add(counts, timings)
                done += 1
                bar.set_description(f"seed_demo: {done}/{plan.units} localities written")
            elif kind == "error":
                raise RuntimeError(f"a seed_demo worker failed:\n{message[1]}")
    finally:
        for process in workers:
            if process.is_alive() and done < plan.units:
                process.terminate()
        for process in workers:
            process.join()
