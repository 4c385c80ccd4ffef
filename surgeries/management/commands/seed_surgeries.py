"""`manage.py seed_surgeries [--seed S] [--months 6] [--as-at 2018-09-30] [--if-empty]`: the
synthetic council's surgery history (surgeries/demo.py), after `seed_demo`. Development only."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.reporting import reporting_date
from surgeries.demo import seed_surgery_history
from surgeries.models import Surgery


class Command(BaseCommand):
    help = "Add monthly surgeries per service area, with discussions and actions (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same history")
        parser.add_argument("--months", type=int, default=6, help="Months of surgeries")
        parser.add_argument("--as-at", type=date.fromisoformat, default=None)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if a surgery exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_surgeries builds synthetic data: run it with DEBUG on.")
        if options["if_empty"] and Surgery.objects.exists():
            self.stdout.write("surgeries exist: nothing seeded")
            return
        as_at = options["as_at"] or reporting_date()
        started = time.monotonic()
        history = seed_surgery_history(as_at=as_at, seed=options["seed"], months=options["months"])
        self.stdout.write(
            f"{history.surgeries} surgeries, {history.discussions} discussions, "
            f"{history.actions} actions ({history.done} done, {history.open} open, "
            f"{history.overdue} overdue) in {time.monotonic() - started:.1f} s"
        )
