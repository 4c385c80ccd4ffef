from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from casework.annex_a_export import write_workbook


class Command(BaseCommand):
    help = "Write Ofsted's Annex A lists 1-11 computed from the case record as at a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-at", type=date.fromisoformat, required=True)
        parser.add_argument("path", type=Path)

    def handle(self, *args, **options) -> None:
        options["path"].write_bytes(write_workbook(options["as_at"]))
        self.stdout.write(f"Wrote {options['path']} (Annex A as at {options['as_at']:%d %B %Y})")
