"""The scorecard's reads for the pages, the pack, the command and the rollup.

`scorecard_rows` is the scorecard: one row per measure in registry order, live from the measures
or from the nightly snapshots. `trends` reads snapshot values at quarter ends for charts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from casework.models import Child, ServiceArea, StrategicRisk, Team, Worker
from casework.queries import allocated_worker_at, team_at
from casework.reporting import reporting_date as app_reporting_date
from casework.scope import Scope
from scorecard.measures import registry
from scorecard.measures.base import COUNCIL, Measure, MeasureScope, Period, Result, Unit, no_date
from scorecard.measures.caseload import caseload_bands as caseload_bands
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
    return app_reporting_date()


def rollup_target_date() -> date:
    """The date the nightly rollup computes: yesterday in Europe/London, or the reporting date
    when one is set (so the demo's snapshots land on its last day of data)."""
    from django.conf import settings
    from django.utils import timezone

    return settings.REPORTING_DATE or timezone.localdate() - timedelta(days=1)


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


# --- Scopes for the pages -------------------------------------------------------------------------

SCOPE_MODELS: dict[str, type[models.Model]] = {
    "service_area": ServiceArea,
    "team": Team,
    "worker": Worker,
}


def scope_exists(level: str, pk: int) -> bool:
    return level in SCOPE_MODELS and SCOPE_MODELS[level]._default_manager.filter(pk=pk).exists()


def scope_name(scope: MeasureScope) -> str:
    """An area's, team's or worker's name ("" when it no longer exists)."""
    rows = SCOPE_MODELS[scope.level]._default_manager.filter(pk=int(scope.pk or 0))
    return str(rows.values_list("name", flat=True).first() or "")


def covers(user_scope: Scope, scope: MeasureScope) -> bool:
    """Does the user's own scope include every row of `scope`? Only then may they see the
    children behind its numbers."""
    if user_scope.everything:
        return True
    if scope.level == "team":
        return scope.pk in user_scope.team_ids
    if scope.level == "service_area":
        area_teams = set(Team.objects.filter(service_area_id=scope.pk).values_list("pk", flat=True))
        return bool(area_teams) and area_teams <= user_scope.team_ids
    if scope.level == "worker":
        if scope.pk in user_scope.worker_ids:
            return True
        teams = Worker.objects.filter(pk=int(scope.pk or 0)).values_list("team_id", flat=True)
        team_id = teams.first()
        return team_id is not None and team_id in user_scope.team_ids
    return False


@dataclass(frozen=True)
class ScopeOption:
    value: str
    label: str
    group: str


def scope_options(user: Any, user_scope: Scope) -> list[ScopeOption]:
    """The scope picker: the council, every service area and team, and the user's own
    caseload for a social worker. One query (areas and teams as one union)."""
    options = [ScopeOption("council", "Whole council", "")]
    areas = (
        ServiceArea.objects.annotate(level=Value("service_area", output_field=CharField()))
        .order_by()
        .values_list("level", "pk", "name")
    )
    teams = (
        Team.objects.annotate(level=Value("team", output_field=CharField()))
        .order_by()
        .values_list("level", "pk", "name")
    )
    groups = {"service_area": "Service areas", "team": "Teams"}
    found = sorted(
        areas.union(teams, all=True), key=lambda row: (row[0] != "service_area", row[2], row[1])
    )
    for level, pk, name in found:
        options.append(ScopeOption(f"{level}:{pk}", name, groups[level]))
    if user_scope.worker_ids:
        worker: Worker | None = getattr(user, "worker", None)
        if worker is not None and worker.pk in user_scope.worker_ids:
            options.append(ScopeOption(f"worker:{worker.pk}", "My caseload", "Workers"))
    return options


# --- Drill-downs: the rows behind a number --------------------------------------------------------


DISPLAY_FIELDS = (
    "dd_key",
    "child_id",
    "worker_id",
    "team_id",
    "in_numerator",
    "due_date",
    "basis_date",
    "dd_first",
    "dd_last",
    "dd_la_id",
    "dd_public_id",
    "dd_team",
    "dd_worker",
)


def with_display(rows: QuerySet) -> QuerySet:
    """Rows with the names to show joined in SQL: a fixed number of queries whatever the
    length of the list."""
    child = Child.objects.filter(pk=OuterRef("child_id"))
    return (
        rows.annotate(
            dd_key=F("pk"),
            dd_first=Subquery(child.values("first_name")[:1]),
            dd_last=Subquery(child.values("last_name")[:1]),
            dd_la_id=Subquery(child.values("la_child_id")[:1]),
            dd_public_id=Subquery(child.values("public_id")[:1]),
            dd_team=Subquery(Team.objects.filter(pk=OuterRef("team_id")).values("name")[:1]),
            dd_worker=Subquery(Worker.objects.filter(pk=OuterRef("worker_id")).values("name")[:1]),
        )
        .values(*DISPLAY_FIELDS)
        .order_by(F("due_date").asc(nulls_last=True), "dd_last", "dd_first", "dd_key")
    )


def drilldown_rows(
    measure: Measure, period: Period, scope: MeasureScope, cohort: str, user_scope: Scope
) -> QuerySet:
    """The rows behind one number, calculated now as at the period's end, within the user's
    scope."""
    if cohort == "numerator":
        rows = measure.numerator_rows(period, scope)
    elif cohort == "denominator":
        rows = measure.scoped_rows(period, scope)
    else:
        rows = measure.failing(period, scope)
    visible = user_scope.rows_q(period.as_at, has_child=measure.subject != "worker")
    return with_display(rows.filter(visible))


def reported_ids(measure: Measure, stored: SnapshotCohort, cohort: str) -> tuple[set, set]:
    """(the cohort's child ids, the numerator's) from a stored quarter-end cohort."""
    numerator, denominator = set(stored.numerator_ids), set(stored.denominator_ids)
    if cohort == "numerator" or measure.unit != Unit.PERCENT:
        return numerator, numerator
    if cohort == "denominator":
        return denominator, numerator
    # Failing on a percentage: the wrong side of it.
    if measure.failing_q() == Q(in_numerator=True):
        return numerator, numerator
    return denominator - numerator, numerator


def reported_rows(
    measure: Measure, period: Period, scope: MeasureScope, cohort: str, user_scope: Scope
) -> QuerySet:
    """The children behind the figure as the nightly rollup stored it at the quarter end, so a
    committee figure can be reproduced after the record changed. Teams and workers are those
    at the quarter end; the user's scope applies as at that date too."""
    stored = snapshot_cohort(measure.code, scope, period.as_at)
    ids, numerator = reported_ids(measure, stored, cohort) if stored else (set(), set())
    as_at = period.as_at
    rows = (
        Child.objects.filter(pk__in=sorted(ids))
        .filter(user_scope.child_q(as_at))
        .annotate(
            child_id=F("pk"),
            worker_id=allocated_worker_at(as_at),
            team_id=team_at(as_at),
            # An empty IN compiles to a bare 0 on PostgreSQL, not a boolean: say False.
            in_numerator=ExpressionWrapper(Q(pk__in=sorted(numerator)), output_field=BooleanField())
            if numerator
            else Value(False, output_field=BooleanField()),
            due_date=no_date(),
            basis_date=no_date(),
        )
    )
    return with_display(rows)


def has_stored_cohort(measure: Measure, scope: MeasureScope, day: date) -> bool:
    """Did the rollup store the children behind this figure at `day`?"""
    level, scope_id = scope_key(scope)
    return SnapshotCohort.objects.filter(
        snapshot__code=measure.code,
        snapshot__scope_level=level,
        snapshot__scope_id=scope_id,
        snapshot__date=day,
    ).exists()


# --- Reads behind the report's live figures ----------------------------------------------------


def risks_at(quarter_ends: Sequence[date]) -> list[StrategicRisk]:
    """The strategic risk register at each of the quarter ends. One query."""
    return list(StrategicRisk.objects.filter(quarter_end__in=list(quarter_ends)))


def risks_for_quarter(quarter_end: date) -> list[StrategicRisk]:
    return list(StrategicRisk.objects.filter(quarter_end=quarter_end).order_by("-score", "title"))
