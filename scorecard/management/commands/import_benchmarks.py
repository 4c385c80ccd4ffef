"""Import benchmarks (England, statistical neighbours...) from a CSV file: all or nothing."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.services import benchmarks_import


class Command(BaseCommand):
    help = (
        "Import benchmarks from CSV with columns code,label,period,value[,effective_from]. "
        "The whole file is checked first; on any error nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--effective-from",
            type=date.fromisoformat,
            default=None,
            help="For rows without effective_from (default: the reporting date)",
        )

    def handle(self, *args, file: Path, effective_from: date | None, **options) -> None:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        result = benchmarks_import(text, default_effective_from=effective_from, source=path.name)
        if result.errors:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError(f"{len(result.errors)} row(s) with errors; nothing was imported.")
        self.stdout.write(f"Imported {result.written} benchmarks from {path.name}.")
