"""The scorecard's reads and writes for the pages, the command and the rollup.

`scorecard_rows` is the scorecard: one row per measure in registry order, live from the measures
or from the nightly snapshots. `trends` reads snapshot values at quarter ends for charts.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Q

from scorecard.measures import registry
from scorecard.measures.base import COUNCIL, Better, Measure, MeasureScope, Period, Result, Unit
from scorecard.models import (
    COUNCIL_SCOPE_ID,
    Benchmark,
    KpiSnapshot,
    MeasureTarget,
    ScopeLevel,
    SnapshotCohort,
)
from scorecard.periods import Quarter, end_date, measure_period, previous_end
from scorecard.rating import Change, Rating, direction_of_travel, rate


@dataclass(frozen=True)
class TargetInForce:
    target: Decimal
    tolerance: Decimal | None
    better: str  # "" when the target row leaves polarity to the measure


@dataclass(frozen=True)
class BenchmarkInForce:
    label: str
    period: str
    value: Decimal


@dataclass(frozen=True)
class ScorecardRow:
    """One measure on the scorecard at one scope for one period."""

    code: str
    title: str
    section: str
    unit: str
    better: str
    kind: str
    period: Period
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    target: Decimal | None
    tolerance: Decimal | None
    rating: Rating | None
    previous_period: Period
    previous_value: Decimal | None
    change: Change | None
    benchmark: BenchmarkInForce | None
    # Every benchmark in force (England, statistical neighbours...); `benchmark` is the first.
    benchmarks: tuple[BenchmarkInForce, ...] = ()
    from_snapshot: bool = False

    @property
    def rating_label(self) -> str:
        return self.rating.label if self.rating else ""

    @property
    def change_pct(self) -> Decimal | None:
        return self.change.pct if self.change else None

    @property
    def direction(self) -> str:
        return self.change.direction.value if self.change else ""

    @property
    def improved(self) -> bool | None:
        return self.change.improved if self.change else None

    @property
    def change_text(self) -> str:
        return self.change.sentence if self.change else ""

    @property
    def benchmark_value(self) -> Decimal | None:
        return self.benchmark.value if self.benchmark else None

    @property
    def benchmark_label(self) -> str:
        return self.benchmark.label if self.benchmark else ""

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (decimals as strings keep 63.8 exact)."""

        def num(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "code": self.code,
            "title": self.title,
            "section": self.section,
            "unit": self.unit,
            "better": self.better,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "value": num(self.value),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "target": num(self.target),
            "tolerance": num(self.tolerance),
            "rating": self.rating.value if self.rating else None,
            "previous_value": num(self.previous_value),
            "change_pct": num(self.change_pct),
            "direction": self.direction or None,
            "improved": self.improved,
            "change_text": self.change_text,
            "benchmark": num(self.benchmark_value),
            "benchmark_label": self.benchmark_label or None,
            "benchmark_period": self.benchmark.period if self.benchmark else None,
            "benchmarks": [{**asdict(b), "value": str(b.value)} for b in self.benchmarks],
            "from_snapshot": self.from_snapshot,
        }


# --- Targets and benchmarks in force --------------------------------------------------------------


def targets_in_force(on: date, codes: Iterable[str] | None = None) -> dict[str, TargetInForce]:
    """The target of each measure at D: the latest effective_from ≤ D. One query."""
    rows = MeasureTarget.objects.filter(effective_from__lte=on)
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    found: dict[str, TargetInForce] = {}
    for code, target, tolerance, better in rows.order_by("code", "-effective_from").values_list(
        "code", "target", "tolerance", "better"
    ):
        found.setdefault(code, TargetInForce(target, tolerance, better))
    return found


def benchmarks_in_force(
    on: date, codes: Iterable[str] | None = None
) -> dict[str, list[BenchmarkInForce]]:
    """Each measure's benchmarks at D, one per label (latest effective_from ≤ D). One query."""
    rows = Benchmark.objects.filter(effective_from__lte=on)
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    found: dict[str, dict[str, BenchmarkInForce]] = defaultdict(dict)
    for code, label, period, value in rows.order_by("code", "label", "-effective_from").values_list(
        "code", "label", "period", "value"
    ):
        found[code].setdefault(label, BenchmarkInForce(label, period, value))
    return {code: list(by_label.values()) for code, by_label in found.items()}


# --- Scopes ---------------------------------------------------------------------------------------


def scope_key(scope: MeasureScope) -> tuple[str, int]:
    """(scope_level, scope_id) as stored on KpiSnapshot."""
    if scope.level == ScopeLevel.COUNCIL:
        return scope.level, COUNCIL_SCOPE_ID
    return scope.level, int(scope.pk or 0)


def scope_from_text(text: str) -> MeasureScope:
    """ "council", "service_area:<name>", "team:<name>" or "worker:<staff id>" → MeasureScope.
    Raises ValueError naming what was not found."""
    from casework.models import ServiceArea, Team, Worker

    text = text.strip()
    if text in ("", "council"):
        return COUNCIL
    level, _, key = text.partition(":")
    lookups: dict[str, tuple[type[models.Model], str]] = {
        "service_area": (ServiceArea, "name"),
        "team": (Team, "name"),
        "worker": (Worker, "staff_id"),
    }
    if level not in lookups or not key:
        raise ValueError(
            f"Unknown scope {text!r}: use council, service_area:<name>, team:<name> or "
            "worker:<staff id>"
        )
    model, field = lookups[level]
    pk = model._default_manager.filter(**{field: key}).values_list("pk", flat=True).first()
    if pk is None:
        raise ValueError(f"No {level.replace('_', ' ')} {key!r}")
    return MeasureScope(level, pk)


# --- The scorecard --------------------------------------------------------------------------------


def parse_end(period_or_quarter: Quarter | date | str) -> Quarter | date:
    """A Quarter, an as-at date, "2018-19-Q2" or "2018-09-30" → Quarter or date."""
    if isinstance(period_or_quarter, str):
        text = period_or_quarter.strip()
        if "Q" in text:
            return Quarter.parse(text)
        return date.fromisoformat(text)
    return period_or_quarter


def scorecard_measures() -> list[Measure]:
    """The measures shown on the scorecard, in registry (report) order."""
    return [m for m in registry.all_measures() if m.on_scorecard]


def scorecard_rows(
    period_or_quarter: Quarter | date | str,
    scope: MeasureScope = COUNCIL,
    *,
    snapshot: bool = False,
    codes: Sequence[str] | None = None,
    stored: dict[tuple[str, date], Result] | None = None,
) -> list[ScorecardRow]:
    """Every scorecard measure at `scope` for a quarter ("2018-19-Q2" or a Quarter: stocks at
    its end, flows over each measure's period to its end) or an as-at date (used as the end).

    Live (default) asks each measure for its result now, for this period and the previous
    one. `snapshot=True` reads the nightly KpiSnapshot rows for the end date and the previous
    end instead (one query), so figures match what was reported even after data changes;
    measures without a snapshot row have value None. `stored` passes snapshot results the
    caller has already read (keyed as `snapshot_results` keys them), saving that query.
    """
    end = parse_end(period_or_quarter)
    prev = previous_end(end)
    measures = scorecard_measures()
    if codes is not None:
        wanted = set(codes)
        measures = [m for m in measures if m.code in wanted]
    on = end_date(end)
    all_codes = [m.code for m in measures]
    targets = targets_in_force(on, all_codes)
    benchmarks = benchmarks_in_force(on, all_codes)

    if snapshot:
        if stored is None:
            stored = snapshot_results(all_codes, scope, [on, end_date(prev)])
        units = {m.code: m.unit for m in measures}
        current = {code: _like_live(stored.get((code, on)), units[code]) for code in all_codes}
        previous = {
            code: _like_live(stored.get((code, end_date(prev))), units[code]) for code in all_codes
        }
    else:
        current = {m.code: m.result(measure_period(m, end), scope) for m in measures}
        previous = {m.code: m.result(measure_period(m, prev), scope) for m in measures}

    rows = []
    for measure in measures:
        now, before = current[measure.code], previous[measure.code]
        target = targets.get(measure.code)
        better = (target.better if target and target.better else measure.better) or ""
        rating = (
            rate(now.value if now else None, target.target, target.tolerance, better, measure.unit)
            if target
            else None
        )
        value = now.value if now else None
        previous_value = before.value if before else None
        marks = tuple(benchmarks.get(measure.code, ()))
        rows.append(
            ScorecardRow(
                code=measure.code,
                title=measure.title,
                section=measure.section,
                unit=str(measure.unit),
                better=str(better),
                kind=str(measure.kind),
                period=measure_period(measure, end),
                value=value,
                numerator=now.numerator if now else None,
                denominator=now.denominator if now else None,
                target=target.target if target else None,
                tolerance=target.tolerance if target else None,
                rating=rating,
                previous_period=measure_period(measure, prev),
                previous_value=previous_value,
                change=direction_of_travel(value, previous_value, better, rating),
                benchmark=marks[0] if marks else None,
                benchmarks=marks,
                from_snapshot=snapshot,
            )
        )
    return rows


def _like_live(result: Result | None, unit: Unit) -> Result | None:
    """A stored result with its value in the form `Result.of` gives (a count as a whole number,
    a percentage to one place), so snapshot and live rows print alike."""
    if result is None or result.value is None:
        return result
    exponent = Decimal(1) if unit == Unit.COUNT else Decimal("0.1")
    return Result(
        result.code, result.numerator, result.denominator, result.value.quantize(exponent)
    )


def snapshot_results(
    codes: Sequence[str], scope: MeasureScope, dates: Sequence[date]
) -> dict[tuple[str, date], Result]:
    """Stored results keyed by (code, date) for one scope. One query."""
    level, scope_id = scope_key(scope)
    rows = KpiSnapshot.objects.filter(
        code__in=list(codes), scope_level=level, scope_id=scope_id, date__in=list(dates)
    ).values_list("code", "date", "numerator", "denominator", "value")
    return {
        (code, day): Result(code, numerator, denominator, value)
        for code, day, numerator, denominator, value in rows
    }


def snapshot_cohort(code: str, scope: MeasureScope, day: date) -> SnapshotCohort | None:
    """The row ids behind a stored quarter-end figure, to reproduce it after the data changed."""
    level, scope_id = scope_key(scope)
    return SnapshotCohort.objects.filter(
        snapshot__code=code,
        snapshot__scope_level=level,
        snapshot__scope_id=scope_id,
        snapshot__date=day,
    ).first()


@dataclass(frozen=True)
class PageSnapshots:
    """What the scorecard page reads from the snapshot table, in one query: the scope's stored
    results at the trend dates (which include the quarter end and the previous one), and which
    nights of a range have a complete council snapshot (for the missed-nights warning)."""

    results: dict[tuple[str, date], Result]
    complete_council_dates: frozenset[date]

    def series(self, dates: Sequence[date]) -> dict[str, list[tuple[date, Decimal | None]]]:
        """Like `trends`: each code's values at the dates held, oldest first."""
        series: dict[str, list[tuple[date, Decimal | None]]] = defaultdict(list)
        for (code, day), result in sorted(self.results.items()):
            if day in dates:
                series[code].append((day, result.value))
        return dict(series)

    def missing_between(self, since: date, until: date) -> list[date]:
        days = (since + timedelta(days=n) for n in range((until - since).days + 1))
        return [day for day in days if day not in self.complete_council_dates]


def page_snapshots(
    codes: Sequence[str],
    scope: MeasureScope,
    dates: Sequence[date],
    council_nights: tuple[date, date] | None = None,
) -> PageSnapshots:
    """Snapshot rows for `codes` at `scope` on `dates` and, when `council_nights` (since, until)
    is given, the council rows of every measure on those nights, as `missing_rollup_dates`
    counts them. One query (a few hundred rows: at most one per measure and date)."""
    level, scope_id = scope_key(scope)
    wanted = Q(code__in=list(codes), scope_level=level, scope_id=scope_id, date__in=list(dates))
    every_code = [m.code for m in registry.all_measures()]
    if council_nights is not None:
        since, until = council_nights
        wanted |= Q(
            scope_level=ScopeLevel.COUNCIL,
            scope_id=COUNCIL_SCOPE_ID,
            date__gte=since,
            date__lte=until,
            code__in=every_code,
        )
    results: dict[tuple[str, date], Result] = {}
    council_codes: dict[date, set[str]] = defaultdict(set)
    code_set, date_set = set(codes), set(dates)
    rows = KpiSnapshot.objects.filter(wanted).values_list(
        "code", "date", "scope_level", "scope_id", "numerator", "denominator", "value"
    )
    for code, day, row_level, row_scope, numerator, denominator, value in rows:
        if row_level == level and row_scope == scope_id and code in code_set and day in date_set:
            results[(code, day)] = Result(code, numerator, denominator, value)
        if council_nights is not None and row_level == ScopeLevel.COUNCIL:
            council_codes[day].add(code)
    complete = frozenset(
        day for day, found in council_codes.items() if len(found) >= len(every_code)
    )
    return PageSnapshots(results, complete)


# --- Trends ---------------------------------------------------------------------------------------


def trends(
    scope: MeasureScope, quarter_ends: Sequence[date], codes: Sequence[str] | None = None
) -> dict[str, list[tuple[date, Decimal | None]]]:
    """Snapshot values at the given dates for every code (or `codes`), oldest first. One query.
    A date with no snapshot is left out of that code's series, so a chart shows the gap."""
    level, scope_id = scope_key(scope)
    rows = KpiSnapshot.objects.filter(
        scope_level=level, scope_id=scope_id, date__in=list(quarter_ends)
    )
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    series: dict[str, list[tuple[date, Decimal | None]]] = defaultdict(list)
    for code, day, value in rows.order_by("code", "date").values_list("code", "date", "value"):
        series[code].append((day, value))
    return dict(series)


def trend(
    code: str, scope: MeasureScope = COUNCIL, quarters: int = 8, *, last: Quarter | None = None
) -> list[tuple[date, Decimal | None]]:
    """One measure's quarter-end values for the last `quarters` quarters up to `last` (default:
    the latest complete quarter before the reporting date)."""
    if last is None:
        from scorecard.periods import latest_complete_quarter

        last = latest_complete_quarter(reporting_date())
    ends = [q.end for q in last.back(quarters)]
    return trends(scope, ends, [code]).get(code, [])


# --- The reporting date and missed nights ---------------------------------------------------------


def reporting_date() -> date:
    """The app's "today": settings.REPORTING_DATE when set (demo data ends 2018-09-30), else
    today in Europe/London. One rule for the whole app: casework.reporting."""
    from casework.reporting import reporting_date as app_reporting_date

    return app_reporting_date()


def rollup_target_date() -> date:
    """The date the nightly rollup computes: yesterday in Europe/London, or the reporting date
    when one is set (so the demo's snapshots land on its last day of data)."""
    from django.conf import settings

    today = reporting_date()
    return today if settings.REPORTING_DATE else today - timedelta(days=1)


def missing_rollup_dates(since: date, until: date | None = None) -> list[date]:
    """Dates in [since, until] (default: the rollup's target date) without a complete council
    snapshot: a missed or failed night. One query."""
    until = until or rollup_target_date()
    if until < since:
        return []
    expected = len(registry.all_measures())
    complete = set(
        KpiSnapshot.objects.filter(scope_level=ScopeLevel.COUNCIL, date__gte=since, date__lte=until)
        .values("date")
        .annotate(codes=Count("code", filter=Q(code__in=[m.code for m in registry.all_measures()])))
        .filter(codes__gte=expected)
        .values_list("date", flat=True)
    )
    days = (since + timedelta(days=n) for n in range((until - since).days + 1))
    return [day for day in days if day not in complete]


__all__ = [
    "Better",
    "BenchmarkInForce",
    "ScorecardRow",
    "TargetInForce",
    "Unit",
    "benchmarks_in_force",
    "missing_rollup_dates",
    "PageSnapshots",
    "page_snapshots",
    "reporting_date",
    "rollup_target_date",
    "scope_from_text",
    "scope_key",
    "scorecard_rows",
    "snapshot_results",
    "targets_in_force",
    "trend",
    "trends",
]


# --- Targets and benchmarks: loading -----------------------------------------------------------

SEED_CSV = Path(__file__).resolve().parent / "data" / "seed-scorecard-2018-q2.csv"
# The seed's targets and benchmarks are those published in the Q2 2018/19 scorecard, so they are
# in force from the start of that financial year.
SEED_EFFECTIVE_FROM = date(2018, 4, 1)
SEED_BENCHMARK_PERIOD = "As reported, Q2 2018/19"


@dataclass(frozen=True)
class LoadCounts:
    targets: int
    benchmarks: int


def targets_load_seed(
    path: Path = SEED_CSV, *, effective_from: date = SEED_EFFECTIVE_FROM
) -> LoadCounts:
    """Load target, tolerance, polarity and benchmark from the seed CSV. Idempotent: rows are
    keyed by (code, effective_from) and (code, label, effective_from) and updated in place."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    targets = benchmarks = 0
    with transaction.atomic():
        for row in rows:
            code = row["code"].strip()
            if row.get("target", "").strip():
                MeasureTarget.objects.update_or_create(
                    code=code,
                    effective_from=effective_from,
                    defaults={
                        "target": Decimal(row["target"]),
                        "tolerance": Decimal(row["tolerance"])
                        if row["tolerance"].strip()
                        else None,
                        "better": row.get("better", "").strip(),
                        "note": "Seed: Q2 2018/19 scorecard",
                    },
                )
                targets += 1
            if row.get("benchmark", "").strip():
                Benchmark.objects.update_or_create(
                    code=code,
                    label=row["benchmark_label"].strip() or "Benchmark",
                    effective_from=effective_from,
                    defaults={
                        "period": SEED_BENCHMARK_PERIOD,
                        "value": Decimal(row["benchmark"]),
                        "source": "Seed: Q2 2018/19 scorecard",
                    },
                )
                benchmarks += 1
    return LoadCounts(targets, benchmarks)


BENCHMARK_COLUMNS = ("code", "label", "period", "value")


@dataclass(frozen=True)
class ImportResult:
    written: int
    errors: list[str]


def benchmarks_import(
    text: str, *, default_effective_from: date | None = None, source: str = ""
) -> ImportResult:
    """Import benchmarks from CSV text (columns code,label,period,value[,effective_from]). The
    whole file is validated first; any error (listed by row number, the header being row 1)
    means nothing is written. Rows already present for (code, label, effective_from) are
    updated, so importing a file twice changes nothing."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in BENCHMARK_COLUMNS if name not in header]
    if missing:
        return ImportResult(0, [f"Row 1: missing column(s): {', '.join(missing)}"])
    known = {m.code for m in registry.all_measures()}
    default_from = default_effective_from or reporting_date()
    errors: list[str] = []
    parsed: dict[tuple[str, str, date], tuple[str, Decimal]] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        problems = []
        code, label, period = row.get("code", ""), row.get("label", ""), row.get("period", "")
        if not code:
            problems.append("code is empty")
        elif code not in known:
            problems.append(f"unknown measure code {code!r}")
        if not label:
            problems.append("label is empty")
        if not period:
            problems.append("period is empty")
        try:
            value = Decimal(row.get("value", ""))
            if not value.is_finite():
                raise ArithmeticError
        except (ArithmeticError, ValueError):
            problems.append(f"value {row.get('value', '')!r} is not a number")
            value = Decimal(0)
        effective_text = row.get("effective_from", "")
        try:
            effective = date.fromisoformat(effective_text) if effective_text else default_from
        except ValueError:
            problems.append(f"effective_from {effective_text!r} is not a date (YYYY-MM-DD)")
            effective = default_from
        key = (code, label, effective)
        if not problems and key in parsed:
            problems.append(f"repeats {code} / {label} from {effective}")
        if problems:
            errors.append(f"Row {number}: " + "; ".join(problems))
        else:
            parsed[key] = (period, value)
    if errors:
        return ImportResult(0, errors)
    with transaction.atomic():
        for (code, label, effective), (period, value) in parsed.items():
            Benchmark.objects.update_or_create(
                code=code,
                label=label,
                effective_from=effective,
                defaults={"period": period, "value": value, "source": source},
            )
    return ImportResult(len(parsed), [])
