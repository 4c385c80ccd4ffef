"""Measure SSDA903 import throughput end to end (parse, validate, load) on synthetic rows."""

import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.importers.synthetic import write_903


class Command(BaseCommand):
    help = "Generate N synthetic SSDA903 episodes, import them, print rows per second."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--episodes", type=int, default=100_000)

    def handle(self, *args, **options) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = write_903(Path(folder), options["episodes"])
            started, cpu = time.perf_counter(), time.process_time()
            result = run_import(SSDA903Importer(la_code="916"), [path])
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
        rows = options["episodes"]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{connection.vendor}: {rows:,} episodes (+{rows // 4:,} header rows) in "
            f"{elapsed:.1f} s = {rows / elapsed:,.0f} episode rows/s (Python CPU {cpu:.1f} s); "
            f"outcome {result.run.outcome}; peak RSS {peak_mb:,.0f} MB"
        )
