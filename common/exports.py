"""CSV and XLSX exports, safe to open in a spreadsheet.

Every list export in the app goes through `csv_response` / `xlsx_response`, so formula injection
is neutralised in one place: a text cell that a spreadsheet would read as a formula (it starts
with =, +, -, @, a tab or a carriage return) gets a leading single quote (OWASP, "CSV
injection"), and an XLSX file never contains a formula cell: every text cell is typed as a string.
Numbers and dates stay numbers and dates, which no spreadsheet evaluates. An XLSX sheet has its
header frozen and filterable and its columns sized to their values.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# openpyxl refuses the control characters XML 1.0 cannot hold; a stray one must not break a file.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters Excel refuses in a sheet title.
_ILLEGAL_SHEET_TITLE = re.compile(r"[\\/?*\[\]:\x00-\x1f]")

Cell = str | int | float | Decimal | date | datetime | bool | None


def neutralise(value: object) -> Cell:
    """The value as a spreadsheet may safely hold it.

    Text starting with a formula trigger (also after leading spaces, which some spreadsheets
    skip) is prefixed with a single quote. Numbers, dates and booleans pass through unchanged;
    None becomes an empty string."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) or text.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _csv_text(value: Cell) -> str:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


def _safe_filename(filename: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(filename)}"'
    return response


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    # A byte-order mark so Excel reads UTF-8 names (Zoë, Siân) correctly.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(neutralise(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_text(neutralise(v)) for v in row])
    return buffer.getvalue().encode("utf-8")


Sheet = tuple[str, Sequence[str], Iterable[Sequence[object]]]


def xlsx_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, sheet_title: str = "Export"
) -> bytes:
    return xlsx_sheets_bytes([(sheet_title, header, rows)])


def _xlsx_cell(sheet: object, value: object, font: Font | None = None) -> WriteOnlyCell:
    safe = neutralise(value)
    if isinstance(safe, str):
        safe = _ILLEGAL_XML.sub("", safe)
    elif isinstance(safe, datetime) and timezone.is_aware(safe):
        # XLSX has no time zones: write local (Europe/London) wall-clock time.
        safe = timezone.localtime(safe).replace(tzinfo=None)
    c = WriteOnlyCell(sheet, value=safe)
    if isinstance(safe, str):
        # openpyxl types any text starting with "=" as a formula; force a plain string.
        c.data_type = "s"
    elif isinstance(safe, datetime):
        c.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(safe, date):
        c.number_format = "dd/mm/yyyy"
    if font is not None:
        c.font = font
    return c


# Column widths in characters: a date or a short code stays readable, a long rule wraps at 60.
_MIN_WIDTH, _MAX_WIDTH, _WIDTH_SAMPLE = 8, 60, 500


def _column_widths(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    widths = []
    for index, title in enumerate(header):
        longest = len(str(title))
        for row in rows[:_WIDTH_SAMPLE]:
            value = row[index] if index < len(row) else None
            text = "dd/mm/yyyy" if isinstance(value, date) else _csv_text(neutralise(value))
            longest = max(longest, len(text))
        widths.append(float(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2))))
    return widths


def xlsx_sheets_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of several sheets, each (title, header, rows), every cell neutralised."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for sheet_title, header, rows in sheets:
        title = _ILLEGAL_SHEET_TITLE.sub("-", sheet_title).strip("'")[:31] or "Export"
        while title in used:
            title = f"{title[:28]}-{len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title=title)
        rows = [list(row) for row in rows]
        # A header that stays on screen and filters (Excel's "freeze top row" and "filter"), and
        # columns as wide as their longest value in the first rows, within reason. A write-only
        # sheet takes its layout before its first row.
        sheet.freeze_panes = "A2"
        if header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        for index, width in enumerate(_column_widths(header, rows), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([_xlsx_cell(sheet, h, bold) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Export",
) -> HttpResponse:
    body = xlsx_bytes(header, rows, sheet_title=sheet_title)
    return _attachment(HttpResponse(body, content_type=XLSX_CONTENT_TYPE), filename)
