"""Roll up the scorecard's snapshots in this process, without a broker: one date, or a range
(every day, or only month ends) for a backfill or after generating a synthetic council."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.periods import month_ends
from scorecard.queries import missing_rollup_dates
from scorecard.rollup import rollup_dates_in_process


def _as_date(value: date | str | None) -> date | None:
    # call_command passes keyword values through unparsed, so accept dates as well as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class Command(BaseCommand):
    help = (
        "Compute KPI snapshots for --date D, --from A --to B [--month-ends], or every missed "
        "date with --missing-since D."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat)
        parser.add_argument("--from", dest="from_", type=date.fromisoformat)
        parser.add_argument("--to", type=date.fromisoformat)
        parser.add_argument(
            "--month-ends",
            action="store_true",
            help="Only month ends in the range (and --to itself, so the latest date is there)",
        )
        parser.add_argument(
            "--missing-since",
            type=date.fromisoformat,
            help="Backfill every date since this one without a complete council snapshot",
        )
        parser.add_argument(
            "--quarter-ends",
            action="store_true",
            help="Only financial quarter ends in the range (and --to itself)",
        )
        parser.add_argument(
            "--newest-first",
            action="store_true",
            help="Newest date first, so the current quarter is ready soonest (make run)",
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Leave out dates that already have every measure's council snapshot",
        )
        parser.add_argument("--codes", nargs="+", help="Only these measure codes")

    def handle(self, *args, **options) -> None:
        day, start, end = (_as_date(options.get(k)) for k in ("date", "from_", "to"))
        since = _as_date(options.get("missing_since"))
        if sum(bool(x) for x in (day, start or end, since)) > 1:
            raise CommandError("Use one of --date, --from/--to or --missing-since.")
        if since:
            dates = missing_rollup_dates(since)
            if not dates:
                self.stdout.write(f"No missing dates since {since:%Y-%m-%d}.")
                return
        elif day:
            dates = [day]
        elif start and end:
            if end < start:
                raise CommandError("--to is before --from.")
            if options.get("month_ends") or options.get("quarter_ends"):
                dates = month_ends(start, end)
                if options.get("quarter_ends"):
                    dates = [d for d in dates if d.month in (3, 6, 9, 12)]
                if end not in dates:
                    dates.append(end)
            else:
                dates = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        else:
            raise CommandError("Give --date, or both --from and --to.")
        if options.get("skip_existing"):
            dates = [d for d in dates if d not in _complete_dates(dates)]
            if not dates:
                self.stdout.write("Every date already has its snapshots.")
                return
        if options.get("newest_first"):
            dates = sorted(dates, reverse=True)
        try:
            run = rollup_dates_in_process(
                dates,
                codes=options.get("codes"),
                month_ends=bool(options.get("month_ends") or options.get("quarter_ends")),
                trigger="command",
                on_date=self._progress if len(dates) > 1 else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Rollup {run.pk}: {len(dates)} date(s), {run.chunks_done}/{run.chunks_expected} "
            f"chunks, {run.status}."
        )
        if run.error:
            self.stderr.write(run.error)

    def _progress(self, day: date, seconds: float) -> None:
        self.stdout.write(f"  {day:%Y-%m-%d} done in {seconds:.1f}s")


def _complete_dates(dates: list[date]) -> set[date]:
    """Dates whose council snapshot already holds every registered measure."""
    from django.db.models import Count

    from scorecard.measures import all_measures
    from scorecard.models import KpiSnapshot

    wanted = len(all_measures())
    counts = (
        KpiSnapshot.objects.filter(scope_level="council", date__in=dates)
        .values("date")
        .annotate(n=Count("code", distinct=True))
    )
    return {row["date"] for row in counts if row["n"] >= wanted}
