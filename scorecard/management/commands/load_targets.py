"""Load the scorecard's targets, tolerances and benchmarks from the seed CSV (idempotent)."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from scorecard.services import SEED_CSV, SEED_EFFECTIVE_FROM, targets_load_seed

# Targets the council sets for measures the seed report does not carry (DESIGN.md section 6).
LOCAL_TARGETS = SEED_CSV.parent / "local-targets.csv"


class Command(BaseCommand):
    help = "Load targets, tolerances and benchmarks from the seed scorecard CSV. Safe to re-run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, help="Default: the repo's seed and local targets files"
        )
        parser.add_argument(
            "--effective-from",
            type=date.fromisoformat,
            default=SEED_EFFECTIVE_FROM,
            help="Date the targets apply from (default: 2018-04-01, the report's financial year)",
        )

    def handle(self, *args, file: Path | None, effective_from: date, **options) -> None:
        for path in [Path(file)] if file else [SEED_CSV, LOCAL_TARGETS]:
            counts = targets_load_seed(path, effective_from=effective_from)
            self.stdout.write(
                f"{path.name}: loaded {counts.targets} targets and {counts.benchmarks} "
                f"benchmarks in force from {effective_from:%Y-%m-%d}."
            )
