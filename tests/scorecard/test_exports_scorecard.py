"""The scorecard and drill-down lists download as CSV and XLSX, neutralised and audited."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from accounts.models import AccessEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_scorecard_csv_has_every_measure_with_rating_in_words(cast, as_user):
    response = as_user(cast.leader).get("/scorecard/2018-19-Q2/scorecard.csv", {"scope": "council"})
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0][:4] == ["Section", "Code", "Measure", "Period"]
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code["open_children"][4] == "3"
    assert by_code["open_children"][0] == "Caseload"


def test_scorecard_xlsx_opens_with_no_formula_cells(cast, as_user):
    response = as_user(cast.leader).get("/scorecard/2018-19-Q2/scorecard.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Q2 2018-19"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet.cell(1, 2).value == "Code"


def test_unknown_export_format_is_404(cast, as_user):
    assert as_user(cast.leader).get("/scorecard/2018-19-Q2/scorecard.pdf").status_code == 404


def test_drilldown_export_neutralises_names_and_is_audited(cast, as_user):
    child = f.ChildFactory(first_name='=HYPERLINK("http://x")', last_name="@SUM(A1)")
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 8, 1))
    client = as_user(cast.manager_a1)
    params = {"scope": f"team:{cast.team_a1.pk}"}
    response = client.get("/scorecard/2018-19-Q2/open_children/export.csv", params)
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0][:4] == ["Child", "LA child ID", "Team", "Worker"]
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x") @SUM(A1)' in names
    assert len(rows) == 3  # header, the cast's child and the new one
    event = AccessEvent.objects.get(action="export")
    assert sorted(event.child_ids) == sorted([cast.child_a1.pk, child.pk])
    assert event.filters["format"] == "csv"

    response = client.get("/scorecard/2018-19-Q2/open_children/export.xlsx", params)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert '\'=HYPERLINK("http://x") @SUM(A1)' in values


def test_drilldown_export_out_of_scope_is_404(cast, as_user):
    response = as_user(cast.manager_b1).get(
        "/scorecard/2018-19-Q2/open_children/export.xlsx", {"scope": f"team:{cast.team_a1.pk}"}
    )
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(action="export").exists()
