"""Page assembly for the scorecard, the charts, the report and the committee pack: the rows in
report order with their sparklines, trends and drill-down links, the report's figures, and
the scope's name. Pages and the pack import this module; it reads only through
`scorecard/queries.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.urls import reverse

from casework.reporting import reporting_date
from scorecard import charts as chart_builders
from scorecard import queries
from scorecard.measures import registry
from scorecard.measures.base import Measure, MeasureScope, Unit
from scorecard.periods import Quarter, latest_complete_quarter

TREND_QUARTERS = 8


def scope_value(scope: MeasureScope) -> str:
    """The scope as it travels in a URL: "council", "team:5", "service_area:2", "worker:7"."""
    return "council" if scope.level == "council" else f"{scope.level}:{scope.pk}"


def scope_label(scope: MeasureScope, options: Iterable[queries.ScopeOption] = ()) -> str:
    """The scope's name; from the picker's options when given (no query for an area or team)."""
    if scope.level == "council":
        return "Whole council"
    value = scope_value(scope)
    for option in options:
        if option.value == value and scope.level != "worker":
            return option.label
    return queries.scope_name(scope)


# --- The scorecard -----------------------------------------------------------------------------


@dataclass
class ScorecardLine:
    row: queries.ScorecardRow
    sparkline: chart_builders.Sparkline
    trend_text: str
    links: dict[str, str]


@dataclass
class Section:
    title: str
    lines: list[ScorecardLine]


def drilldown_url(quarter: Quarter, code: str, scope: MeasureScope, cohort: str) -> str:
    url = reverse("scorecard:drilldown", args=[quarter.label, code])
    return f"{url}?scope={scope_value(scope)}&cohort={cohort}"


def drill_links(quarter: Quarter, measure: Measure, scope: MeasureScope) -> dict[str, str]:
    links = {"numerator": drilldown_url(quarter, measure.code, scope, "numerator")}
    if measure.unit == Unit.PERCENT:
        links["denominator"] = drilldown_url(quarter, measure.code, scope, "denominator")
    if measure.failing_q() is not None:
        links["failing"] = drilldown_url(quarter, measure.code, scope, "failing")
    return links


def quarter_trends(
    scope: MeasureScope, quarter: Quarter, codes: Iterable[str] | None = None
) -> tuple[list[Quarter], dict[str, dict[date, Any]]]:
    quarters = quarter.back(TREND_QUARTERS)
    found = queries.trends(scope, [q.end for q in quarters], list(codes) if codes else None)
    by_code = {code: dict(points) for code, points in found.items()}
    return quarters, by_code


def build_sections(
    rows: list[queries.ScorecardRow],
    quarter: Quarter,
    scope: MeasureScope,
    *,
    drill: bool,
    trend_values: dict[str, dict[date, Any]],
    trend_quarters: list[Quarter],
) -> list[Section]:
    sections: dict[str, Section] = {}
    for row in rows:
        values = [trend_values.get(row.code, {}).get(q.end) for q in trend_quarters]
        spark = chart_builders.sparkline(f"trend-{row.code}", row.title, values, row.unit)
        known = [
            f"{q.title} {chart_builders.format_value(v, row.unit)}"
            for q, v in zip(trend_quarters, values, strict=True)
            if v is not None
        ]
        links = drill_links(quarter, registry.get(row.code), scope) if drill else {}
        line = ScorecardLine(row, spark, "; ".join(known) or "No trend data", links)
        sections.setdefault(row.section, Section(row.section, [])).lines.append(line)
    return list(sections.values())


def report_position(code: str) -> int:
    """Where a measure's section comes in the report: its module's place in the registry's
    MODULES. The registry's own order follows whichever module was imported first."""
    module = type(registry.get(code)).__module__
    return registry.MODULES.index(module) if module in registry.MODULES else len(registry.MODULES)


def scorecard_figures(
    quarter: Quarter, scope: MeasureScope, codes: Iterable[str] | None = None
) -> tuple[list[queries.ScorecardRow], bool]:
    """The quarter's figures and whether they come from the nightly snapshot.

    A quarter end whose rollup has run for this scope reads its snapshot rows (one query, and
    the figures stay as reported after the record changes); otherwise every measure is
    calculated now, which takes seconds on a large council."""
    wanted = list(codes) if codes is not None else None
    measure_codes = [m.code for m in queries.scorecard_measures()]
    if wanted is not None:
        measure_codes = [c for c in measure_codes if c in wanted]
    stored = queries.snapshot_results(measure_codes, scope, [quarter.end])
    snapshot = bool(measure_codes) and len(stored) == len(measure_codes)
    rows = queries.scorecard_rows(quarter, scope, snapshot=snapshot, codes=wanted)
    return sorted(rows, key=lambda row: report_position(row.code)), snapshot


def quarter_choices(current: Quarter) -> list[Quarter]:
    """The last eight complete quarters, newest first, and the one shown if it is not among
    them (an older quarter reached by URL, or the quarter in progress)."""
    choices = latest_complete_quarter(reporting_date()).back(TREND_QUARTERS)
    if current not in choices:
        choices.append(current)
    return sorted(choices, reverse=True)


PageFigures = tuple[
    list[queries.ScorecardRow], bool, list[Quarter], dict[str, dict[date, Any]], list[date]
]


def scorecard_page_figures(quarter: Quarter, scope: MeasureScope) -> PageFigures:
    """Everything the scorecard page shows from the snapshot table, read in one query: the
    quarter's figures (snapshot or, when the quarter end is incomplete, calculated now), the
    trend and the missed nights. Then targets and benchmarks: three queries in all when the
    snapshot is complete."""
    trend_quarters = quarter.back(TREND_QUARTERS)
    ends = sorted({q.end for q in trend_quarters} | {quarter.end, quarter.previous().end})
    codes = [m.code for m in queries.scorecard_measures()]
    until = min(quarter.end, queries.rollup_target_date())
    nights = (max(quarter.start, until - timedelta(days=6)), until)
    read = queries.page_snapshots(codes, scope, ends, nights if until >= quarter.start else None)
    snapshot = bool(codes) and all((code, quarter.end) in read.results for code in codes)
    rows = queries.scorecard_rows(
        quarter, scope, snapshot=snapshot, stored=read.results if snapshot else None
    )
    rows.sort(key=lambda row: report_position(row.code))
    trend = read.series([q.end for q in trend_quarters])
    trend_values = {code: dict(points) for code, points in trend.items()}
    missing = read.missing_between(*nights) if until >= quarter.start else []
    return rows, snapshot, trend_quarters, trend_values, missing


# --- The report's figures ------------------------------------------------------------------------

CHART_CODES = (
    "open_children",
    "allocated_pct",
    "s17_seen_timely_pct",
    "s47_seen_timely_pct",
    "cin_count",
    "cp_count",
    "cic_count",
    "assessment_45d_pct",
    "open_assessment_in_time_pct",
    "cin_seen_pct",
    "cp_seen_10wd_pct",
    "cp_repeat_pct",
    "cic_s20",
    "cic_out_of_county",
)
FUNNEL_CODES = ("contact_to_referral_pct", "contact_to_assessment_pct")


def report_charts(
    quarter: Quarter,
    scope: MeasureScope,
    *,
    rows: Iterable[queries.ScorecardRow] | None = None,
    trends: tuple[list[Quarter], dict[str, dict[date, Any]]] | None = None,
) -> list[chart_builders.Chart]:
    """Every figure of the report for a quarter and scope: trends from snapshots, this
    quarter's funnel from its figures, caseloads and risks from the case record. A caller that
    has read the quarter's rows and trends already passes them in."""
    trend_quarters, values = trends or quarter_trends(scope, quarter, CHART_CODES)
    if rows is None:
        rows = scorecard_figures(quarter, scope, FUNNEL_CODES)[0]
    current = {r.code: r for r in rows if r.code in FUNNEL_CODES}
    targets = queries.targets_in_force(quarter.end, CHART_CODES)
    return chart_builders.report_figures(
        labels=[q.title for q in trend_quarters],
        series={
            code: [values.get(code, {}).get(q.end) for q in trend_quarters] for code in CHART_CODES
        },
        targets={code: t.target for code, t in targets.items()},
        funnel=chart_builders.funnel_stages(current),
        caseloads=queries.caseload_bands(quarter.end, scope),
        risks=queries.risks_for_quarter(quarter.end),
        quarter_title=quarter.title,
    )


# --- Scorecard exports ---------------------------------------------------------------------

SCORECARD_HEADER = [
    "Section",
    "Code",
    "Measure",
    "Period",
    "Value",
    "Unit",
    "Numerator",
    "Denominator",
    "Target",
    "Tolerance",
    "Rating",
    "Previous value",
    "Direction of travel",
    "Benchmark",
    "Benchmark label",
    "Benchmark period",
]


def scorecard_export_rows(rows: list[queries.ScorecardRow]) -> list[list[Any]]:
    return [
        [
            r.section,
            r.code,
            r.title,
            r.period.label(),
            r.value,
            r.unit,
            r.numerator,
            r.denominator,
            r.target,
            r.tolerance,
            r.rating_label,
            r.previous_value,
            r.change_text,
            r.benchmark_value,
            r.benchmark_label,
            r.benchmark.period if r.benchmark else "",
        ]
        for r in rows
    ]
