"""The working-day calendar. Every timescale in working days goes through this module.

Working days are Monday-Friday, less England & Wales bank holidays (the `holidays` package, GB
subdivision ENG, one-off days such as 2022-09-19 included) and council closure days.

DfE convention: the working days between S and E are those after S up to and including E, and
"within N working days" means that count is at most N. The CalendarDay table holds a running
working-day number per date, so inside SQL the count is `number(E) - number(S)`.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db import transaction
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.expressions import Combinable

CALENDAR_START = date(2000, 1, 1)
CALENDAR_END = date(2035, 12, 31)


def bank_holidays(first_year: int, last_year: int) -> dict[date, str]:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return dict(days.items())


def closure_days() -> dict[date, str]:
    from casework.models import CouncilClosureDay

    return dict(CouncilClosureDay.objects.values_list("date", "reason"))


def build_rows(start: date, end: date, closures: dict[date, str]) -> list[tuple[date, bool, int, str]]:
    """(date, is working day, running working-day number, holiday name) for each date."""
    off = bank_holidays(start.year, end.year) | closures
    rows = []
    number = 0
    day = start
    while day <= end:
        name = off.get(day, "")
        working = day.weekday() < 5 and not name
        number += working
        rows.append((day, working, number, name))
        day += timedelta(days=1)
    return rows


@transaction.atomic
def rebuild(start: date = CALENDAR_START, end: date = CALENDAR_END) -> int:
    """Rebuild the calendar table (after closure days change). Returns the number of rows."""
    from casework.models import CalendarDay

    rows = build_rows(start, end, closure_days())
    CalendarDay.objects.all().delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_working_day=w, working_day_number=n, holiday_name=h) for d, w, n, h in rows],
        batch_size=2000,
    )
    _python_calendar.cache_clear()
    return len(rows)


@lru_cache(maxsize=1)
def _python_calendar() -> tuple[dict[date, int], dict[int, date]]:
    """The same numbering in memory, for Python-side due dates and tests."""
    from casework.models import CalendarDay

    numbers: dict[date, int] = {}
    working: dict[int, date] = {}
    rows = CalendarDay.objects.values_list("date", "is_working_day", "working_day_number")
    if not rows.exists():
        rows = [(d, w, n) for d, w, n, _ in build_rows(CALENDAR_START, CALENDAR_END, closure_days())]
    for d, w, n in rows:
        numbers[d] = n
        if w:
            working[n] = d
    return numbers, working


def clear_cache() -> None:
    _python_calendar.cache_clear()


def working_day_number(day: date) -> int:
    return _python_calendar()[0][day]


def is_working_day(day: date) -> bool:
    numbers, working = _python_calendar()
    return working.get(numbers[day]) == day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if end is before start)."""
    return working_day_number(end) - working_day_number(start)


def add_working_days(start: date, n: int) -> date:
    """The date that is n working days after `start` (n ≥ 1): the last day still "within n"."""
    numbers, working = _python_calendar()
    return working[numbers[start] + n]


def subtract_working_days(end: date, n: int) -> date:
    """The earliest date S with working_days_between(S, end) ≤ n: a start on or after it is
    still inside an n-working-day timescale at `end`."""
    numbers, working = _python_calendar()
    target = numbers[end] - n
    # The first date whose running number equals target is the working day `target` itself
    # (non-working days that follow it share its number but come later).
    return working[target] if target in working else CALENDAR_START


# --- SQL expressions ------------------------------------------------------------------------------


def wd_number(date_ref: str | Combinable) -> Subquery:
    """SQL: the running working-day number of a date column (an OuterRef name or expression)."""
    from casework.models import CalendarDay

    ref = OuterRef(date_ref) if isinstance(date_ref, str) else date_ref
    return Subquery(
        CalendarDay.objects.filter(date=ref).values("working_day_number")[:1],
        output_field=IntegerField(),
    )


def wd_date(number_expr: Combinable) -> Subquery:
    """SQL: the working day carrying a running number (for due dates `number(S) + N`)."""
    from casework.models import CalendarDay

    return Subquery(
        CalendarDay.objects.filter(working_day_number=number_expr, is_working_day=True).values(
            "date"
        )[:1]
    )


__all__ = [
    "add_working_days",
    "bank_holidays",
    "clear_cache",
    "is_working_day",
    "rebuild",
    "subtract_working_days",
    "wd_date",
    "wd_number",
    "working_day_number",
    "working_days_between",
]
