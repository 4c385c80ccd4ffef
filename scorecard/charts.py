"""The committee report's figures as geometry: dataclasses of coordinates, drawn as SVG by the
templates in templates/scorecard/svg/.

Nothing here reads the database or builds markup: the figure is a list of shapes (lines, rects,
polylines, markers, text) in drawing order, and `scorecard/svg/figure.html` writes each as its
SVG element, so every piece of text is escaped by the template engine. Styling uses SVG
presentation attributes only (fill, stroke, font-size), never a style attribute or element, so the
Content Security Policy needs no 'unsafe-inline'. Each chart is an image with a title
(`role="img"`, `aria-labelledby`) and comes with its data as a table, which is what a screen
reader reads; colour is never the only signal (series have markers and a text legend, risk cells
carry their score and level in words).

The same `Chart` objects are drawn on the charts page, in the report and in the committee pack PDF.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Protocol

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

Number = Decimal | int | float | None
_QUARTER_LABEL = re.compile(r"^Q[1-4] ")

# GOV.UK Frontend colours; series also differ by marker shape so colour is not the only signal.
PALETTE = ("#1d70b8", "#f47738", "#4c2c92", "#00703c", "#d4351c", "#505a5f")
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square")
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WHITE = "#ffffff"
FONT = "Arial, Helvetica, sans-serif"

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 20, 64


def _fmt(value: Number) -> str:
    if value is None:
        return "no data"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():f}"


def _r(value: float) -> float:
    """Coordinates to one decimal place: enough for print, and short markup."""
    return round(float(value), 1)


# --- Shapes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    kind: ClassVar[str] = "line"
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1
    dash: str = ""


@dataclass(frozen=True)
class Rect:
    kind: ClassVar[str] = "rect"
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = ""
    stroke_width: float = 0
    title: str = ""


@dataclass(frozen=True)
class Polyline:
    kind: ClassVar[str] = "polyline"
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 2
    dash: str = ""


@dataclass(frozen=True)
class Circle:
    kind: ClassVar[str] = "circle"
    cx: float
    cy: float
    r: float
    fill: str
    title: str = ""


@dataclass(frozen=True)
class Polygon:
    kind: ClassVar[str] = "polygon"
    points: tuple[tuple[float, float], ...]
    fill: str


@dataclass(frozen=True)
class Text:
    """A label. `lines` beyond the first go below it (two-line quarter labels); `bold` is a
    prefix in bold (a risk cell's score); `rotate` turns it about its own anchor point."""

    kind: ClassVar[str] = "text"
    x: float
    y: float
    text: str
    anchor: str = "start"
    size: int | None = None
    fill: str = ""
    bold: str = ""
    lines: tuple[str, ...] = ()
    line_height: int = 14
    rotate: int = 0


class Shape(Protocol):
    kind: ClassVar[str]


@dataclass
class Figure:
    """An SVG image: its size, accessible title and description, and shapes in drawing order."""

    slug: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    shapes: list[Shape] = field(default_factory=list)
    font: str = FONT
    text_colour: str = TEXT

    def add(self, *shapes: Shape) -> None:
        self.shapes.extend(shapes)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]
    unit: str = ""  # "%" for percentages


@dataclass
class Chart:
    """One figure: its geometry and the same numbers as a table."""

    slug: str
    title: str
    description: str
    figure: Figure
    header: list[str]
    rows: list[list[str]]
    has_data: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def svg(self) -> SafeString:
        """The figure drawn by its template (for the PDF and for tests)."""
        return render_to_string("scorecard/svg/figure.html", {"figure": self.figure})

    @property
    def rows_with_data(self) -> list[list[str]]:
        """The table without the rows that are all "no data" (quarters before the snapshots
        began), for print, where a column of "no data" is noise."""
        return [row for row in self.rows if any(cell != "no data" for cell in row[1:])]

    @property
    def wide_table(self) -> bool:
        """Tables of more than three columns go below the figure rather than beside it."""
        return len(self.header) > 3

    @property
    def title_id(self) -> str:
        return f"{self.slug}-title"


def _empty_figure(slug: str, title: str, width: int = WIDTH, height: int = 120) -> Figure:
    figure = Figure(slug, title, "No data for this figure.", width, height)
    figure.add(Text(width / 2, height / 2, "No data", anchor="middle", size=16))
    return figure


def _nice_max(value: float) -> float:
    """An axis top that is four round steps (0, 250, 500, 750, 1,000), never below one per step,
    so counts never get fractional ticks."""
    if value <= 0:
        return 4.0
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return 4 * max(step, 1.0)


def _axes(figure: Figure, top: float, unit: str) -> None:
    width, height = figure.width, figure.height
    plot_h = height - TOP - BOTTOM
    for i in range(5):
        tick = top * i / 4
        y = _r(height - BOTTOM - plot_h * i / 4)
        figure.add(
            Line(LEFT, y, width - RIGHT, y),
            Text(LEFT - 6, _r(y + 4), _fmt(round(tick, 1)) + unit, anchor="end"),
        )


def _x_labels(figure: Figure, labels: Sequence[str]) -> list[float]:
    plot_w = figure.width - LEFT - RIGHT
    step = plot_w / max(len(labels), 1)
    xs = [_r(LEFT + step * (i + 0.5)) for i in range(len(labels))]
    for x, label in zip(xs, labels, strict=True):
        # "Q2 2018/19" on two lines so eight quarters fit side by side.
        first, _, second = label.partition(" ") if _QUARTER_LABEL.match(label) else (label, "", "")
        lines = (first, second) if second else ()
        figure.add(Text(x, figure.height - BOTTOM + 16, first, anchor="middle", lines=lines))
    return xs


def _marker(shape: str, x: float, y: float, colour: str) -> Shape:
    if shape == "square":
        return Rect(_r(x - 4), _r(y - 4), 8, 8, colour)
    points: tuple[tuple[float, float], ...]
    if shape == "diamond":
        points = ((x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y))
        return Polygon(tuple((_r(px), _r(py)) for px, py in points), colour)
    if shape == "triangle":
        points = ((x, y - 5), (x + 5, y + 4), (x - 5, y + 4))
        return Polygon(tuple((_r(px), _r(py)) for px, py in points), colour)
    return Circle(_r(x), _r(y), 4, colour)


def _legend(figure: Figure, names: Sequence[str], shapes: Sequence[str]) -> None:
    x = LEFT
    y = figure.height - 8
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        figure.add(_marker(shapes[i % len(shapes)], x + 5, y - 4, colour), Text(x + 14, y, name))
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
    return Chart(slug, title, f"{names}: no data.", _empty_figure(slug, title), header, rows, False)


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
    figure = Figure(slug, title, description)
    _axes(figure, top, unit)
    xs = _x_labels(figure, labels)
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(v: Number) -> float:
        return _r(HEIGHT - BOTTOM - plot_h * float(v or 0) / top)

    if target is not None:
        y = y_of(target)
        figure.add(
            Line(LEFT, y, WIDTH - RIGHT, y, stroke=TEXT, width=1.5, dash="6 4"),
            # At the left, clear of the latest quarters' points and their value labels.
            Text(LEFT + 4, _r(y - 4), "Target " + _fmt(target) + unit),
        )
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        points = tuple((x, y_of(v)) for x, v in zip(xs, s.values, strict=True) if v is not None)
        if len(points) > 1:
            figure.add(Polyline(points, colour, dash="4 3" if i % 2 else ""))
        figure.add(*(_marker(MARKERS[i % len(MARKERS)], x, y, colour) for x, y in points))
        if len(series) == 1:
            # One line: each point carries its value, so the printed figure reads on its own.
            known = [v for v in s.values if v is not None]
            figure.add(
                *(
                    Text(x, _r(y - 8), _fmt(v) + unit, anchor="middle", size=11)
                    for (x, y), v in zip(points, known, strict=True)
                )
            )
    _legend(figure, [s.name for s in series], MARKERS)
    return Chart(slug, title, description, figure, header, rows)


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
    figure = Figure(slug, title, description)
    _axes(figure, top, unit)
    xs = _x_labels(figure, labels)
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
            figure.add(
                Rect(_r(bx), _r(by), _r(bar_w), _r(h), colour, WHITE, 1, title=label),
            )
            if not stacked and len(series) == 1:
                figure.add(Text(x, _r(by - 4), _fmt(value) + unit, anchor="middle"))
    _legend(figure, [s.name for s in series], ("square",))
    return Chart(slug, title, description, figure, header, rows)


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
        figure = _empty_figure(slug, title)
        return Chart(slug, title, "No contacts in the period.", figure, header, rows, False)
    height = 40 + 48 * len(stages)
    description = "Funnel: " + ", then ".join(f"{n} {_fmt(v)}" for n, v in stages) + "."
    figure = Figure(slug, title, description, WIDTH, height)
    label_w = 130
    plot_w = WIDTH - label_w - 100
    for i, ((name, value), row) in enumerate(zip(stages, rows, strict=True)):
        y = 20 + 48 * i
        w = plot_w * float(value or 0) / float(first)
        x = label_w + (plot_w - w) / 2
        figure.add(
            Text(label_w - 8, y + 22, name, anchor="end"),
            Rect(_r(x), y, _r(w), 34, PALETTE[i % len(PALETTE)]),
            Text(label_w + plot_w + 8, y + 22, f"{_fmt(value)} ({row[2]})"),
        )
    return Chart(slug, title, description, figure, header, rows)


# --- The strategic risk matrix -------------------------------------------------------------------


def risk_level(score: int) -> str:
    """The council's 5×5 bands: Low up to 4, Moderate 5 to 12, High 15 and above."""
    if score <= 4:
        return "Low"
    if score <= 12:
        return "Moderate"
    return "High"


RISK_FILL = {"Low": "#cce2d8", "Moderate": "#fff7bf", "High": "#f4cdc6"}


class RiskLike(Protocol):
    title: str
    owner: str
    likelihood: int
    impact: int


def risk_matrix(slug: str, title: str, risks: Sequence[RiskLike]) -> Chart:
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
        description = "No strategic risks recorded for the quarter."
        return Chart(slug, title, description, _empty_figure(slug, title), header, rows, False)
    cell, left, top = 76, 80, 16
    width, height = left + 5 * cell + 20, top + 5 * cell + 60
    description = (
        "Risk matrix of likelihood by impact: "
        + "; ".join(f"risk {row[0]} {row[1]} scores {row[5]}, {row[6]}" for row in rows)
        + "."
    )
    figure = Figure(slug, title, description, width, height)
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            x = left + (likelihood - 1) * cell
            y = top + (5 - impact) * cell
            level = risk_level(score)
            figure.add(
                Rect(x, y, cell, cell, RISK_FILL[level], WHITE, 2),
                Text(x + 4, y + 14, f" {level}", size=10, bold=str(score)),
            )
    placed: dict[tuple[int, int], int] = {}
    for i, r in enumerate(risks, start=1):
        k = (r.likelihood, r.impact)
        offset = placed.get(k, 0)
        placed[k] = offset + 1
        cx = left + (r.likelihood - 1) * cell + 16 + 20 * (offset % 3)
        cy = top + (5 - r.impact) * cell + 34 + 20 * (offset // 3)
        figure.add(
            Circle(cx, cy, 8, TEXT, title=r.title),
            Text(cx, cy + 4, str(i), anchor="middle", size=11, fill=WHITE),
        )
    for n in range(1, 6):
        figure.add(
            Text(round(left + (n - 0.5) * cell), top + 5 * cell + 16, str(n), anchor="middle"),
            Text(left - 8, round(top + (5 - n + 0.5) * cell + 4), str(n), anchor="end"),
        )
    middle = round(top + 2.5 * cell)
    figure.add(
        Text(round(left + 2.5 * cell), top + 5 * cell + 36, "Likelihood", anchor="middle"),
        Text(16, middle, "Impact", anchor="middle", rotate=-90),
    )
    return Chart(slug, title, description, figure, header, rows)


# --- Sparklines on the scorecard ---------------------------------------------------------------


def format_value(value: Number, unit: str) -> str:
    if value is None:
        return "no data"
    return _fmt(value) + ("%" if unit == "percent" else "")


@dataclass(frozen=True)
class Sparkline:
    """A small trend line for a scorecard row, or the words saying why there is none."""

    slug: str
    label: str
    message: str = ""
    points: tuple[tuple[float, float], ...] = ()
    width: int = 120
    height: int = 32
    colour: str = PALETTE[0]
    dot: str = TEXT

    @property
    def last(self) -> tuple[float, float]:
        return self.points[-1]

    @property
    def svg(self) -> SafeString:
        return render_to_string("scorecard/svg/sparkline.html", {"spark": self})


def sparkline(slug: str, title: str, values: Sequence[Number], unit: str) -> Sparkline:
    """A small trend line; "No trend data" when nothing was snapshotted."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if not known:
        return Sparkline(slug, "", "No trend data")
    if len(known) < 2:
        return Sparkline(slug, "", "One quarter of data: no trend yet")
    width, height, pad = 120, 32, 4
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = tuple(
        (_r(pad + i * step), _r(height - pad - (height - 2 * pad) * (v - low) / span))
        for i, v in known
    )
    words = ", ".join(format_value(v, unit) for v in values if v is not None)
    return Sparkline(slug, f"Trend of {title}, oldest first: {words}", points=points)


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
    risks: Sequence[RiskLike],
    quarter_title: str,
) -> list[Chart]:
    """The figures of the committee report, in its order (Fig. 1 to Fig. 16 as the seed report
    numbers them)."""

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
        line_chart(
            "allocation",
            "Children with an allocated case worker",
            labels,
            [s("allocated_pct", "Allocated", "%")],
            target=targets.get("allocated_pct"),
        ),
        funnel_chart(
            "front-door-funnel", f"Front door, {quarter_title}: contacts to assessments", funnel
        ),
        line_chart(
            "s17-visits",
            "Children seen within 5 working days of referral (section 17)",
            labels,
            [s("s17_seen_timely_pct", "Seen within 5 working days", "%")],
            target=targets.get("s17_seen_timely_pct"),
        ),
        line_chart(
            "s47-visits",
            "Children seen within 1 working day of a section 47 enquiry",
            labels,
            [s("s47_seen_timely_pct", "Seen within 1 working day", "%")],
            target=targets.get("s47_seen_timely_pct"),
        ),
        line_chart(
            "assessment-timeliness",
            "Assessments completed within 45 working days",
            labels,
            [s("assessment_45d_pct", "Completed within 45 working days", "%")],
            target=targets.get("assessment_45d_pct"),
        ),
        line_chart(
            "open-assessments",
            "Open assessments within timescale",
            labels,
            [s("open_assessment_in_time_pct", "Open assessments within timescale", "%")],
            target=targets.get("open_assessment_in_time_pct"),
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
