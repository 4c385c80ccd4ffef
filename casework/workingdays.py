"""The working-day calendar. Every timescale in working days goes through this module.

Working days are Monday-Friday, less England & Wales bank holidays (the `holidays` package, GB
subdivision ENG, one-off days such as 2022-09-19 included) and council closure days.

DfE convention: the working days between S and E are those after S up to and including E, and
"within N working days" means that count is at most N. The CalendarDay table holds a running
working-day number per date, so inside SQL the count is `number(E) - number(S)`.
"""

import time
from collections.abc import Iterable
from datetime import date, timedelta

import holidays
from django.db import transaction
from django.db.models import DateField, F, IntegerField, OuterRef, Subquery
from django.db.models.expressions import BaseExpression, Combinable

CALENDAR_START = date(2000, 1, 1)
CALENDAR_END = date(2035, 12, 31)


def bank_holidays(first_year: int, last_year: int) -> dict[date, str]:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return dict(days.items())


def closure_days() -> dict[date, str]:
    from casework.models import CouncilClosureDay

    return dict(CouncilClosureDay.objects.values_list("date", "reason"))


def build_rows(
    start: date, end: date, closures: dict[date, str]
) -> list[tuple[date, bool, int, str]]:
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
        [
            CalendarDay(date=d, is_working_day=w, working_day_number=n, holiday_name=h)
            for d, w, n, h in rows
        ],
        batch_size=2000,
    )
    clear_cache()
    # Cleared again once committed: a read between here and the commit (or a rollback) must not
    # leave this process holding numbers the database does not have.
    transaction.on_commit(clear_cache)
    return len(rows)


# Other processes (web workers, Celery workers) do not see this process's rebuild: they reload
# the calendar when their copy is older than this, so a closure day added in the admin reaches
# every Python-side due date within minutes without a restart. SQL always reads the table.
CACHE_SECONDS = 300.0

_cache: tuple[float, dict[date, int], dict[int, date]] | None = None


def _python_calendar() -> tuple[dict[date, int], dict[int, date]]:
    """The same numbering in memory, for Python-side due dates and tests."""
    global _cache
    if _cache is not None and time.monotonic() - _cache[0] < CACHE_SECONDS:
        return _cache[1], _cache[2]
    from casework.models import CalendarDay

    numbers: dict[date, int] = {}
    working: dict[int, date] = {}
    rows: Iterable[tuple[date, bool, int]] = CalendarDay.objects.values_list(
        "date", "is_working_day", "working_day_number"
    )
    if not CalendarDay.objects.exists():
        rows = [
            (d, w, n) for d, w, n, _ in build_rows(CALENDAR_START, CALENDAR_END, closure_days())
        ]
    for d, w, n in rows:
        numbers[d] = n
        if w:
            working[n] = d
    _cache = (time.monotonic(), numbers, working)
    return numbers, working


def clear_cache() -> None:
    global _cache
    _cache = None


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
    return working.get(target, CALENDAR_START)


# --- SQL expressions ------------------------------------------------------------------------------


def _check_evaluable_in_calendar(expression: Combinable, function: str) -> None:
    """An expression handed to wd_number/wd_date is evaluated inside a subquery on the calendar
    table, so a bare F("date") there would silently mean the calendar's own date. Refuse F and
    nested subqueries: refer to the outer row with OuterRef, or annotate first and pass the name."""
    stack: list[object] = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, F) and not isinstance(node, OuterRef):
            raise ValueError(
                f"{function}() got {node!r}, which would be read from the calendar table: "
                "pass the field name as a string or use OuterRef(name)."
            )
        if isinstance(node, Subquery):
            raise ValueError(
                f"{function}() cannot nest a subquery (its OuterRef would point at the calendar): "
                f"annotate the value first and pass its name, or use wd_add()."
            )
        if isinstance(node, BaseExpression):
            stack.extend(node.get_source_expressions())


def wd_number(date_ref: str | Combinable) -> Subquery:
    """SQL: the running working-day number of a date.

    `date_ref` is a field or annotation name of the queryset being annotated or filtered, or an
    expression built from OuterRef(...) and Value(...) (it is evaluated inside the calendar
    subquery). A datetime must be turned into a date first (TruncDate) and annotated."""
    from casework.models import CalendarDay

    if isinstance(date_ref, str):
        ref: Combinable = OuterRef(date_ref)
    else:
        _check_evaluable_in_calendar(date_ref, "wd_number")
        ref = date_ref
    return Subquery(
        CalendarDay.objects.filter(date=ref).values("working_day_number")[:1],
        output_field=IntegerField(),
    )


def wd_date(number: str | Combinable) -> Subquery:
    """SQL: the working day carrying a running number (for due dates `number(S) + N`).

    `number` is the name of an annotation or field holding the number (annotate
    `wd_number("start_date") + 45` first), or an expression of OuterRef(...) and Value(...)."""
    from casework.models import CalendarDay

    if isinstance(number, str):
        number_expr: Combinable = OuterRef(number)
    else:
        _check_evaluable_in_calendar(number, "wd_date")
        number_expr = number
    return Subquery(
        CalendarDay.objects.filter(working_day_number=number_expr, is_working_day=True).values(
            "date"
        )[:1],
        output_field=DateField(),
    )


def wd_add(date_ref: str, n: int) -> Subquery:
    """SQL: the date `n` working days after the date in field `date_ref` (n ≥ 1): the last day
    still "within n working days", as add_working_days() in Python. One expression, so it can
    be used directly in filter() and annotate()."""
    from casework.models import CalendarDay

    start_number = CalendarDay.objects.filter(date=OuterRef(OuterRef(date_ref))).values(
        "working_day_number"
    )[:1]
    return Subquery(
        CalendarDay.objects.filter(
            working_day_number=Subquery(start_number, output_field=IntegerField()) + n,
            is_working_day=True,
        ).values("date")[:1],
        output_field=DateField(),
    )


__all__ = [
    "add_working_days",
    "bank_holidays",
    "clear_cache",
    "is_working_day",
    "rebuild",
    "subtract_working_days",
    "wd_add",
    "wd_date",
    "wd_number",
    "working_day_number",
    "working_days_between",
]
