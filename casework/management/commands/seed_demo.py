"""`manage.py seed_demo [--scale N] [--seed S] [--as-at 2018-09-30] [--if-empty] [--no-rollup]`:
build the synthetic council (DESIGN.md section 10) and its demo logins. Development only."""

import resource
import sys
import time
from datetime import date

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.demo import params
from casework.demo.council import seed_council
from casework.demo.users import create_demo_users
from casework.models import Child

ROLLUP_FROM = date(2016, 4, 30)


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

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates demo logins with a public password: it runs only with DEBUG on."
            )
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0.")
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
        )
        create_demo_users(as_at)
        generated = time.perf_counter() - started
        rows = sum(summary.counts.values())
        self.stdout.write(
            f"Synthetic council (scale {options['scale']:g}, seed {options['seed']}) as at "
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
