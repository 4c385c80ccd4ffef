"""Time the committee report pack on the database at hand (the embedded default after `make run`:
SQLite, demo size): the page's reads and assembly, WeasyPrint's layout and the PDF's writing,
first in a fresh process (fonts and templates not yet loaded) and then warm, as a running server
renders it. It reports wall-clock and processor time, and the load average: on a shared machine
the wall-clock time includes waiting for a core. The goal: the whole pack in 3 s or less. Prints
one line per run and a JSON summary; `--output` writes the summary to a file (perf/results/).

    REPORTING_DATE=2018-09-30 python manage.py bench_report --quarter 2018-19-Q2 --repeat 5
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scorecard.measures.base import COUNCIL
from scorecard.pack import render_report
from scorecard.periods import Quarter
from scorecard.queries import scope_from_text
from scorecard.report import build_report

GOAL_SECONDS = 3.0


def _run(quarter: Quarter, scope: Any) -> dict[str, float | int]:
    cpu = time.process_time()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = build_report(quarter, scope)
        built = time.perf_counter()
    document = render_report(report)
    laid_out = time.perf_counter()
    pdf = document.write_pdf()
    written = time.perf_counter()
    return {
        # Processor time of this process: what the render costs when the machine is shared
        # (wall-clock time includes waiting for a core).
        "cpu_s": round(time.process_time() - cpu, 3),
        "build_s": round(built - started, 3),
        "layout_s": round(laid_out - built, 3),
        "write_s": round(written - laid_out, 3),
        "total_s": round(written - started, 3),
        "pages": len(document.pages),
        "bytes": len(pdf),
        "queries": len(queries.captured_queries),
    }


class Command(BaseCommand):
    help = "Time the committee report pack (reads, layout, PDF) cold and warm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", default="2018-19-Q2")
        parser.add_argument("--scope", default="council", help="As the scorecard command takes")
        parser.add_argument("--repeat", type=int, default=3, help="Warm runs after the first")
        parser.add_argument("--output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            quarter = Quarter.parse(options["quarter"])
            scope = scope_from_text(options["scope"]) if options["scope"] else COUNCIL
        except ValueError as error:
            raise CommandError(str(error)) from None
        runs = []
        for i in range(1 + options["repeat"]):
            run = _run(quarter, scope)
            runs.append(run)
            label = "cold" if i == 0 else f"warm {i}"
            self.stdout.write(
                f"{label:>7}: {run['total_s']:.2f} s (reads {run['build_s']:.2f}, layout "
                f"{run['layout_s']:.2f}, PDF {run['write_s']:.2f}), {run['pages']} pages, "
                f"{run['queries']} queries; {run['cpu_s']:.2f} s of processor time"
            )
        warm = [r["total_s"] for r in runs[1:]] or [runs[0]["total_s"]]
        summary = {
            "quarter": quarter.label,
            "scope": options["scope"],
            "database": connection.vendor,
            "goal_s": GOAL_SECONDS,
            "cold_s": runs[0]["total_s"],
            "warm_median_s": round(statistics.median(warm), 3),
            "warm_max_s": max(warm),
            "warm_median_cpu_s": round(statistics.median(r["cpu_s"] for r in runs[1:] or runs), 3),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "passes": max(warm) <= GOAL_SECONDS,
            "runs": runs,
        }
        self.stdout.write(json.dumps({k: v for k, v in summary.items() if k != "runs"}))
        if options["output"]:
            options["output"].write_text(json.dumps(summary, indent=2) + "\n")
