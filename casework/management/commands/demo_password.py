"""`manage.py demo_password`: print the demo logins' password (DEBUG only; demo data only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.demo.users import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the password of the demo logins that seed_demo creates (DEBUG only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo logins exist only on a DEBUG machine.")
        self.stdout.write(DEMO_PASSWORD)
