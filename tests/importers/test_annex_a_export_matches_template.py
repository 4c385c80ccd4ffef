"""The Annex A export has exactly the sheets and header rows of Ofsted's template (the public
sample in tests/fixtures/samples/annex_a), so an inspector's tooling reads it unchanged."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from casework.annex_a_export import write_workbook
from casework.importers.annex_a_layout import LISTS

TEMPLATE_HEADER_ROWS = 1  # the template's first row is its only header row; row 2 is data


def _headers(book, rows: int) -> dict[str, list[list[object]]]:
    return {
        sheet.title: [
            list(values) for values in sheet.iter_rows(min_row=1, max_row=rows, values_only=True)
        ]
        for sheet in book.worksheets
    }


def test_export_sheets_and_header_rows_equal_the_template(db, samples):
    template = load_workbook(samples / "annex_a" / "Annex_A.xlsx", read_only=True)
    export = load_workbook(BytesIO(write_workbook(date(2018, 9, 30))), read_only=True)
    assert export.sheetnames == template.sheetnames
    assert _headers(export, TEMPLATE_HEADER_ROWS) == _headers(template, TEMPLATE_HEADER_ROWS)


def test_layout_is_the_template_column_for_column(samples):
    template = load_workbook(samples / "annex_a" / "Annex_A.xlsx", read_only=True)
    for number, header in LISTS.items():
        row = next(template[f"List {number}"].iter_rows(max_row=1, values_only=True))
        assert list(row) == header, f"List {number}"
    assert len(LISTS[9]) == 13
