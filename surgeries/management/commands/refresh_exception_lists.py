"""Store the exception lists as at a date for the workbench (what the nightly
`surgeries.tasks.refresh_exception_lists` task does), from the command line: `make run` calls it
in the background so the demo's workbench reads stored rows instead of computing them live."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.reporting import reporting_date
from surgeries.lists import refresh


class Command(BaseCommand):
    help = "Store every exception list as at --date (default: the reporting date, or today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="As-at date, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_at = date.fromisoformat(options["date"]) if options["date"] else reporting_date()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from exc
        marker = refresh(as_at)
        self.stdout.write(
            f"exception lists as at {as_at}: {marker.rows} rows in {marker.seconds} s"
        )
