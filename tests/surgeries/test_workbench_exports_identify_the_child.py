"""The workbench's CSV and XLSX exports carry the LA child ID and the team of every row (the
people who match them against other records need both), and a name that a spreadsheet would
run as a formula is written as text."""

import csv
import io

from openpyxl import load_workbook


def test_csv_and_xlsx_carry_la_child_id_and_team(cast, lists, as_user):
    lists.cp_a1.first_name = '=HYPERLINK("http://example.invalid")'
    lists.cp_a1.save()
    client = as_user(cast.manager_a1)
    response = client.get("/surgeries/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["LA child ID", "Child"]
    assert "Team" in header
    team = header.index("Team")
    by_id = {r[0]: r for r in body}
    assert lists.unallocated_a1.la_child_id in by_id
    assert {r[team] for r in body} == {cast.team_a1.name}
    injected = by_id[lists.cp_a1.la_child_id][1]
    assert injected.startswith("'=HYPERLINK")

    sheet = load_workbook(io.BytesIO(client.get("/surgeries/export.xlsx").content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0][:2]) == ["LA child ID", "Child"]
    assert {v[0] for v in values[1:]} == set(by_id)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{len(values)}"
