"""Run the DfE's SSDA903 validation rules against the stored care history (not a return)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.importers.ssda903_stored import (
    CHECKED,
    EXPORT_HEADER,
    export_rows,
    rule_counts,
    stored_history_problems,
)
from casework.models import Child
from common.exports import csv_bytes


class Command(BaseCommand):
    help = (
        "Check the stored SSDA903 history against the DfE's validation rules (the same rules as "
        "at import, on every loaded year): a count per rule, then each problem by child, return, "
        "row and field. --csv writes the list as CSV to standard output instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rule", choices=CHECKED, help="Only this rule's problems")
        parser.add_argument("--csv", action="store_true", help="The list as CSV on stdout")
        parser.add_argument(
            "--fail-on-errors",
            action="store_true",
            help="Exit with an error when any problem is an error (for a scheduled check)",
        )

    def handle(self, *args, **options) -> None:
        problems = stored_history_problems(children=Child.objects.all())
        counts = rule_counts(problems)
        if options["rule"]:
            problems = [p for p in problems if p.code == options["rule"]]
        if options["csv"]:
            # The same neutralised CSV as the page's download (formula triggers quoted).
            self.stdout.write(csv_bytes(EXPORT_HEADER, export_rows(problems)).decode(), ending="")
        else:
            self.stdout.write("SSDA903 history checked against the DfE's rules")
            for c in counts:
                self.stdout.write(f"  {c.code:>7} {c.severity:<7} {c.count:>6}  {c.message}")
            self.stdout.write(f"{len(problems)} problem(s):")
            for p in problems:
                self.stdout.write(
                    f"  - [{p.code} {p.severity}] child {p.child}, {p.return_label}, "
                    f"{p.record}, field {p.field}: {p.message}"
                )
        if options["fail_on_errors"] and any(p.severity == "error" for p in problems):
            raise CommandError("The stored history has errors: see the list above.")
