"""Load the scorecard's targets, tolerances and benchmarks from the seed CSV (idempotent)."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from scorecard.services import SEED_CSV, SEED_EFFECTIVE_FROM, targets_load_seed


class Command(BaseCommand):
    help = "Load targets, tolerances and benchmarks from the seed scorecard CSV. Safe to re-run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=SEED_CSV, help="Default: the repo's seed")
        parser.add_argument(
            "--effective-from",
            type=date.fromisoformat,
            default=SEED_EFFECTIVE_FROM,
            help="Date the targets apply from (default: 2018-04-01, the report's financial year)",
        )

    def handle(self, *args, file: Path, effective_from: date, **options) -> None:
        counts = targets_load_seed(Path(file), effective_from=effective_from)
        self.stdout.write(
            f"Loaded {counts.targets} targets and {counts.benchmarks} benchmarks "
            f"in force from {effective_from:%Y-%m-%d}."
        )
