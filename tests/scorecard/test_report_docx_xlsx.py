"""The report's DOCX and XLSX open with python-docx and openpyxl and hold the same figures as the
report: every measure's value, its rating and its direction of travel, every figure's data and
the risk register."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from casework.models import StrategicRisk
from scorecard.charts import format_value
from scorecard.measures.base import COUNCIL
from scorecard.periods import Quarter
from scorecard.report import build_report
from scorecard.report_files import report_docx, report_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(cast):
    for day in (date(2018, 6, 30), date(2018, 9, 30)):
        call_command("rollup_kpis", date=day)
    StrategicRisk.objects.create(
        title="Failure to protect",
        owner="DCS",
        quarter_end=date(2018, 9, 30),
        likelihood=3,
        impact=4,
    )
    return build_report(Quarter(2018, 2), COUNCIL)


def test_the_docx_opens_and_holds_the_reports_words_and_figures(report):
    document = Document(io.BytesIO(report_docx(report)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for section in report.sections:
        assert section.title in headings
    assert "Fig. 10: Children subject to a child protection plan" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    for section in report.sections:
        for paragraph in section.paragraphs:
            assert paragraph in text
    cells = {
        row.cells[0].text: [c.text for c in row.cells]
        for table in document.tables
        for row in table.rows
    }
    for section in report.sections:
        for measure in section.measures:
            row = measure.row
            assert cells[row.title][1] == format_value(row.value, row.unit)
            assert cells[row.title][3] == (row.rating_label or "No rating")
            assert cells[row.title][4] == (row.change_text or "No previous figure")
    assert cells["Failure to protect"][-1] == "Moderate"


def test_the_xlsx_opens_and_holds_the_same_figures(report):
    workbook = load_workbook(io.BytesIO(report_xlsx(report)), read_only=True)
    values = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            values.setdefault(sheet.title, []).append(row)
    by_title = {row[0]: row for rows in values.values() for row in rows}
    for section in report.sections:
        for measure in section.measures:
            row = measure.row
            cell = by_title[row.title]
            assert (cell[1] is None and row.value is None) or float(cell[1]) == float(row.value)
            assert cell[5] == (row.rating_label or "No rating")
    figures = values["Figures"]
    assert {r[0] for r in figures} == {f.label for f in report.figures if f.chart.rows}
    assert values["Strategic risks"][0][0] == "Failure to protect"
