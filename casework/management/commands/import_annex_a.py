from datetime import date

from django.core.management.base import CommandParser

from casework.importers.annex_a import AnnexAImporter
from casework.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import Ofsted Annex A lists (xlsx): allocations, latest visits, plan and check dates."
    importer_class = AnnexAImporter

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--as-at", type=date.fromisoformat, help="Snapshot date (default: latest in the file)"
        )

    def make_importer(self, options: dict) -> AnnexAImporter:
        return AnnexAImporter(as_at=options.get("as_at"))
