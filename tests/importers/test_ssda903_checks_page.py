"""The page that runs the DfE's SSDA903 rules against the stored history: performance officers
and administrators only, linked from the imports page, audited, downloadable as CSV and XLSX
through the project's export helpers, and a fixed number of queries whatever the number of
children."""

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccessEvent
from casework.models import Child, HeldEpisode, OpenEpisodeDecision
from tests import factories as f

# Transaction control is not a statement of the page.
CONTROL = re.compile(r"^(RELEASE )?SAVEPOINT|^(BEGIN|COMMIT|ROLLBACK)")


def open_with_reason(la_child_id: str, start: date = date(2018, 6, 1)):
    """A child from the 2019 return whose open episode has a reason ceased (rule 148)."""
    child = f.ChildFactory(la_child_id=la_child_id, ssda903_year=2019)
    f.CareEpisodeFactory(child=child, start_date=start, rec="X1", return_year=2019)
    return child


@pytest.mark.parametrize("who", ["social_worker", "manager_a1", "chair_a", "leader"])
def test_other_roles_get_404(cast, as_user, who):
    client = as_user(getattr(cast, who))
    assert client.get(reverse("ssda903_checks")).status_code == 404
    download = reverse("ssda903_checks_download", args=["csv"])
    assert client.get(download).status_code == 404


@pytest.mark.parametrize("who", ["performance", "admin"])
def test_officers_see_each_problem_and_the_page_is_linked_from_imports(cast, as_user, who):
    child = open_with_reason("903-A1")
    client = as_user(getattr(cast, who))
    assert reverse("ssda903_checks") in client.get(reverse("imports")).content.decode()
    response = client.get(reverse("ssda903_checks"))
    assert response.status_code == 200
    [problem] = response.context["page"].object_list
    assert (problem.code, problem.severity, problem.child) == ("148", "warning", "903-A1")
    assert (problem.record, problem.field, problem.return_label) == (
        "episode from 01/06/2018",
        "DEC",
        "2018/19 return",
    )
    body = response.content.decode()
    assert "903-A1" in body and "Episode from 01/06/2018" in body
    event = AccessEvent.objects.get(url_name="ssda903_checks")
    assert event.child_ids == [child.pk] and event.action == "view"


def test_a_rule_can_be_shown_on_its_own(cast, as_user):
    open_with_reason("903-A1")
    other = f.ChildFactory(la_child_id="903-B2", ssda903_year=2019, upn="I1")
    f.CareEpisodeFactory(child=other, return_year=2019)
    client = as_user(cast.performance)
    everything = client.get(reverse("ssda903_checks")).context["page"].object_list
    assert sorted(p.code for p in everything) == ["148", "168"]
    only = client.get(reverse("ssda903_checks"), {"rule": "168"}).context["page"].object_list
    assert [p.child for p in only] == ["903-B2"]


def test_csv_download_neutralises_formulas_and_is_audited(cast, as_user):
    child = open_with_reason("=HYPERLINK(1)")
    response = as_user(cast.performance).get(reverse("ssda903_checks_download", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ssda903-checks-')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Rule,Severity,LA child ID,Return,Table,Row,Field,Problem"
    assert lines[1].startswith("148,warning,'=HYPERLINK(1),2018/19 return,episodes,")
    event = AccessEvent.objects.get(url_name="ssda903_checks_download")
    assert (event.action, event.child_ids, event.count) == ("export", [child.pk], 1)


def test_xlsx_download_has_a_frozen_filtered_header_and_no_formulas(cast, as_user):
    open_with_reason("=HYPERLINK(1)")
    open_with_reason("903-B2")
    response = as_user(cast.performance).get(reverse("ssda903_checks_download", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "SSDA903 checks"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H3"
    assert [c.value for c in sheet[1]][:3] == ["Rule", "Severity", "LA child ID"]
    ids = [sheet.cell(row=r, column=3) for r in (2, 3)]
    assert {c.value for c in ids} == {"'=HYPERLINK(1)", "903-B2"}
    assert all(c.data_type == "s" for c in ids)


def test_an_unknown_download_format_is_404(cast, as_user):
    client = as_user(cast.performance)
    assert client.get(reverse("ssda903_checks_download", args=["pdf"])).status_code == 404


def _statements(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("ssda903_checks")).status_code == 200
    return sum(1 for q in ctx.captured_queries if not CONTROL.search(q["sql"]))


def _troubled_child(n: int) -> None:
    """A child with a problem for every query of the check: an episode (148), a UPN (168), a
    held overlapping episode and an open episode a later return dropped (502)."""
    child = open_with_reason(f"903-{n}")
    Child.objects.filter(pk=child.pk).update(upn="I1")
    HeldEpisode.objects.create(
        child=child, start_date=date(2018, 7, 1), return_year=2019, row={}, reasons=["overlaps"]
    )
    OpenEpisodeDecision.objects.create(
        child=child, start_date=date(2018, 6, 1), last_reported_year=2019
    )


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_number_of_children(cast, as_user):
    client = as_user(cast.performance)
    for n in range(2):
        _troubled_child(n)
    few = _statements(client)
    for n in range(2, 30):
        _troubled_child(n)
    many = _statements(client)
    assert len(client.get(reverse("ssda903_checks")).context["page"].object_list) == 100
    assert few == many
    # Session, user, groups, worker, the four reads of the check, the access audit row.
    assert many <= 10, many
