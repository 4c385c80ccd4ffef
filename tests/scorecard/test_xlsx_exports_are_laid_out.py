"""An XLSX export opens ready to work in: the header row frozen, a filter on every column, and
columns as wide as their values (within limits)."""

import io
from datetime import date

from openpyxl import load_workbook

from scorecard.exports import xlsx_response


def test_header_is_frozen_filtered_and_columns_sized():
    rows = [["Ann Example", date(2018, 9, 30), "x" * 200], ["Bo", date(2018, 10, 1), "short"]]
    response = xlsx_response("list.xlsx", ["Child", "Due date", "Rule"], rows)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    widths = {c: sheet.column_dimensions[c].width for c in "ABC"}
    assert widths["A"] == len("Ann Example") + 2
    assert widths["B"] == len("dd/mm/yyyy") + 2
    assert widths["C"] == 60  # a long rule wraps rather than running off the screen


def test_an_empty_export_still_has_its_filtered_header():
    response = xlsx_response("list.xlsx", ["Child"], [])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.auto_filter.ref == "A1:A1"
    assert sheet.column_dimensions["A"].width == 8
