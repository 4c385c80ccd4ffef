from pathlib import Path

from django.core.management.base import CommandParser

from casework.importers.command import ImportCommand
from casework.importers.ssda903 import SSDA903Importer, expand_paths


class Command(ImportCommand):
    help = (
        "Import SSDA903 CSV tables from files or folders. Give several years oldest first: "
        "an episode repeated across returns is merged and the later return wins."
    )
    importer_class = SSDA903Importer

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--la-code", help="The council's LA code, to tell in-area placements")

    def make_importer(self, options: dict) -> SSDA903Importer:
        return SSDA903Importer(la_code=options.get("la_code"))

    def expand(self, paths: list[Path]) -> list[Path]:
        return expand_paths(paths)
