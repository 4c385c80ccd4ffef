"""The reference SQL: one hand-written PostgreSQL statement per measure
(perf/reference_sql/<code>.sql) giving council, service area, team and worker totals in one
pass. It is the floor the ORM rollup is measured against and a second implementation the ORM
must agree with, scope by scope.

Each statement takes %(as_at)s (stocks) or %(start)s and %(end)s (flows) and returns rows of
(level, scope_id, numerator, denominator) with level one of council (scope_id 0), service_area,
team and worker. A scope with no rows is absent: it counts as 0 of 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from importlib import import_module
from pathlib import Path

from django.db import connection

from scorecard.measures import registry
from scorecard.measures.base import Measure, MeasureScope, Result, Unit
from scorecard.periods import measure_period

REFERENCE_DIR = Path(__file__).resolve().parent / "reference_sql"

ScopeKey = tuple[str, int]


def every_measure() -> list[Measure]:
    """Every registered measure. registry.all_measures() loads the measure modules only when the
    registry is empty, so a process that imported one measure module first would see just that
    module's measures: import them all here."""
    for module in registry.MODULES:
        import_module(module)
    return registry.all_measures()


def reference_codes() -> list[str]:
    """Registered measure codes that have a reference statement, in registry order."""
    present = {path.stem for path in REFERENCE_DIR.glob("*.sql")}
    return [m.code for m in every_measure() if m.code in present]


def codes_without_reference() -> list[str]:
    present = set(reference_codes())
    return [m.code for m in every_measure() if m.code not in present]


@cache
def reference_sql(code: str) -> str:
    return (REFERENCE_DIR / f"{code}.sql").read_text()


def reference_params(measure: Measure, day: date) -> dict[str, date]:
    """The measure's period for `day` exactly as the rollup takes it (stocks as at `day`, flows
    over their default months to it)."""
    period = measure_period(measure, day)
    return {"as_at": period.end, "start": period.start, "end": period.end}


def reference_rows(code: str, day: date) -> list[tuple[str, int, int, int]]:
    measure = registry.get(code)
    with connection.cursor() as cursor:
        cursor.execute(reference_sql(code), reference_params(measure, day))
        return [(str(a), int(b), int(c), int(d)) for a, b, c, d in cursor.fetchall()]


def reference_results(code: str, day: date) -> dict[ScopeKey, Result]:
    """Result per scope from the reference statement, shaped like Measure.result."""
    measure = registry.get(code)
    return {
        (level, scope_id): _result(measure, numerator, denominator)
        for level, scope_id, numerator, denominator in reference_rows(code, day)
    }


def _result(measure: Measure, numerator: int, denominator: int) -> Result:
    count = numerator if measure.unit == Unit.PERCENT else denominator
    return Result.of(measure.code, measure.unit, count, denominator)


def empty_result(measure: Measure) -> Result:
    return _result(measure, 0, 0)


def orm_results(measure: Measure, day: date, scopes: Iterable[ScopeKey]) -> dict[ScopeKey, Result]:
    """Measure.result for each scope: the scorecard's own path, one query per scope."""
    period = measure_period(measure, day)
    out = {}
    for level, scope_id in scopes:
        scope = MeasureScope() if level == "council" else MeasureScope(level, scope_id)
        out[(level, scope_id)] = measure.result(period, scope)
    return out
