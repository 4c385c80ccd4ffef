"""`manage.py bench_surgeries [--samples 20]`: the surgery meeting's pages on this database (the
embedded default's SQLite at demo size when run after `make seed`): agenda and child page p95,
the minutes PDF's time and pages, against the goals (300 ms, 3 s, under 10 pages). Nothing it
writes is kept. A benchmark, not a test: the figures depend on the machine."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.reporting import reporting_date
from perf.surgeries import measure_surgery_pages, within_goals


class Command(BaseCommand):
    help = "Time the surgery agenda, child page and minutes PDF as demo-chair."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--samples", type=int, default=20)
        parser.add_argument("--p95-ms", type=float, default=300.0)
        parser.add_argument("--pdf-s", type=float, default=3.0)

    def handle(self, *args: Any, **options: Any) -> None:
        figures = measure_surgery_pages(as_at=reporting_date(), samples=options["samples"])
        self.stdout.write(json.dumps(figures, indent=2))
        breaches = within_goals(figures, p95_ms=options["p95_ms"], pdf_s=options["pdf_s"])
        self.stdout.write("goals met" if not breaches else "BREACH: " + "; ".join(breaches))
