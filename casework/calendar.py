"""Calendar months: a date plus N months, in Python and in SQL, both clamping to the month's last
day. Working days are in `casework.workingdays`."""

import calendar
from datetime import date
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, Func
from django.db.models.sql.compiler import SQLCompiler


def add_months(day: date, months: int) -> date:
    """Calendar months, clamping to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AddMonths(Func):
    """SQL: a date column plus `months` calendar months (then plus `days` days), the months clamped
    to the month's last day exactly like `add_months` (31 Aug + 6 months = 28/29 Feb), so a due
    date computed in SQL matches the Python one. PostgreSQL's date + interval already clamps;
    SQLite's date() overflows into the next month, so there the overflow is folded back to the
    last day of the intended month."""

    output_field = DateField()

    def __init__(self, expression: Any, months: int, days: int = 0, **extra: Any) -> None:
        # Plain ints only: they are written into the SQL text, never user input.
        self.months = int(months)
        self.days = int(days)
        super().__init__(expression, **extra)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        interval = f"INTERVAL '{self.months} months' + INTERVAL '{self.days} days'"
        return f"CAST(({sql}) + {interval} AS date)", params

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        shifted = f"date({sql}, '{self.months:+d} months')"
        clamped = (
            f"(CASE WHEN strftime('%%d', {shifted}) = strftime('%%d', {sql}) THEN {shifted} "
            f"ELSE date({shifted}, 'start of month', '-1 day') END)"
        )
        return f"date({clamped}, '{self.days:+d} days')", (*params, *params, *params, *params)
