"""The committee report as an XLSX of its tables and as a DOCX for councils that paste the report
into their own committee template. Both are written from the same `Report` the page and the PDF
draw, so every format holds the same figures and words.

The DOCX carries each figure's numbers as a table under its "Fig. N" caption (the charts are SVG,
which Word documents do not take; the PDF carries the drawn figures).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Pt

from scorecard.charts import format_value
from scorecard.exports import Sheet, xlsx_sheets_bytes
from scorecard.report import Report

MEASURE_HEADER = [
    "Measure",
    "Value",
    "Numerator",
    "Denominator",
    "Target",
    "Rating",
    "Previous value",
    "Direction of travel",
    "Benchmark",
    "Trend",
]


def measure_cells(report: Report) -> list[tuple[str, list[list[Any]]]]:
    """Each area's measures as rows of plain values (numbers as numbers)."""
    found = []
    for section in report.sections:
        rows = [
            [
                m.row.title,
                m.row.value,
                m.row.numerator,
                m.row.denominator,
                m.row.target,
                m.row.rating_label or "No rating",
                m.row.previous_value,
                m.row.change_text or "No previous figure",
                "; ".join(f"{b.value} {b.label}" for b in m.row.benchmarks),
                m.trend_text,
            ]
            for m in section.measures
        ]
        if rows:
            found.append((section.title, rows))
    return found


def report_xlsx(report: Report) -> bytes:
    """One sheet per area's measures, one of every figure's data, and the risk register."""
    sheets: list[Sheet] = [(title, MEASURE_HEADER, rows) for title, rows in measure_cells(report)]
    figure_rows = [
        [figure.label, figure.chart.title, *row]
        for figure in report.figures
        for row in figure.chart.rows
    ]
    sheets.append(("Figures", ["Figure", "Title", "Label", "Values..."], figure_rows))
    sheets.append(
        (
            "Strategic risks",
            ["Risk", "Owner", *(q.title for q in report.risk_quarters), "Level"],
            [[r.title, r.owner, *r.scores, r.level] for r in report.risks],
        )
    )
    return xlsx_sheets_bytes(sheets)


def _table(document: Any, header: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def report_docx(report: Report) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    document.add_paragraph(report.council_name)
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.committee)
    cover = report.cover
    document.add_paragraph(
        cover.meeting_date.strftime("%-d %B %Y")
        if cover.meeting_date
        else "Meeting date not yet set"
    )
    document.add_paragraph(f"Officer contact: {cover.officer or 'Not yet set'}")
    document.add_paragraph(f"Report sponsor: {cover.sponsor or 'Not yet set'}")
    document.add_heading("Purpose of the report", level=1)
    for paragraph in report.purpose:
        document.add_paragraph(paragraph)
    document.add_paragraph(f"Note: {report.change_note}")
    document.add_heading("Key to ratings and direction of travel", level=1)
    for _, label, meaning in report.key:
        document.add_paragraph(f"{label}: {meaning}")
    for arrow, meaning in report.arrows:
        document.add_paragraph(f"{arrow} {meaning}")
    document.add_heading("Summary of key performance", level=1)
    for paragraph in report.summary_paragraphs:
        document.add_paragraph(paragraph)
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.measures:
            _table(
                document,
                ["Measure", "Value", "Target", "Rating", "Direction of travel", "Benchmark"],
                [
                    [
                        m.row.title,
                        format_value(m.row.value, m.row.unit),
                        format_value(m.row.target, m.row.unit) if m.row.target is not None else "—",
                        m.row.rating_label or "No rating",
                        m.row.change_text or "No previous figure",
                        "; ".join(
                            f"{format_value(b.value, m.row.unit)} {b.label}"
                            for b in m.row.benchmarks
                        )
                        or "—",
                    ]
                    for m in section.measures
                ],
            )
        for figure in section.figures:
            document.add_heading(f"{figure.label}: {figure.chart.title}", level=2)
            _table(
                document,
                figure.chart.header,
                figure.chart.rows or [["No data"] + [""] * (len(figure.chart.header) - 1)],
            )
        if section.slug == "risk":
            document.add_heading("Strategic risk register: scores by quarter", level=2)
            _table(
                document,
                ["Risk", "Owner", *(q.title for q in report.risk_quarters), "Level"],
                [[r.title, r.owner, *r.scores, r.level] for r in report.risks],
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
