"""`manage.py seed_demo [--scale N] [--seed S] [--as-at 2018-09-30] [--if-empty] [--no-rollup]
[--jobs N]`: build the synthetic council (DESIGN.md section 10) and its demo logins. Development
only."""

import math
import os
import resource
import sys
import time
from datetime import date

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from casework.demo import params
from casework.demo.council import seed_council
from casework.demo.users import create_demo_users
from casework.models import Child

ROLLUP_FROM = date(2016, 4, 30)
# Worker processes by default: one locality in memory each (about 0.4 GB at full size), so four
# keep a large council inside 2 GB.
MAX_AUTO_JOBS = 4


def default_jobs(scale: float) -> int:
    """Parallel localities on PostgreSQL, one per core (at most MAX_AUTO_JOBS); SQLite takes
    one writer at a time."""
    if connection.vendor != "postgresql":
        return 1
    return max(1, min(os.cpu_count() or 1, math.ceil(scale), MAX_AUTO_JOBS))


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Command(BaseCommand):
    help = "Build the synthetic council with years of case history and demo logins (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Council size (1 = calibrated)"
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed: same seed, same data")
        parser.add_argument("--as-at", type=date.fromisoformat, default=params.AS_AT)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if children exist")
        parser.add_argument("--no-rollup", action="store_true", help="Skip the KPI rollup")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")
        parser.add_argument(
            "--localities",
            type=int,
            default=None,
            help="Localities the council is split into (default: scale rounded up)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Localities generated and written in parallel worker processes (PostgreSQL "
            f"only; default: one per core, at most {MAX_AUTO_JOBS}, on PostgreSQL, else 1). "
            "The database is the same whatever the number.",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates demo logins with a public password: it runs only with DEBUG on."
            )
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0.")
        jobs = options["jobs"]
        if jobs is None:
            jobs = default_jobs(options["localities"] or options["scale"])
        if options["localities"] is not None and options["localities"] < 1:
            raise CommandError("--localities must be at least 1.")
        if jobs < 1:
            raise CommandError("--jobs must be at least 1.")
        if jobs > 1 and connection.vendor != "postgresql":
            raise CommandError("--jobs above 1 needs PostgreSQL (SQLite takes one writer).")
        if options["if_empty"] and Child.objects.exists():
            self.stdout.write("Children already exist: nothing to do (--if-empty).")
            return
        as_at: date = options["as_at"]
        started = time.perf_counter()
        summary = seed_council(
            scale=options["scale"],
            seed=options["seed"],
            as_at=as_at,
            progress=not options["no_progress"],
            jobs=jobs,
            localities=options["localities"],
        )
        create_demo_users(as_at)
        generated = time.perf_counter() - started
        rows = sum(summary.counts.values())
        self.stdout.write(
            f"Synthetic council (scale {options['scale']:g}, seed {options['seed']}, {jobs} "
            f"job{'s' if jobs > 1 else ''}) as at "
            f"{as_at}: {rows:,} rows in {generated:.1f}s, peak memory {peak_rss_mb():.0f} MB."
        )
        for name, n in sorted(summary.counts.items()):
            self.stdout.write(f"  {name}: {n:,}")
        self.stdout.write(
            "  timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in summary.timings.items())
        )
        self.stdout.write("Demo logins created; `manage.py demo_password` prints the password.")
        if options["no_rollup"]:
            return
        if "rollup_kpis" not in get_commands():
            self.stdout.write(
                self.style.WARNING("rollup_kpis is not available yet: skipped the KPI rollup.")
            )
            return
        rolled = time.perf_counter()
        call_command("rollup_kpis", from_=min(ROLLUP_FROM, as_at), to=as_at, month_ends=True)
        self.stdout.write(f"KPI rollup done in {time.perf_counter() - rolled:.1f}s.")
