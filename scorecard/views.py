"""Scorecard pages: the quarterly scorecard, drill-downs to the children behind each number, the
charts, the exports and the committee pack.

Aggregates (the scorecard, charts, scorecard exports, the pack) are for every role. Child-level
pages (drill-downs and their exports) are for child-level roles only, for a scope the user's own
scope covers, and always filtered again by `scope_for(user)`: anything else answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django.db.models import (
    BooleanField,
    CharField,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.views.decorators.http import require_GET

from accounts.audit import record_access
from accounts.errors import NotFoundReason
from accounts.roles import CHILD_LEVEL_ROLES, Role
from accounts.scope import Scope, scope_for
from casework.models import Child, ServiceArea, Team, Worker
from casework.queries import allocated_worker_at, team_at
from casework.reporting import long_date, reporting_date
from scorecard import charts as chart_builders
from scorecard import services
from scorecard.exports import csv_response, xlsx_response
from scorecard.measures import registry
from scorecard.measures.base import COUNCIL, Measure, MeasureScope, Period, Unit, no_date
from scorecard.models import SnapshotCohort
from scorecard.periods import Quarter, latest_complete_quarter, measure_period

TREND_QUARTERS = 8
PER_PAGE = 50
COHORTS = ("numerator", "denominator", "failing")


# --- Request parsing ---------------------------------------------------------------------------


def _quarter_or_404(text: str) -> Quarter:
    """The quarter named in the URL. A quarter that has not ended by the reporting date is
    refused in words: its figures would be those of an earlier date under the quarter's name
    (a snapshot as at its end cannot exist yet), and computing them live takes half a minute."""
    try:
        quarter = Quarter.parse(text)
    except ValueError:
        raise Http404("No such quarter") from None
    today = reporting_date()
    if quarter.end > today:
        latest = latest_complete_quarter(today)
        raise NotFoundReason(
            f"{quarter.title} has not ended yet",
            f"{quarter.title} ends on {long_date(quarter.end)}, after today "
            f"({long_date(today)}), so its figures are not complete. The scorecard shows a "
            "quarter once it has ended.",
            link_text=f"See {latest.title}, the latest complete quarter",
            link_href=reverse("scorecard:quarter", args=[latest.label]),
        )
    return quarter


def _measure_or_404(code: str) -> Measure:
    try:
        return registry.get(code)
    except KeyError:
        raise Http404("No such measure") from None


def scope_value(scope: MeasureScope) -> str:
    """The scope as it travels in a URL: "council", "team:5", "service_area:2", "worker:7"."""
    return "council" if scope.level == "council" else f"{scope.level}:{scope.pk}"


def default_scope(user: Any) -> MeasureScope:
    """Where a user's scorecard opens: their own team, area or caseload, else the council."""
    role = getattr(user, "role", None)
    worker: Worker | None = getattr(user, "worker", None)
    if role == Role.HEAD_OF_SERVICE:
        area_id = user.service_area_id or (worker.team.service_area_id if worker else None)
        if area_id:
            return MeasureScope("service_area", area_id)
    if role == Role.TEAM_MANAGER and worker is not None:
        return MeasureScope("team", worker.team_id)
    if role == Role.SOCIAL_WORKER and worker is not None:
        return MeasureScope("worker", worker.pk)
    return COUNCIL


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


SCOPE_MODELS: dict[str, type[Model]] = {
    "service_area": ServiceArea,
    "team": Team,
    "worker": Worker,
}


def parse_scope(text: str | None, user: Any, user_scope: Scope) -> MeasureScope:
    """A scope from the query string. Council, service areas and teams are open to everyone for
    aggregates; a worker's figures only to those whose scope covers that worker."""
    if not text:
        return default_scope(user)
    if text == "council":
        return COUNCIL
    level, _, raw_pk = text.partition(":")
    try:
        pk = int(raw_pk)
    except ValueError:
        raise Http404("No such scope") from None
    if level not in SCOPE_MODELS or not SCOPE_MODELS[level]._default_manager.filter(pk=pk).exists():
        raise Http404("No such scope")
    scope = MeasureScope(level, pk)
    if level == "worker" and not covers(user_scope, scope):
        raise Http404("No such scope")
    return scope


def can_see_children(user: Any, user_scope: Scope) -> bool:
    return getattr(user, "role", None) in CHILD_LEVEL_ROLES and not user_scope.is_empty


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


def scope_label(scope: MeasureScope, options: Iterable[ScopeOption] = ()) -> str:
    """The scope's name; from the picker's options when given (no query for an area or team)."""
    if scope.level == "council":
        return "Whole council"
    value = scope_value(scope)
    for option in options:
        if option.value == value and scope.level != "worker":
            return option.label
    rows = SCOPE_MODELS[scope.level]._default_manager.filter(pk=int(scope.pk or 0))
    name = rows.values_list("name", flat=True).first()
    return str(name or "")


def render_page_or_fragment(
    request: HttpRequest, template: str, fragment: str, context: dict[str, Any]
) -> TemplateResponse:
    """The one place that decides page or fragment: htmx requests get the named partial."""
    name = f"{template}#{fragment}" if getattr(request, "htmx", False) else template
    response = TemplateResponse(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- The scorecard -----------------------------------------------------------------------------


@dataclass
class ScorecardLine:
    row: services.ScorecardRow
    sparkline: Any
    trend_text: str
    links: dict[str, str]


@dataclass
class Section:
    title: str
    lines: list[ScorecardLine]


def _drilldown_url(quarter: Quarter, code: str, scope: MeasureScope, cohort: str) -> str:
    url = reverse("scorecard:drilldown", args=[quarter.label, code])
    return f"{url}?scope={scope_value(scope)}&cohort={cohort}"


def _drill_links(quarter: Quarter, measure: Measure, scope: MeasureScope) -> dict[str, str]:
    links = {"numerator": _drilldown_url(quarter, measure.code, scope, "numerator")}
    if measure.unit == Unit.PERCENT:
        links["denominator"] = _drilldown_url(quarter, measure.code, scope, "denominator")
    if measure.failing_q() is not None:
        links["failing"] = _drilldown_url(quarter, measure.code, scope, "failing")
    return links


def quarter_trends(scope: MeasureScope, quarter: Quarter, codes: Iterable[str] | None = None):
    quarters = quarter.back(TREND_QUARTERS)
    found = services.trends(scope, [q.end for q in quarters], list(codes) if codes else None)
    by_code = {code: dict(points) for code, points in found.items()}
    return quarters, by_code


def missing_nights(quarter: Quarter) -> list[date]:
    """Nights in the last week of the quarter (to the rollup's latest date) without snapshots."""
    until = min(quarter.end, services.rollup_target_date())
    if until < quarter.start:
        return []
    return services.missing_rollup_dates(max(quarter.start, until - timedelta(days=6)), until)


def build_sections(
    rows: list[services.ScorecardRow],
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
        links = _drill_links(quarter, registry.get(row.code), scope) if drill else {}
        line = ScorecardLine(row, spark, "; ".join(known) or "No trend data", links)
        sections.setdefault(row.section, Section(row.section, [])).lines.append(line)
    return list(sections.values())


def scorecard_figures(
    quarter: Quarter, scope: MeasureScope, codes: Iterable[str] | None = None
) -> tuple[list[services.ScorecardRow], bool]:
    """The quarter's figures and whether they come from the nightly snapshot.

    A quarter end whose rollup has run for this scope reads its snapshot rows (one query, and
    the figures stay as reported after the record changes); otherwise every measure is
    calculated now, which takes seconds on a large council."""
    wanted = list(codes) if codes is not None else None
    measure_codes = [m.code for m in services.scorecard_measures()]
    if wanted is not None:
        measure_codes = [c for c in measure_codes if c in wanted]
    stored = services.snapshot_results(measure_codes, scope, [quarter.end])
    snapshot = bool(measure_codes) and len(stored) == len(measure_codes)
    rows = services.scorecard_rows(quarter, scope, snapshot=snapshot, codes=wanted)
    return sorted(rows, key=lambda row: report_position(row.code)), snapshot


def report_position(code: str) -> int:
    """Where a measure's section comes in the report: its module's place in the registry's
    MODULES. The registry's own order follows whichever module was imported first."""
    module = type(registry.get(code)).__module__
    return registry.MODULES.index(module) if module in registry.MODULES else len(registry.MODULES)


@require_GET
def scorecard_current(request: HttpRequest) -> HttpResponse:
    """/scorecard/ opens the latest complete quarter; the picker form also lands here with
    `quarter`, `scope` and `view` and is redirected to the page it chose."""
    quarter = latest_complete_quarter(reporting_date())
    chosen = request.GET.get("quarter")
    if chosen:
        quarter = _quarter_or_404(chosen)
    view_name = "scorecard:charts" if request.GET.get("view") == "charts" else "scorecard:quarter"
    url = reverse(view_name, args=[quarter.label])
    scope = request.GET.get("scope")
    return redirect(f"{url}?{urlencode({'scope': scope})}" if scope else url)


def _quarter_choices(current: Quarter) -> list[Quarter]:
    """The last eight complete quarters, newest first, and the one shown if it is not among
    them (an older quarter reached by URL, or the quarter in progress)."""
    choices = latest_complete_quarter(reporting_date()).back(TREND_QUARTERS)
    if current not in choices:
        choices.append(current)
    return sorted(choices, reverse=True)


PageFigures = tuple[
    list[services.ScorecardRow], bool, list[Quarter], dict[str, dict[date, Any]], list[date]
]


def scorecard_page_figures(quarter: Quarter, scope: MeasureScope) -> PageFigures:
    """Everything the scorecard page shows from the snapshot table, read in one query: the
    quarter's figures (snapshot or, when the quarter end is incomplete, calculated now), the
    trend and the missed nights. Then targets and benchmarks: three queries in all when the
    snapshot is complete."""
    trend_quarters = quarter.back(TREND_QUARTERS)
    ends = sorted({q.end for q in trend_quarters} | {quarter.end, quarter.previous().end})
    codes = [m.code for m in services.scorecard_measures()]
    until = min(quarter.end, services.rollup_target_date())
    nights = (max(quarter.start, until - timedelta(days=6)), until)
    read = services.page_snapshots(codes, scope, ends, nights if until >= quarter.start else None)
    snapshot = bool(codes) and all((code, quarter.end) in read.results for code in codes)
    rows = services.scorecard_rows(
        quarter, scope, snapshot=snapshot, stored=read.results if snapshot else None
    )
    rows.sort(key=lambda row: report_position(row.code))
    trend = read.series([q.end for q in trend_quarters])
    trend_values = {code: dict(points) for code, points in trend.items()}
    missing = read.missing_between(*nights) if until >= quarter.start else []
    return rows, snapshot, trend_quarters, trend_values, missing


@require_GET
def scorecard_page(request: HttpRequest, quarter: str) -> HttpResponse:
    q = _quarter_or_404(quarter)
    user_scope = scope_for(request.user)
    scope = parse_scope(request.GET.get("scope"), request.user, user_scope)
    drill = can_see_children(request.user, user_scope) and covers(user_scope, scope)
    rows, from_snapshot, trend_quarters, trend_values, missing = scorecard_page_figures(q, scope)
    sections = build_sections(
        rows, q, scope, drill=drill, trend_values=trend_values, trend_quarters=trend_quarters
    )
    options = scope_options(request.user, user_scope)
    context = {
        "quarter": q,
        "scope": scope,
        "scope_value": scope_value(scope),
        "scope_label": scope_label(scope, options),
        "scope_options": options,
        "quarter_choices": _quarter_choices(q),
        "sections": sections,
        "drill": drill,
        "missing_nights": missing,
        "from_snapshot": from_snapshot,
        "can_see_children": can_see_children(request.user, user_scope),
        "view_name": "scorecard",
    }
    return render_page_or_fragment(request, "scorecard/scorecard.html", "scorecard", context)


# --- Charts ------------------------------------------------------------------------------------


@require_GET
def charts_page(request: HttpRequest, quarter: str) -> HttpResponse:
    q = _quarter_or_404(quarter)
    user_scope = scope_for(request.user)
    scope = parse_scope(request.GET.get("scope"), request.user, user_scope)
    context = {
        "quarter": q,
        "scope": scope,
        "scope_value": scope_value(scope),
        "scope_label": scope_label(scope),
        "scope_options": scope_options(request.user, user_scope),
        "quarter_choices": _quarter_choices(q),
        "charts": report_charts(q, scope),
        "view_name": "charts",
    }
    return render_page_or_fragment(request, "scorecard/charts.html", "charts", context)


CHART_CODES = (
    "open_children",
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


def report_charts(quarter: Quarter, scope: MeasureScope) -> list[chart_builders.Chart]:
    """Every figure of the report for a quarter and scope: trends from snapshots, this
    quarter's funnel live from the measures, caseloads and risks from the case record."""
    trend_quarters, values = quarter_trends(scope, quarter, CHART_CODES)
    current = {r.code: r for r in scorecard_figures(quarter, scope, FUNNEL_CODES)[0]}
    targets = services.targets_in_force(quarter.end, CHART_CODES)
    return chart_builders.report_figures(
        labels=[q.title for q in trend_quarters],
        series={
            code: [values.get(code, {}).get(q.end) for q in trend_quarters] for code in CHART_CODES
        },
        targets={code: t.target for code, t in targets.items()},
        funnel=chart_builders.funnel_stages(current),
        caseloads=chart_builders.caseload_bands(quarter.end, scope),
        risks=chart_builders.risks_for_quarter(quarter.end),
        quarter_title=quarter.title,
    )


# --- Scorecard exports and the committee pack ----------------------------------------------------

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


def scorecard_export_rows(rows: list[services.ScorecardRow]) -> list[list[Any]]:
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


@require_GET
def scorecard_export(request: HttpRequest, quarter: str, fmt: str) -> HttpResponse:
    q = _quarter_or_404(quarter)
    scope = parse_scope(request.GET.get("scope"), request.user, scope_for(request.user))
    rows = scorecard_export_rows(scorecard_figures(q, scope)[0])
    name = f"scorecard-{q.label}-{scope_value(scope).replace(':', '-')}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", SCORECARD_HEADER, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", SCORECARD_HEADER, rows, sheet_title=q.title)
    raise Http404("No such format")


@require_GET
def committee_pack(request: HttpRequest, quarter: str) -> HttpResponse:
    from scorecard.pack import pack_response

    q = _quarter_or_404(quarter)
    scope = parse_scope(
        request.GET.get("scope") or "council", request.user, scope_for(request.user)
    )
    return pack_response(request, q, scope)


# --- Drill-downs -------------------------------------------------------------------------------


def _child_link(record: dict[str, Any]) -> str:
    name = " ".join(p for p in (record.get("dd_first"), record.get("dd_last")) if p)
    if not record.get("dd_public_id"):
        return "—"
    return format_html(
        '<a class="govuk-link" href="/children/{}/">{}</a>',
        record["dd_public_id"],
        name or record.get("dd_la_id") or "Unnamed child",
    )


class DrilldownTable(tables.Table):
    child = tables.Column(
        "Child", accessor="dd_last", order_by=("dd_last", "dd_first"), empty_values=()
    )
    la_child_id = tables.Column("LA child ID", accessor="dd_la_id")
    team = tables.Column("Team", accessor="dd_team")
    worker = tables.Column("Worker", accessor="dd_worker")
    due_date = tables.DateColumn(format="j M Y", verbose_name="Due date")
    basis_date = tables.DateColumn(format="j M Y", verbose_name="From")
    in_numerator = tables.BooleanColumn(verbose_name="Counted", yesno="Yes,No")
    rule = tables.Column("Why", accessor="dd_key", orderable=False, empty_values=())

    class Meta:
        attrs = {"class": "govuk-table"}
        orderable = True

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        self.measure = measure
        super().__init__(*args, **kwargs)
        if measure.basis_label and "basis_date" in self.columns.names():
            # The table's own copy of the column: "Last seen", "Plan started"...
            self.columns["basis_date"].column.verbose_name = measure.basis_label.capitalize()

    def render_child(self, record: dict[str, Any]) -> str:
        return _child_link(record)

    def render_rule(self, record: dict[str, Any]) -> str:
        return self.measure.row_rule(record["basis_date"], record["due_date"])


def visible_rows_q(user_scope: Scope, measure: Measure, as_at: date) -> Q:
    """The user's own scope, applied to a measure's rows: children through the scoping
    function; worker rows and rows without a child by team or worker."""
    if user_scope.everything:
        return Q()
    by_team_or_worker = Q(pk__in=[])
    if user_scope.team_ids:
        by_team_or_worker |= Q(team_id__in=sorted(user_scope.team_ids))
    if user_scope.worker_ids:
        by_team_or_worker |= Q(worker_id__in=sorted(user_scope.worker_ids))
    if measure.subject == "worker":
        return by_team_or_worker
    return user_scope.child_q(as_at, child_ref="child_id") | (
        Q(child_id__isnull=True) & by_team_or_worker
    )


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


def _with_display(rows: QuerySet) -> QuerySet:
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
    return _with_display(rows.filter(visible_rows_q(user_scope, measure, period.as_at)))


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
    stored = services.snapshot_cohort(measure.code, scope, period.as_at)
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
    return _with_display(rows)


@dataclass(frozen=True)
class DrilldownRequest:
    quarter: Quarter
    measure: Measure
    period: Period
    scope: MeasureScope
    cohort: str
    user_scope: Scope
    as_reported: bool = False

    @property
    def filters(self) -> dict[str, str]:
        found = {
            "quarter": self.quarter.label,
            "code": self.measure.code,
            "scope": scope_value(self.scope),
            "cohort": self.cohort,
        }
        if self.as_reported:
            found["as_reported"] = "1"
        return found

    def rows(self) -> QuerySet:
        find = reported_rows if self.as_reported else drilldown_rows
        return find(self.measure, self.period, self.scope, self.cohort, self.user_scope)


def _parse_drilldown(
    request: HttpRequest, quarter: str, code: str, action: str
) -> DrilldownRequest:
    """Parse and authorise a drill-down; every refusal is audited and answers 404."""
    q = _quarter_or_404(quarter)
    measure = _measure_or_404(code)
    user_scope = scope_for(request.user)
    cohort = request.GET.get("cohort") or "numerator"
    as_reported = request.GET.get("as_reported") == "1"
    filters = {
        "quarter": q.label,
        "code": code,
        "scope": request.GET.get("scope", ""),
        "cohort": cohort,
        "refused": action,
    }
    try:
        if not can_see_children(request.user, user_scope):
            raise Http404("No such list")
        if cohort not in COHORTS or (cohort == "denominator" and measure.unit != Unit.PERCENT):
            raise Http404("No such list")
        if cohort == "failing" and measure.failing_q() is None:
            raise Http404("No such list")
        # Stored cohorts are listed for child measures only (event and worker ids are not
        # children).
        if as_reported and measure.subject != "child":
            raise Http404("No such list")
        scope = parse_scope(request.GET.get("scope"), request.user, user_scope)
        if not covers(user_scope, scope):
            raise Http404("No such list")
    except Http404:
        record_access(request, action="refused", filters=filters, status_code=404)
        raise
    period = measure_period(measure, q)
    return DrilldownRequest(q, measure, period, scope, cohort, user_scope, as_reported)


COHORT_LABELS = {
    "numerator": "counted in the figure",
    "denominator": "in the whole cohort",
    "failing": "outside the measure's timescale or standard",
}


@require_GET
def drilldown(request: HttpRequest, quarter: str, code: str) -> HttpResponse:
    dd = _parse_drilldown(request, quarter, code, "drilldown")
    rows = dd.rows()
    exclude = ("child", "la_child_id") if dd.measure.subject == "worker" else ()
    if dd.cohort != "denominator":
        exclude = (*exclude, "in_numerator")
    if dd.cohort != "failing" or dd.as_reported:
        exclude = (*exclude, "rule")
    if dd.as_reported:
        exclude = (*exclude, "due_date", "basis_date")
    table = DrilldownTable(rows, exclude=exclude, measure=dd.measure)
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    page_rows = list(table.page.object_list) if table.page else []
    record_access(
        request,
        action="drilldown",
        child_ids=[r.record["child_id"] for r in page_rows if r.record["child_id"]],
        count=table.page.paginator.count if table.page else 0,
        filters=dd.filters,
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    export_base = reverse(
        "scorecard:drilldown_export", args=[dd.quarter.label, dd.measure.code, "csv"]
    )
    scorecard_url = reverse("scorecard:quarter", args=[dd.quarter.label])
    context = {
        "quarter": dd.quarter,
        "measure": dd.measure,
        "period": dd.period,
        "scope": dd.scope,
        "scope_label": scope_label(dd.scope),
        "scope_value": scope_value(dd.scope),
        "cohort": dd.cohort,
        "cohort_label": COHORT_LABELS[dd.cohort],
        "table": table,
        "count": table.page.paginator.count if table.page else 0,
        "export_csv": f"{export_base}?{query.urlencode()}",
        "export_xlsx": f"{export_base.removesuffix('csv')}xlsx?{query.urlencode()}",
        "back_url": f"{scorecard_url}?scope={scope_value(dd.scope)}",
        "cohort_links": {
            c: _drilldown_url(dd.quarter, dd.measure.code, dd.scope, c)
            + ("&as_reported=1" if dd.as_reported else "")
            for c in _drill_links(dd.quarter, dd.measure, dd.scope)
        },
        "as_reported": dd.as_reported,
        "switch_url": _switch_url(request, dd),
    }
    return render_page_or_fragment(request, "scorecard/drilldown.html", "results", context)


def _switch_url(request: HttpRequest, dd: DrilldownRequest) -> str:
    """The link between the list calculated now and the list as stored at the quarter end
    (offered only where the rollup stored one for this scope)."""
    query = request.GET.copy()
    query.pop("page", None)
    if dd.as_reported:
        query.pop("as_reported", None)
        return f"?{query.urlencode()}"
    level, scope_id = services.scope_key(dd.scope)
    stored = SnapshotCohort.objects.filter(
        snapshot__code=dd.measure.code,
        snapshot__scope_level=level,
        snapshot__scope_id=scope_id,
        snapshot__date=dd.period.as_at,
    )
    if dd.measure.subject != "child" or not stored.exists():
        return ""
    query["as_reported"] = "1"
    return f"?{query.urlencode()}"


DRILLDOWN_HEADER = [
    "Child",
    "LA child ID",
    "Team",
    "Worker",
    "Counted",
    "Due date",
    "From",
    "Rule",
]


@require_GET
def drilldown_export(request: HttpRequest, quarter: str, code: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    dd = _parse_drilldown(request, quarter, code, "export")
    records = list(dd.rows())
    record_access(
        request,
        action="export",
        child_ids=[r["child_id"] for r in records if r["child_id"]],
        count=len(records),
        filters={**dd.filters, "format": fmt},
    )
    rows = [
        [
            " ".join(p for p in (r["dd_first"], r["dd_last"]) if p),
            r["dd_la_id"],
            r["dd_team"],
            r["dd_worker"],
            "Yes" if r["in_numerator"] else "No",
            r["due_date"],
            r["basis_date"],
            dd.measure.row_rule(r["basis_date"], r["due_date"]),
        ]
        for r in records
    ]
    where = scope_value(dd.scope).replace(":", "-")
    name = f"{dd.measure.code}-{dd.cohort}-{dd.quarter.label}-{where}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", DRILLDOWN_HEADER, rows)
    return xlsx_response(f"{name}.xlsx", DRILLDOWN_HEADER, rows, sheet_title=dd.measure.code)
