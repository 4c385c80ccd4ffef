"""Builds the whole synthetic council: `seed_council(scale=1, seed=1)`.

`scale` N is split into ceil(N) localities generated one after another, each a copy of the
calibrated council at N / ceil(N) of its size with its own teams and workers: rates are kept,
counts multiply, and memory stays that of one locality."""

from __future__ import annotations

import math
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from faker import Faker
from tqdm import tqdm

from casework import workingdays
from casework.demo import params as P
from casework.demo.activity import Builder
from casework.demo.care import fix_area, fix_legal_status, fix_moves
from casework.demo.extras import build_extras, strategic_risks
from casework.demo.journeys import build_journeys
from casework.demo.people import assign_children
from casework.demo.workforce import (
    allocate,
    build_segments,
    build_teams,
    build_workers,
    top_up_changes,
)
from casework.demo.writer import Writer, load_stamp


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def tune_sqlite() -> None:
    """A bigger page cache for this connection: one long transaction updating several indexes
    per table otherwise spills pages to the write-ahead log over and over."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -400000")


def ensure_calendar() -> None:
    """The generator counts working days with the app's own calendar table."""
    from casework.models import CalendarDay

    if not CalendarDay.objects.exists():
        workingdays.rebuild()
    workingdays.clear_cache()


def seed_council(
    *, scale: float = 1.0, seed: int = 1, as_at: date = P.AS_AT, progress: bool = True
) -> Summary:
    ensure_calendar()
    tune_sqlite()
    summary = Summary()
    units = max(1, math.ceil(scale))
    factor = scale / units
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    bar = tqdm(total=None, unit=" rows", file=sys.stderr, disable=not progress, desc="seed_demo")

    def timed(name: str, started: float) -> float:
        now = time.perf_counter()
        summary.timings[name] = summary.timings.get(name, 0.0) + now - started
        return now

    for unit in range(1, units + 1):
        rng = random.Random(f"council-{seed}-{unit}")
        suffix = "" if units == 1 else f" {unit}"
        bar.set_description(f"seed_demo locality {unit}/{units}: generating")
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
        t = timed("records", t)
        bar.set_description(f"seed_demo locality {unit}/{units}: writing")
        writer = Writer(unit, rng, fake, bar.update, load_stamp(as_at))
        with transaction.atomic():
            team_ids = writer.teams(teams)
            worker_ids = writer.workers(staff, team_ids)
            child_ids = writer.children(kids)
            writer.involvements(pieces, child_ids, worker_ids, team_ids)
            mash = next(tm.index for tm in teams if tm.pool == "front_door")
            writer.records(records, child_ids, worker_ids, team_ids, mash)
            writer.extras(extras, child_ids, worker_ids, team_ids)
            writer.reset_sequences()
        for name, n in writer.counts.items():
            summary.counts[name] = summary.counts.get(name, 0) + n
        timed("writing", t)
        del journeys, kids, pieces, staff, records, extras, segments
    from casework.models import StrategicRisk

    held = set(StrategicRisk.objects.values_list("title", "quarter_end"))
    writer = Writer(0, random.Random(seed), fake, bar.update, load_stamp(as_at))
    writer.insert(
        StrategicRisk,
        ["title", "owner", "quarter_end", "likelihood", "impact"],
        [row for row in strategic_risks(as_at) if (row[0], row[2]) not in held],
    )
    writer.reset_sequences()
    bar.close()
    return summary
