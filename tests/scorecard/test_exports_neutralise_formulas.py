"""Exports neutralise spreadsheet formula injection in both CSV and XLSX."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from common.exports import csv_response, neutralise, xlsx_response

PAYLOADS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "  =cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_prefixes_a_single_quote_to_formula_triggers(payload):
    assert neutralise(payload) == "'" + payload


def test_neutralise_leaves_plain_text_numbers_and_dates_alone():
    assert neutralise("Sam Worker") == "Sam Worker"
    assert neutralise(-5) == -5
    assert neutralise(Decimal("12.5")) == Decimal("12.5")
    assert neutralise(date(2018, 9, 30)) == date(2018, 9, 30)
    assert neutralise(None) == ""


def test_csv_cells_starting_with_a_formula_trigger_are_quoted():
    response = csv_response("list.csv", ["Name", "Count"], [[p, 1] for p in PAYLOADS])
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="list.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Name", "Count"]
    for row, payload in zip(rows[1:], PAYLOADS, strict=True):
        assert row[0] == "'" + payload
        assert row[1] == "1"


def test_xlsx_has_no_formula_cells_and_quotes_triggers():
    rows = [[p, 3, date(2018, 9, 30)] for p in PAYLOADS]
    response = xlsx_response("list.xlsx", ["=Name", "Count", "Due"], rows)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "'=Name"
    for row, payload in zip(values[1:], PAYLOADS, strict=True):
        # XML turns a carriage return into a line feed; the quote is what matters.
        assert row[0][0] == "'"
        assert row[0][1:].strip() == payload.strip()
        assert row[1] == 3
        assert row[2].date() == date(2018, 9, 30)


def test_xlsx_raw_xml_contains_no_formula_element():
    import zipfile

    response = xlsx_response("list.xlsx", ["Name"], [["=1+1"], ["@A1"]])
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_export_filename_is_made_safe():
    response = csv_response('bad"name\r\n.csv', ["A"], [])
    assert response["Content-Disposition"] == 'attachment; filename="bad-name-.csv"'


def test_xlsx_sheet_title_drops_characters_excel_refuses():
    response = xlsx_response("x.xlsx", ["A"], [], sheet_title="Q2 2018/19: [draft]*")
    assert load_workbook(io.BytesIO(response.content)).active.title == "Q2 2018-19- -draft--"
