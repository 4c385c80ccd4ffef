"""The app's one clock.

Every "today" the app uses to validate, default or label something comes from here:
`reporting_date()` for the date, `reporting_now()` for a moment (a visit's write-up time). In
production that is the real date in Europe/London; in the demo REPORTING_DATE is the last day
of loaded data (2018-09-30), so "today" there is that day, a visit dated after it is refused and
the scorecard's current quarter is the one that ends on it.

What stays on the real clock: when something actually happened in the system (an audit row, an
import or rollup run's start and finish, an action's completion stamp). Those record events, they
do not judge dates of the case record.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


def reporting_date() -> date:
    """Today, or the latest date of loaded data when REPORTING_DATE is set (the demo: 2018-09-30).

    Views call this once and pass the date down; measures and lists never call it themselves."""
    configured = getattr(settings, "REPORTING_DATE", None)
    return configured or timezone.localdate()


def reporting_now() -> datetime:
    """Now, or, when REPORTING_DATE is set, the current time of day on that date (aware, Europe/
    London): a visit written up in the demo is written up "today", not years after its date."""
    now = timezone.localtime()
    configured = getattr(settings, "REPORTING_DATE", None)
    if not configured:
        return now
    return now.replace(year=configured.year, month=configured.month, day=configured.day)


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 30 September 2018."""
    return f"{day.day} {day:%B %Y}"
