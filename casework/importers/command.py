"""The shared body of the import_* management commands."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.importers.pipeline import Importer, run_import


class ImportCommand(BaseCommand):
    importer_class: type

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--quarantine",
            action="store_true",
            help="Load the valid records and keep the invalid ones in quarantine for review.",
        )

    def make_importer(self, options: dict) -> Importer:
        return self.importer_class()

    def expand(self, paths: list[Path]) -> list[Path]:
        return paths

    def handle(self, *args, **options) -> None:
        paths = self.expand(options["paths"])
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        result = run_import(
            self.make_importer(options),
            paths,
            quarantine=options["quarantine"],
            progress=lambda line: self.stderr.write(line),
        )
        for line in result.report_lines():
            self.stdout.write(line)
        if not result.ok:
            raise CommandError("Rejected: nothing was loaded. Fix the problems listed above.")
