"""`manage.py embedded_bench [--samples N] [--only NAME ...] [--json FILE]`: the p95 of each page
a newcomer meets, on the embedded default (this settings' database, normally the SQLite file
`make run` seeds), as the demo users. A report, not a test: it exits 1 when a page is over its
goal so a script can notice. Pages are registered in perf/embedded.py."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from perf import embedded


class Command(BaseCommand):
    help = "Time the newcomer's pages on the embedded default and report their p95s."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--samples", type=int, default=20)
        parser.add_argument("--only", nargs="+", help="Pages whose name contains one of these")
        parser.add_argument("--json", type=Path, help="Write the figures here as JSON")

    def handle(self, *args, **options) -> None:
        results = embedded.measure(options["samples"], options["only"])
        self.stdout.write(embedded.report(results))
        if options["json"]:
            options["json"].write_text(json.dumps([r.as_dict() for r in results], indent=2))
        if not all(r.ok for r in results):
            raise SystemExit(1)
