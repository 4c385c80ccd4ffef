"""Print the scorecard for a quarter or an as-at date at any scope, as a table, JSON or CSV."""

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.periods import Quarter
from scorecard.queries import ScorecardRow, scope_from_text, scorecard_rows

COLUMNS = (
    "code",
    "title",
    "value",
    "numerator",
    "denominator",
    "target",
    "rating",
    "previous_value",
    "change_pct",
    "benchmark",
    "benchmark_label",
)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


class Command(BaseCommand):
    help = (
        "Print every scorecard measure. --period 2018-19-Q2: stocks at the quarter end, flows "
        "over each measure's period to it. --as-at YYYY-MM-DD: that date as the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--period", help="Financial quarter, e.g. 2018-19-Q2")
        when.add_argument("--as-at", dest="as_at", help="YYYY-MM-DD")
        parser.add_argument(
            "--scope",
            default="council",
            help="council, service_area:<name>, team:<name> or worker:<staff id>",
        )
        parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
        parser.add_argument(
            "--snapshot", action="store_true", help="Read the nightly snapshots, not live data"
        )
        parser.add_argument("--codes", nargs="+", help="Only these measure codes")

    def handle(self, *args, **options) -> None:
        try:
            end: Quarter | date = (
                Quarter.parse(options["period"])
                if options.get("period")
                else date.fromisoformat(options["as_at"])
            )
            scope = scope_from_text(options["scope"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = scorecard_rows(end, scope, snapshot=options["snapshot"], codes=options.get("codes"))
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps([row.as_dict() for row in rows], indent=2))
        elif fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            for row in rows:
                data = row.as_dict()
                writer.writerow([_cell(data[column]) for column in COLUMNS])
        else:
            self._table(rows)

    def _table(self, rows: list[ScorecardRow]) -> None:
        table = [
            [
                row.code,
                row.title[:48],
                _cell(row.value),
                _cell(row.numerator),
                _cell(row.denominator),
                _cell(row.target),
                row.rating_label,
                _cell(row.previous_value),
                "" if row.change_pct is None else f"{row.change_pct:+}%",
                f"{row.benchmark_value} ({row.benchmark_label})" if row.benchmark else "",
            ]
            for row in rows
        ]
        header = [
            "code",
            "title",
            "value",
            "num",
            "den",
            "target",
            "rating",
            "prev",
            "change",
            "benchmark",
        ]
        widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
        for line in [header, *table]:
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
