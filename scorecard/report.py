"""The committee report for a quarter and a scope, assembled as the seed report is laid out: a
cover (committee, meeting date, officer contact, report sponsor), the purpose, the key to ratings
and direction arrows, the summary of key performance, one section per area with its measures,
its figures (numbered Fig. 1... as the seed report numbers them) and its narrative, and the
strategic risk register with scores by quarter.

The numbers come from the quarter-end snapshot when the rollup has stored it (else they are
calculated now); the narrative is drafted by `scorecard/narrative.py` unless an officer's edited
text is passed in. Reads go through `scorecard/queries.py` and `scorecard/presenter.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from scorecard import narrative, presenter, queries
from scorecard.charts import Chart, format_value, risk_level
from scorecard.measures.base import MeasureScope
from scorecard.periods import Quarter

COMMITTEE = "Children and Families Overview and Scrutiny Committee"
HISTORY_QUARTERS = 4
RISK_QUARTERS = 4


@dataclass(frozen=True)
class Area:
    slug: str
    title: str
    codes: tuple[str, ...]
    # Which figure each measure's sentence points to, by chart slug.
    figures: Mapping[str, str] = field(default_factory=dict)


AREAS: tuple[Area, ...] = (
    Area(
        "caseload",
        "Caseload levels",
        (
            "open_children",
            "sw_over_20",
            "sw_over_25",
            "case_holding_workers",
            "part_time_fte_over_20",
        ),
        {
            "open_children": "open-by-category",
            "sw_over_20": "caseload-distribution",
            "sw_over_25": "caseload-distribution",
            "case_holding_workers": "caseload-distribution",
        },
    ),
    Area(
        "unallocated",
        "Unallocated cases",
        ("allocated_pct", "allocated_timely_pct"),
        {"allocated_pct": "allocation"},
    ),
    Area("workforce", "Workforce stability", ("sw_changes_lt3_pct", "sw_changes_3plus")),
    Area(
        "front-door",
        "Front door",
        (
            "contact_decision_24h_pct",
            "contact_decision_48h_pct",
            "contact_to_referral_pct",
            "referral_to_assessment_pct",
            "contact_to_assessment_pct",
        ),
        {
            "contact_to_referral_pct": "front-door-funnel",
            "referral_to_assessment_pct": "front-door-funnel",
            "contact_to_assessment_pct": "front-door-funnel",
        },
    ),
    Area(
        "referrals",
        "Referrals and re-referrals",
        ("s17_seen_timely_pct", "s47_seen_timely_pct", "referral_not_seen", "rereferral_12m_pct"),
        {"s17_seen_timely_pct": "s17-visits", "s47_seen_timely_pct": "s47-visits"},
    ),
    Area(
        "assessments",
        "Single assessments",
        ("assessment_45d_pct", "open_assessment_in_time_pct"),
        {
            "assessment_45d_pct": "assessment-timeliness",
            "open_assessment_in_time_pct": "open-assessments",
        },
    ),
    Area(
        "children-in-need",
        "Children in need",
        (
            "cin_count",
            "cin_seen_pct",
            "cin_visit_overdue",
            "cin_plan_le_1y_pct",
            "cin_plan_gt_1y",
            "cin_plan_timely_pct",
            "cin_no_plan_overdue",
        ),
        {
            "cin_count": "open-by-category",
            "cin_seen_pct": "cin-visits",
            "cin_visit_overdue": "cin-visits",
        },
    ),
    Area(
        "child-protection",
        "Child protection",
        (
            "cp_count",
            "cp_seen_10wd_pct",
            "cp_repeat_pct",
            "cp_lt_2y_pct",
            "icpc_15wd_pct",
            "rcpc_timely_pct",
        ),
        {
            "cp_count": "cp-numbers",
            "cp_seen_10wd_pct": "cp-visits",
            "cp_repeat_pct": "repeat-plans",
        },
    ),
    Area(
        "children-in-care",
        "Children in care",
        (
            "cic_count",
            "cic_readmitted_q",
            "cic_readmission_12m_pct",
            "pathway_plan_current_pct",
            "pathway_plan_in_place_pct",
            "cic_assessment_gt_12m",
            "cic_s20",
        ),
        {"cic_count": "children-in-care", "cic_s20": "section-20"},
    ),
    Area(
        "placements",
        "Placement stability",
        ("cic_3plus_placements", "cic_out_of_county"),
        {"cic_out_of_county": "out-of-county"},
    ),
    Area("health", "Health and well-being", ("cic_health_check_pct", "cic_dental_check_pct")),
    Area(
        "voice",
        "Voice and feedback",
        (
            "momo_accounts",
            "momo_worker_accounts",
            "momo_statements_q",
            "momo_children_q",
            "complaints_q",
            "complaints_upheld_pct",
        ),
    ),
    Area("recording", "Recording", ("visit_recorded_late_pct",)),
    Area("risk", "Risk", ()),
)

# Which area's page each figure is printed in (the figure's first pointer decides otherwise).
FIGURE_AREAS = {
    "open-by-category": "caseload",
    "caseload-distribution": "caseload",
    "allocation": "unallocated",
    "front-door-funnel": "front-door",
    "s17-visits": "referrals",
    "s47-visits": "referrals",
    "assessment-timeliness": "assessments",
    "open-assessments": "assessments",
    "cin-visits": "children-in-need",
    "cp-numbers": "child-protection",
    "cp-visits": "child-protection",
    "repeat-plans": "child-protection",
    "children-in-care": "children-in-care",
    "section-20": "children-in-care",
    "out-of-county": "placements",
    "risk-matrix": "risk",
}

PURPOSE = (
    "This summary report highlights performance issues and progress arising in {year} for "
    "Children's Services.",
    "It draws on the performance, benchmarking and risk information presented quarterly to the "
    "Committee through the performance scorecard. The {quarter} performance scorecard supports "
    "this report: each section below gives its measures with value, target, rating, direction "
    "of travel, benchmark and trend.",
)
CHANGE_NOTE = (
    "All changes in performance levels are shown as a percentage increase or decrease, to apply "
    "a consistent unit of measure across the report and to show the significance of the change."
)
KEY = (
    (
        "red",
        "Red, Amber or Yellow",
        "Performance is below target and requires attention (Red, "
        "Amber and Yellow denote the extent of concern).",
    ),
    ("acceptable", "Acceptable", "Performance is within tolerance of the target."),
    ("good", "Good", "Performance meets or exceeds the target."),
)
ARROWS = (
    ("↑", "Up since last quarter"),
    ("↓", "Down since last quarter"),
    ("→", "Unchanged"),
)


@dataclass(frozen=True)
class Cover:
    """What the officer sets on the cover; blank until they do."""

    meeting_date: date | None = None
    officer: str = ""
    sponsor: str = ""


@dataclass
class ReportMeasure:
    row: queries.ScorecardRow
    history: list[tuple[Quarter, Decimal | None]]
    figure: int | None
    facts: narrative.Facts
    draft: str

    @property
    def trend_text(self) -> str:
        known = [
            f"{q.title} {format_value(v, self.row.unit)}" for q, v in self.history if v is not None
        ]
        return "; ".join(known) or "No trend data"


@dataclass
class ReportFigure:
    number: int
    chart: Chart

    @property
    def label(self) -> str:
        return f"Fig. {self.number}"


@dataclass
class ReportSection:
    slug: str
    title: str
    measures: list[ReportMeasure]
    figures: list[ReportFigure]
    draft: str
    text: str  # what the report prints: the officer's edit, or the draft

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]

    @property
    def edited(self) -> bool:
        return self.text.strip() != self.draft.strip()


@dataclass
class RiskLine:
    title: str
    owner: str
    scores: list[int | None]
    level: str


@dataclass
class Report:
    quarter: Quarter
    scope: MeasureScope
    scope_label: str
    council_name: str
    committee: str
    cover: Cover
    purpose: list[str]
    summary_draft: str
    summary_text: str
    sections: list[ReportSection]
    figures: list[ReportFigure]
    risk_quarters: list[Quarter]
    risks: list[RiskLine]
    from_snapshot: bool
    generated_at: datetime
    history_quarters: list[Quarter]
    key: tuple = KEY
    arrows: tuple = ARROWS
    change_note: str = CHANGE_NOTE

    @property
    def title(self) -> str:
        return f"{self.quarter.year}/{(self.quarter.year + 1) % 100:02d} Performance"

    @property
    def summary_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.summary_text.split("\n\n") if p.strip()]

    def drafts(self) -> dict[str, str]:
        """Every drafted text by key: "summary" and each section's slug."""
        return {"summary": self.summary_draft, **{s.slug: s.draft for s in self.sections}}


def _facts(
    row: queries.ScorecardRow,
    history: Sequence[tuple[Quarter, Decimal | None]],
    figure: int | None,
) -> narrative.Facts:
    # The history ends with this quarter; the previous quarter's value is the row's own.
    earlier = tuple(v for _, v in history[:-2])
    return narrative.Facts(
        code=row.code,
        title=row.title,
        unit=row.unit,
        better=row.better,
        kind=row.kind,
        period_start=row.period.start,
        period_end=row.period.end,
        value=row.value,
        numerator=row.numerator,
        target=row.target,
        tolerance=row.tolerance,
        rating=row.rating,
        previous=row.previous_value,
        earlier=earlier,
        benchmark=row.benchmark_value,
        benchmark_label=row.benchmark_label,
        figure=figure,
    )


def risk_register(quarter: Quarter) -> tuple[list[Quarter], list[RiskLine]]:
    """The strategic risks of the quarter with their scores at each of the last four quarter
    ends, highest first."""
    quarters = quarter.back(RISK_QUARTERS)
    found = queries.risks_at([q.end for q in quarters])
    current = [r for r in found if r.quarter_end == quarter.end]
    scores = {(r.title, r.quarter_end): r.likelihood * r.impact for r in found}
    lines = [
        RiskLine(
            r.title,
            r.owner,
            [scores.get((r.title, q.end)) for q in quarters],
            risk_level(r.likelihood * r.impact),
        )
        for r in sorted(current, key=lambda r: (-(r.likelihood * r.impact), r.title))
    ]
    return quarters, lines


def build_report(
    quarter: Quarter,
    scope: MeasureScope,
    *,
    cover: Cover | None = None,
    texts: Mapping[str, str] | None = None,
    rows: list[queries.ScorecardRow] | None = None,
    from_snapshot: bool | None = None,
) -> Report:
    """The report for a quarter and scope. `texts` holds edited narrative by key ("summary" or
    a section's slug); `rows` the frozen figures of a published version (else they are read
    from the quarter-end snapshot, or calculated now)."""
    texts = texts or {}
    if rows is None:
        rows, from_snapshot = presenter.scorecard_figures(quarter, scope)
    by_code = {row.code: row for row in rows}
    trend_quarters, trend_values = presenter.quarter_trends(scope, quarter)
    charts = presenter.report_charts(
        quarter, scope, rows=rows, trends=(trend_quarters, trend_values)
    )
    numbers = {chart.slug: i for i, chart in enumerate(charts, start=1)}
    history_quarters = trend_quarters[-HISTORY_QUARTERS:]

    def history(code: str) -> list[tuple[Quarter, Decimal | None]]:
        values = trend_values.get(code, {})
        found = [(q, values.get(q.end)) for q in history_quarters]
        row = by_code[code]
        # This quarter and the last are the row's own figures (frozen when published).
        if found:
            found[-1] = (quarter, row.value)
        if len(found) > 1:
            found[-2] = (quarter.previous(), row.previous_value)
        return found

    sections: list[ReportSection] = []
    figures_by_area: dict[str, list[ReportFigure]] = {}
    for chart in charts:
        printed = ReportFigure(numbers[chart.slug], chart)
        figures_by_area.setdefault(FIGURE_AREAS.get(chart.slug, "risk"), []).append(printed)
    all_facts: list[narrative.Facts] = []
    risk_quarters, risks = risk_register(quarter)
    for area in AREAS:
        measures = []
        for code in area.codes:
            if code not in by_code:
                continue
            row = by_code[code]
            found = history(code)
            figure = numbers.get(area.figures.get(code, ""))
            facts = _facts(row, found, figure)
            all_facts.append(facts)
            measures.append(
                ReportMeasure(row, found, figure, facts, narrative.measure_paragraph(facts))
            )
        draft = "\n\n".join(m.draft for m in measures)
        if area.slug == "risk":
            draft = "\n\n".join(risk_sentences(risks, risk_quarters, numbers.get("risk-matrix")))
        sections.append(
            ReportSection(
                area.slug,
                area.title,
                measures,
                figures_by_area.get(area.slug, []),
                draft,
                texts.get(area.slug) or draft,
            )
        )
    summary_draft = "\n\n".join(
        narrative.summary_paragraphs(
            all_facts, [(r.title, r.scores[-1] or 0, r.level) for r in risks]
        )
    )
    year = f"{quarter.year}/{(quarter.year + 1) % 100:02d}"
    return Report(
        quarter=quarter,
        scope=scope,
        scope_label=presenter.scope_label(scope),
        council_name=settings.COUNCIL_NAME,
        committee=getattr(settings, "COMMITTEE_NAME", COMMITTEE),
        cover=cover or Cover(),
        purpose=[p.format(year=year, quarter=quarter_words(quarter)) for p in PURPOSE],
        summary_draft=summary_draft,
        summary_text=texts.get("summary") or summary_draft,
        sections=sections,
        figures=[f for fs in figures_by_area.values() for f in fs],
        risk_quarters=risk_quarters,
        risks=risks,
        from_snapshot=bool(from_snapshot),
        generated_at=timezone.localtime(),
        history_quarters=history_quarters,
    )


def quarter_words(quarter: Quarter) -> str:
    """ "Quarter 2 2018/19"."""
    return f"Quarter {quarter.number} {quarter.year}/{(quarter.year + 1) % 100:02d}"


def risk_sentences(
    risks: Sequence[RiskLine], quarters: Sequence[Quarter], figure: int | None
) -> list[str]:
    """One sentence per strategic risk: its score and level now and the change since last
    quarter, pointing to the risk matrix."""
    see = f" (see Fig. {figure})" if figure else ""
    if not risks:
        return [f"No strategic risks are recorded for {quarters[-1].title}{see}."]
    sentences = []
    for risk in risks:
        now, before = risk.scores[-1], risk.scores[-2] if len(risk.scores) > 1 else None
        title = risk.title[0].lower() + risk.title[1:]
        if before is None:
            moved = "is"
        elif now == before:
            moved = "remained at"
        elif now is not None and now > before:
            moved = f"has risen from {risk_level(before)}, {before}, to"
        else:
            moved = f"has dropped from {risk_level(before)}, {before}, to"
        sentences.append(f"The strategic risk of {title} {moved} {risk.level}, {now}{see}.")
    return sentences


def report_context(report: Report, **extra: Any) -> dict[str, Any]:
    return {"report": report, "quarter": report.quarter, **extra}
