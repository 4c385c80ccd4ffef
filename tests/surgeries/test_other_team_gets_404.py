"""A manager of another team gets 404 for the first team's children, actions and surgeries, and
their exports hold only their own rows."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from accounts.models import AccessEvent
from surgeries.models import Action, Surgery


@pytest.fixture
def team_a1_records(cast, lists):
    action = Action.objects.create(
        child=lists.cp_a1,
        list_code="cp_seen_10wd_pct",
        description="Visit",
        owner=cast.worker_a1,
        due_date=date(2018, 10, 5),
        created_by=cast.manager_a1,
        raised_on=date(2018, 9, 28),
    )
    surgery = Surgery.objects.create(
        title="North", date=date(2018, 9, 30), chair=cast.chair_a, scope_key="teams:x", lists=[]
    )
    surgery.teams.set([cast.team_a1])
    return action, surgery


def test_other_team_manager_gets_404_for_action(cast, team_a1_records, as_user):
    action, _ = team_a1_records
    client = as_user(cast.manager_b1)
    assert client.get(f"/surgeries/actions/{action.public_id}/").status_code == 404
    assert (
        client.post(
            f"/surgeries/actions/{action.public_id}/complete/", {"outcome_note": "x"}
        ).status_code
        == 404
    )
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN
    assert AccessEvent.objects.filter(
        user=cast.manager_b1, action="refused", status_code=404
    ).exists()


def test_other_team_manager_gets_404_for_surgery_and_minutes(cast, lists, team_a1_records, as_user):
    _, surgery = team_a1_records
    client = as_user(cast.manager_b1)
    assert client.get(f"/surgeries/meetings/{surgery.public_id}/").status_code == 404
    assert client.get(f"/surgeries/meetings/{surgery.public_id}/minutes.pdf").status_code == 404
    url = f"/surgeries/meetings/{surgery.public_id}/children/{lists.cp_a1.public_id}/"
    assert client.get(url).status_code == 404
    assert client.post(f"/surgeries/meetings/{surgery.public_id}/close/").status_code == 404
    assert surgery.title not in client.get("/surgeries/meetings/").content.decode()


def test_other_team_manager_cannot_add_an_action_for_the_first_teams_child(cast, lists, as_user):
    response = as_user(cast.manager_b1).post(
        "/surgeries/actions/new/",
        {
            "child": str(lists.cp_a1.public_id),
            "list_code": "cp_seen_10wd_pct",
            "description": "x",
            "owner": cast.worker_b1.pk,
            "due_date": "2018-10-05",
        },
    )
    assert response.status_code == 404
    assert not Action.objects.exists()


def test_other_team_manager_does_not_see_actions_in_lists(cast, team_a1_records, as_user):
    client = as_user(cast.manager_b1)
    for page in ("mine", "team", "overdue"):
        assert "Visit" not in client.get(f"/surgeries/actions/{page}/").content.decode()


def test_exports_hold_only_in_scope_rows(cast, lists, as_user):
    client = as_user(cast.manager_b1)
    response = client.get("/surgeries/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    name_col, team_col = header.index("Child"), header.index("Team")
    names = {r[name_col] for r in body}
    assert lists.cp_b1.full_name in names
    for child in (lists.cp_a1, lists.unallocated_a1, lists.s47_a1):
        assert child.full_name not in names
    assert {r[team_col] for r in body} == {cast.team_b1.name}

    xlsx = client.get("/surgeries/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert {row[name_col] for row in values[1:]} == names


def test_export_neutralises_formulas(cast, lists, as_user):
    lists.cp_a1.first_name = '=HYPERLINK("http://x")'
    lists.cp_a1.save()
    response = as_user(cast.manager_a1).get("/surgeries/export.csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_workbench_never_shows_another_teams_children(cast, lists, as_user):
    html = as_user(cast.manager_b1).get("/surgeries/").content.decode()
    for child in (lists.cp_a1, lists.unallocated_a1, lists.s47_a1):
        assert str(child.public_id) not in html
    assert str(lists.cp_b1.public_id) in html


def test_senior_leader_is_told_the_workbench_is_not_for_their_role(cast, lists, as_user):
    response = as_user(cast.leader).get("/surgeries/")
    assert response.status_code == 403
    html = response.content.decode()
    for child in (lists.cp_a1, lists.cp_b1):
        assert str(child.public_id) not in html
