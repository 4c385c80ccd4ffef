"""The committee report's figures as server-side SVG.

Pure Python building SVG text: every piece of text goes through `_esc`, so a team or risk title
cannot break out of the markup. Styling uses SVG presentation attributes only (fill, stroke,
font-size), never a style attribute or element, so the Content Security Policy needs no
'unsafe-inline'. Each chart is an image with a title (`role="img"`, `aria-labelledby`) and comes
with its data as a table, which is what a screen reader reads; colour is never the only signal
(series have markers and a text legend, risk cells carry their score and level in words).

The same `Chart` objects are drawn on the charts page and in the committee pack PDF.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from casework.models import StrategicRisk
from scorecard.measures.caseload import caseload_bands as caseload_bands

Number = Decimal | int | float | None
_QUARTER_LABEL = re.compile(r"^Q[1-4] ")

# GOV.UK Frontend colours; series also differ by marker shape so colour is not the only signal.
PALETTE = ("#1d70b8", "#f47738", "#4c2c92", "#00703c", "#d4351c", "#505a5f")
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square")
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "Arial, Helvetica, sans-serif"

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 20, 64


def _esc(text: object) -> str:
    return escape(str(text), {'"': "&quot;", "'": "&#x27;"})


def _fmt(value: Number) -> str:
    if value is None:
        return "no data"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():f}"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]
    unit: str = ""  # "%" for percentages


@dataclass
class Chart:
    """One figure: its SVG and the same numbers as a table."""

    slug: str
    title: str
    description: str
    svg: SafeString
    header: list[str]
    rows: list[list[str]]
    has_data: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def wide_table(self) -> bool:
        """Tables of more than three columns go below the figure rather than beside it."""
        return len(self.header) > 3

    @property
    def title_id(self) -> str:
        return f"{self.slug}-title"


def _svg_open(slug: str, title: str, description: str, width: int = WIDTH, height: int = HEIGHT):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'id="{_esc(slug)}-svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{_esc(slug)}-svg-title {_esc(slug)}-svg-desc" '
        f'font-family="{FONT}" font-size="12" fill="{TEXT}">',
        f'<title id="{_esc(slug)}-svg-title">{_esc(title)}</title>',
        f'<desc id="{_esc(slug)}-svg-desc">{_esc(description)}</desc>',
    ]


def _finish(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    # Every interpolated text went through _esc above.
    return mark_safe("\n".join(parts))  # noqa: S308


def _empty_svg(slug: str, title: str, width: int = WIDTH, height: int = 120) -> SafeString:
    parts = _svg_open(slug, title, "No data for this figure.", width, height)
    parts.append(
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
        f'font-size="16">No data</text>'
    )
    return _finish(parts)


def _nice_max(value: float) -> float:
    """An axis top that is four round steps (0, 250, 500, 750, 1,000), never below one per step,
    so counts never get fractional ticks."""
    if value <= 0:
        return 4.0
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return 4 * max(step, 1.0)


def _axes(parts: list[str], top: float, unit: str, width: int, height: int) -> None:
    plot_h = height - TOP - BOTTOM
    for i in range(5):
        tick = top * i / 4
        y = height - BOTTOM - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_esc(_fmt(round(tick, 1)) + unit)}</text>"
        )


def _x_labels(parts: list[str], labels: Sequence[str], width: int, height: int) -> list[float]:
    plot_w = width - LEFT - RIGHT
    step = plot_w / max(len(labels), 1)
    xs = [LEFT + step * (i + 0.5) for i in range(len(labels))]
    for x, label in zip(xs, labels, strict=True):
        # "Q2 2018/19" on two lines so eight quarters fit side by side.
        first, _, second = label.partition(" ") if _QUARTER_LABEL.match(label) else (label, "", "")
        parts.append(
            f'<text x="{x:.1f}" y="{height - BOTTOM + 16}" text-anchor="middle">'
            f'<tspan x="{x:.1f}">{_esc(first)}</tspan>'
            + (f'<tspan x="{x:.1f}" dy="14">{_esc(second)}</tspan>' if second else "")
            + "</text>"
        )
    return xs


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} '
            f'{x - 5:.1f},{y + 4:.1f}" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _legend(parts: list[str], names: Sequence[str], height: int, shapes: Sequence[str]) -> None:
    x = LEFT
    y = height - 8
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(_marker(shapes[i % len(shapes)], x + 5, y - 4, colour))
        parts.append(f'<text x="{x + 14}" y="{y}">{_esc(name)}</text>')
        x += 22 + 7 * len(name)


def _table(labels: Sequence[str], series: Sequence[Series], label_heading: str) -> tuple:
    header = [label_heading, *[s.name for s in series]]
    rows = [
        [
            label,
            *[(_fmt(s.values[i]) + (s.unit if s.values[i] is not None else "")) for s in series],
        ]
        for i, label in enumerate(labels)
    ]
    return header, rows


def _prepare(
    labels: Sequence[str], series: Sequence[Series], label_heading: str
) -> tuple[list[float], str, list[str], list[list[str]]]:
    """The known values, the series names in words, and the data table."""
    values = [float(v) for s in series for v in s.values if v is not None]
    header, rows = _table(labels, series, label_heading)
    return values, ", ".join(s.name for s in series), header, rows


def _no_data(slug: str, title: str, names: str, header: list[str], rows: list) -> Chart:
    return Chart(slug, title, f"{names}: no data.", _empty_svg(slug, title), header, rows, False)


def line_chart(
    slug: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    target: Number = None,
    label_heading: str = "Quarter",
) -> Chart:
    """Values over time, one line per series; an optional dashed target line."""
    values, names, header, rows = _prepare(labels, series, label_heading)
    if not values:
        return _no_data(slug, title, names, header, rows)
    unit = series[0].unit
    top = 100.0 if unit == "%" else _nice_max(max(values + [float(target or 0)]))
    description = f"Line chart of {names} for {labels[0]} to {labels[-1]}."
    parts = _svg_open(slug, title, description)
    _axes(parts, top, unit, WIDTH, HEIGHT)
    xs = _x_labels(parts, labels, WIDTH, HEIGHT)
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(v: Number) -> float:
        return HEIGHT - BOTTOM - plot_h * float(v or 0) / top

    if target is not None:
        y = y_of(target)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{TEXT}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end">'
            f"{_esc('Target ' + _fmt(target) + unit)}</text>"
        )
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        points = [(x, y_of(v)) for x, v in zip(xs, s.values, strict=True) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash = ' stroke-dasharray="4 3"' if i % 2 else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        for x, y in points:
            parts.append(_marker(MARKERS[i % len(MARKERS)], x, y, colour))
    _legend(parts, [s.name for s in series], HEIGHT, MARKERS)
    return Chart(slug, title, description, _finish(parts), header, rows)


def bar_chart(
    slug: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    label_heading: str = "Quarter",
) -> Chart:
    """Bars per label: side by side, or stacked (children open by category)."""
    values, names, header, rows = _prepare(labels, series, label_heading)
    if not values:
        return _no_data(slug, title, names, header, rows)
    if stacked:
        totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(labels))]
        top = _nice_max(max(totals))
    else:
        top = _nice_max(max(values))
    unit = series[0].unit
    kind = "Stacked bar chart" if stacked else "Bar chart"
    description = f"{kind} of {names} by {label_heading.lower()}."
    parts = _svg_open(slug, title, description)
    _axes(parts, top, unit, WIDTH, HEIGHT)
    xs = _x_labels(parts, labels, WIDTH, HEIGHT)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bar_w = slot * 0.6 if stacked else slot * 0.7 / len(series)
    for li, x in enumerate(xs):
        base = float(HEIGHT - BOTTOM)
        for si, s in enumerate(series):
            value = s.values[li]
            if value is None:
                continue
            h = plot_h * float(value) / top
            colour = PALETTE[si % len(PALETTE)]
            if stacked:
                bx, by = x - bar_w / 2, base - h
                base -= h
            else:
                bx = x - slot * 0.35 + si * bar_w
                by = HEIGHT - BOTTOM - h
            label = f"{labels[li]}, {s.name}: {_fmt(value)}{unit}"
            parts.append(
                f'<rect x="{bx:.1f}" y="{by:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}" stroke="#ffffff" stroke-width="1"><title>{_esc(label)}</title>'
                "</rect>"
            )
            if not stacked and len(series) == 1:
                parts.append(
                    f'<text x="{x:.1f}" y="{by - 4:.1f}" text-anchor="middle">'
                    f"{_esc(_fmt(value) + unit)}</text>"
                )
    _legend(parts, [s.name for s in series], HEIGHT, ("square",))
    return Chart(slug, title, description, _finish(parts), header, rows)


def funnel_chart(slug: str, title: str, stages: Sequence[tuple[str, Number]]) -> Chart:
    """Horizontal bars narrowing from contacts to referrals to assessments, each with its count
    and its share of the first stage."""
    header = ["Stage", "Number", "Of contacts"]
    first = stages[0][1] if stages else None
    rows = []
    for name, value in stages:
        share = (
            f"{Decimal(100) * Decimal(value) / Decimal(first):.0f}%"
            if value is not None and first
            else "no data"
        )
        rows.append([name, _fmt(value), share])
    if first is None or not first:
        return Chart(
            slug, title, "No contacts in the period.", _empty_svg(slug, title), header, rows, False
        )
    height = 40 + 48 * len(stages)
    description = "Funnel: " + ", then ".join(f"{n} {_fmt(v)}" for n, v in stages) + "."
    parts = _svg_open(slug, title, description, WIDTH, height)
    label_w = 130
    plot_w = WIDTH - label_w - 100
    for i, ((name, value), row) in enumerate(zip(stages, rows, strict=True)):
        y = 20 + 48 * i
        w = plot_w * float(value or 0) / float(first)
        x = label_w + (plot_w - w) / 2
        parts.append(f'<text x="{label_w - 8}" y="{y + 22}" text-anchor="end">{_esc(name)}</text>')
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="34" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(
            f'<text x="{label_w + plot_w + 8}" y="{y + 22}">'
            f"{_esc(_fmt(value) + ' (' + row[2] + ')')}</text>"
        )
    return Chart(slug, title, description, _finish(parts), header, rows)


# --- The strategic risk matrix -------------------------------------------------------------------


def risk_level(score: int) -> str:
    """The council's 5×5 bands: Low up to 4, Moderate 5 to 12, High 15 and above."""
    if score <= 4:
        return "Low"
    if score <= 12:
        return "Moderate"
    return "High"


RISK_FILL = {"Low": "#cce2d8", "Moderate": "#fff7bf", "High": "#f4cdc6"}


def risk_matrix(slug: str, title: str, risks: Sequence[StrategicRisk]) -> Chart:
    """Likelihood (across) by impact (up), each cell with its score and band in words, each risk
    a numbered marker; the table names them."""
    header = ["Number", "Risk", "Owner", "Likelihood", "Impact", "Score", "Level"]
    rows = [
        [
            str(i),
            r.title,
            r.owner,
            str(r.likelihood),
            str(r.impact),
            str(r.likelihood * r.impact),
            risk_level(r.likelihood * r.impact),
        ]
        for i, r in enumerate(risks, start=1)
    ]
    if not risks:
        return Chart(
            slug,
            title,
            "No strategic risks recorded for the quarter.",
            _empty_svg(slug, title),
            header,
            rows,
            False,
        )
    cell, left, top = 76, 80, 16
    width, height = left + 5 * cell + 20, top + 5 * cell + 60
    description = (
        "Risk matrix of likelihood by impact: "
        + "; ".join(f"risk {row[0]} {row[1]} scores {row[5]}, {row[6]}" for row in rows)
        + "."
    )
    parts = _svg_open(slug, title, description, width, height)
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            x = left + (likelihood - 1) * cell
            y = top + (5 - impact) * cell
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{RISK_FILL[risk_level(score)]}" stroke="#ffffff" stroke-width="2"/>'
            )
            parts.append(
                f'<text x="{x + 4}" y="{y + 14}" font-size="10">'
                f'<tspan font-weight="bold">{score}</tspan> {_esc(risk_level(score))}</text>'
            )
    placed: dict[tuple[int, int], int] = {}
    for i, r in enumerate(risks, start=1):
        k = (r.likelihood, r.impact)
        offset = placed.get(k, 0)
        placed[k] = offset + 1
        cx = left + (r.likelihood - 1) * cell + 16 + 20 * (offset % 3)
        cy = top + (5 - r.impact) * cell + 34 + 20 * (offset // 3)
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="8" fill="{TEXT}">'
            f"<title>{_esc(r.title)}</title></circle>"
        )
        parts.append(
            f'<text x="{cx}" y="{cy + 4}" text-anchor="middle" fill="#ffffff" font-size="11">'
            f"{i}</text>"
        )
    for n in range(1, 6):
        parts.append(
            f'<text x="{left + (n - 0.5) * cell:.0f}" y="{top + 5 * cell + 16}" '
            f'text-anchor="middle">{n}</text>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{top + (5 - n + 0.5) * cell + 4:.0f}" '
            f'text-anchor="end">{n}</text>'
        )
    parts.append(
        f'<text x="{left + 2.5 * cell:.0f}" y="{top + 5 * cell + 36}" '
        f'text-anchor="middle">Likelihood</text>'
    )
    parts.append(
        f'<text x="16" y="{top + 2.5 * cell:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + 2.5 * cell:.0f})">Impact</text>'
    )
    return Chart(slug, title, description, _finish(parts), header, rows)


# --- Reads behind the live figures --------------------------------------------------------------


def risks_for_quarter(quarter_end: date) -> list[StrategicRisk]:
    return list(StrategicRisk.objects.filter(quarter_end=quarter_end).order_by("-score", "title"))


# --- Sparklines on the scorecard ---------------------------------------------------------------


def format_value(value: Number, unit: str) -> str:
    if value is None:
        return "no data"
    return _fmt(value) + ("%" if unit == "percent" else "")


def sparkline(slug: str, title: str, values: Sequence[Number], unit: str) -> SafeString:
    """A small trend line for a scorecard row; "No trend data" when nothing was snapshotted."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if not known:
        return mark_safe('<span class="govuk-body-s">No trend data</span>')  # noqa: S308
    if len(known) < 2:
        return mark_safe(  # noqa: S308
            '<span class="govuk-body-s">One quarter of data: no trend yet</span>'
        )
    width, height, pad = 120, 32, 4
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def point(i: int, v: float) -> tuple[float, float]:
        return pad + i * step, height - pad - (height - 2 * pad) * (v - low) / span

    points = [point(i, v) for i, v in known]
    words = ", ".join(format_value(v, unit) for v in values if v is not None)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-sparkline" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{_esc(slug)}-title">',
        f'<title id="{_esc(slug)}-title">'
        f"{_esc(f'Trend of {title}, oldest first: {words}')}</title>",
    ]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>'
        )
    x, y = points[-1]
    parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{TEXT}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


# --- The report's figures ------------------------------------------------------------------------


def funnel_stages(rows: dict) -> list[tuple[str, Number]]:
    """Contacts → referrals → assessments from this quarter's conversion measures: contacts are
    the contact-to-referral denominator, referrals its numerator, assessments the numerator of
    contacts that led to an assessment."""
    to_referral = rows.get("contact_to_referral_pct")
    to_assessment = rows.get("contact_to_assessment_pct")
    contacts = to_referral.denominator if to_referral else None
    if contacts is None and to_assessment is not None:
        contacts = to_assessment.denominator
    return [
        ("Contacts", contacts),
        ("Referrals", to_referral.numerator if to_referral else None),
        ("Assessments", to_assessment.numerator if to_assessment else None),
    ]


def _minus(total: Number, *parts: Number) -> Number:
    if total is None or any(p is None for p in parts):
        return None
    return max(Decimal(str(total)) - sum(Decimal(str(p)) for p in parts), Decimal(0))


def report_figures(
    *,
    labels: list[str],
    series: dict[str, list[Number]],
    targets: dict[str, Number],
    funnel: list[tuple[str, Number]],
    caseloads: list[tuple[str, int]],
    risks: Sequence[StrategicRisk],
    quarter_title: str,
) -> list[Chart]:
    """The figures of the committee report, in its order."""

    def s(code: str, name: str, unit: str = "") -> Series:
        return Series(name, series.get(code, [None] * len(labels)), unit)

    cin, cp, cic = (
        series.get("cin_count", []),
        series.get("cp_count", []),
        series.get("cic_count", []),
    )
    other = [
        _minus(total, *(col[i] if i < len(col) else None for col in (cin, cp, cic)))
        for i, total in enumerate(series.get("open_children", [None] * len(labels)))
    ]
    return [
        bar_chart(
            "open-by-category",
            "Children open to social care by category",
            labels,
            [
                s("cin_count", "Child in need"),
                s("cp_count", "Child protection"),
                s("cic_count", "Child in care"),
                Series("Care leaver", other),
            ],
            stacked=True,
        ),
        bar_chart(
            "caseload-distribution",
            f"Case-holding workers by caseload, end of {quarter_title}",
            [band for band, _ in caseloads],
            [Series("Workers", [n for _, n in caseloads])],
            label_heading="Children allocated",
        ),
        funnel_chart(
            "front-door-funnel", f"Front door, {quarter_title}: contacts to assessments", funnel
        ),
        line_chart(
            "assessment-timeliness",
            "Assessment timeliness",
            labels,
            [
                s("assessment_45d_pct", "Completed within 45 working days", "%"),
                s("open_assessment_in_time_pct", "Open assessments within timescale", "%"),
            ],
            target=targets.get("assessment_45d_pct"),
        ),
        line_chart(
            "cin-visits",
            "Children in need seen within timescale",
            labels,
            [s("cin_seen_pct", "Seen within timescale", "%")],
            target=targets.get("cin_seen_pct"),
        ),
        bar_chart(
            "cp-numbers",
            "Children subject to a child protection plan",
            labels,
            [s("cp_count", "Children on a plan")],
        ),
        line_chart(
            "cp-visits",
            "Children on a plan seen within 10 working days",
            labels,
            [s("cp_seen_10wd_pct", "Seen within 10 working days", "%")],
            target=targets.get("cp_seen_10wd_pct"),
        ),
        line_chart(
            "repeat-plans",
            "Children on a plan who had a previous plan",
            labels,
            [s("cp_repeat_pct", "Second or subsequent plan", "%")],
            target=targets.get("cp_repeat_pct"),
        ),
        bar_chart(
            "children-in-care", "Children in care", labels, [s("cic_count", "Children in care")]
        ),
        bar_chart(
            "section-20",
            "Children accommodated under section 20",
            labels,
            [s("cic_s20", "Section 20")],
        ),
        bar_chart(
            "out-of-county",
            "Children in an out-of-county placement",
            labels,
            [s("cic_out_of_county", "Out of county")],
        ),
        risk_matrix("risk-matrix", f"Strategic risks, {quarter_title}", risks),
    ]
