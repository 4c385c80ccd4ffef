"""The app's "current date"."""

from datetime import date

from django.conf import settings
from django.utils import timezone


def reporting_date() -> date:
    """Today, or the latest date of loaded data when REPORTING_DATE is set (the demo: 2018-09-30).

    Views call this once and pass the date down; measures and lists never call it themselves."""
    configured = getattr(settings, "REPORTING_DATE", None)
    return configured or timezone.localdate()
