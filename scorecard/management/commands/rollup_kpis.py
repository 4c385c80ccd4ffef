"""Roll up the scorecard's snapshots in this process, without a broker: one date, or a range
(every day, or only month ends) for a backfill or after generating a synthetic council."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.periods import month_ends
from scorecard.rollup import rollup_dates_in_process


def _as_date(value: date | str | None) -> date | None:
    # call_command passes keyword values through unparsed, so accept dates as well as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class Command(BaseCommand):
    help = "Compute KPI snapshots for --date D, or --from A --to B [--month-ends]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat)
        parser.add_argument("--from", dest="from_", type=date.fromisoformat)
        parser.add_argument("--to", type=date.fromisoformat)
        parser.add_argument(
            "--month-ends",
            action="store_true",
            help="Only month ends in the range (and --to itself, so the latest date is there)",
        )
        parser.add_argument("--codes", nargs="+", help="Only these measure codes")

    def handle(self, *args, **options) -> None:
        day, start, end = (_as_date(options.get(k)) for k in ("date", "from_", "to"))
        if day and (start or end):
            raise CommandError("Use --date or --from/--to, not both.")
        if day:
            dates = [day]
        elif start and end:
            if end < start:
                raise CommandError("--to is before --from.")
            if options.get("month_ends"):
                dates = month_ends(start, end)
                if end not in dates:
                    dates.append(end)
            else:
                dates = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        else:
            raise CommandError("Give --date, or both --from and --to.")
        try:
            run = rollup_dates_in_process(
                dates,
                codes=options.get("codes"),
                month_ends=bool(options.get("month_ends")),
                trigger="command",
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Rollup {run.pk}: {len(dates)} date(s), {run.chunks_done}/{run.chunks_expected} "
            f"chunks, {run.status}."
        )
        if run.error:
            self.stderr.write(run.error)
