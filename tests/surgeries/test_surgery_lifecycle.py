"""A head of service creates a surgery, runs it (discussion, barrier, actions), closes it (the
agenda freezes, minutes as PDF and XLSX), and the next surgery of the same scope carries the open
actions forward."""

import io
from datetime import date

from openpyxl import load_workbook

from surgeries.models import Action, AgendaItem, BarrierCode, Discussion, Surgery
from tests.conftest import date_input


def create_surgery(client, cast, *, title="Safeguarding North surgery", day="2018-09-30", **extra):
    data = {"title": title, **date_input("date", day), "teams": [cast.team_a1.pk], **extra}
    response = client.post("/surgeries/meetings/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Surgery.objects.get(title=title)


def test_surgery_create_run_close_and_minutes(cast, lists, as_user):
    client = as_user(cast.chair_a)
    surgery = create_surgery(client, cast)
    assert surgery.chair == cast.chair_a
    assert surgery.scope_key == f"teams:{cast.team_a1.pk}"

    page = client.get(f"/surgeries/meetings/{surgery.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert str(lists.cp_a1.public_id) in html
    assert str(lists.cp_b1.public_id) not in html

    child_url = f"/surgeries/meetings/{surgery.public_id}/children/{lists.cp_a1.public_id}/"
    barrier = BarrierCode.objects.get(code="child-not-available")
    response = client.post(child_url, {"note": "Family away; visit booked", "barrier": barrier.pk})
    assert response.status_code == 302
    assert Discussion.objects.get(surgery=surgery, child=lists.cp_a1).barrier == barrier

    response = client.post(
        "/surgeries/actions/new/",
        {
            "child": str(lists.cp_a1.public_id),
            "surgery": str(surgery.public_id),
            "list_code": "cp_seen_10wd_pct",
            "description": "Statutory visit this week",
            "owner": cast.worker_a1.pk,
            "due_date": "2018-10-05",
            "barrier": barrier.pk,
            "next": child_url,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(surgery=surgery)

    response = client.post(f"/surgeries/meetings/{surgery.public_id}/close/")
    assert response.status_code == 302
    surgery.refresh_from_db()
    assert surgery.is_closed
    items = AgendaItem.objects.filter(surgery=surgery)
    assert items.filter(child=lists.cp_a1, list_code="cp_seen_10wd_pct").exists()
    assert (
        items.get(child=lists.cp_a1, list_code="cp_seen_10wd_pct").note
        == "Family away; visit booked"
    )
    assert not items.filter(child=lists.cp_b1).exists()

    # Frozen: later changes to the case record do not change the closed agenda.
    frozen = items.count()
    lists.unallocated_a1.referrals.update(closure_date=date(2018, 9, 10))
    client.get(f"/surgeries/meetings/{surgery.public_id}/")
    assert AgendaItem.objects.filter(surgery=surgery).count() == frozen

    pdf = client.get(f"/surgeries/meetings/{surgery.public_id}/minutes.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    xlsx = client.get(f"/surgeries/meetings/{surgery.public_id}/minutes.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    discussed = [row for row in book["Discussed"].iter_rows(values_only=True)]
    assert discussed[0][:3] == ("No.", "Child", "LA child ID")
    assert any(
        row[2] == lists.cp_a1.la_child_id and row[8] == "Child not available"
        for row in discussed[1:]
    )
    actions = [row for row in book["Actions"].iter_rows(values_only=True)]
    assert actions[1][3] == action.description

    # Closing twice changes nothing.
    client.post(f"/surgeries/meetings/{surgery.public_id}/close/")
    assert AgendaItem.objects.filter(surgery=surgery).count() == frozen


def test_open_actions_carry_forward_to_the_next_surgery_of_the_same_scope(cast, lists, as_user):
    client = as_user(cast.chair_a)
    first = create_surgery(client, cast, title="September", day="2018-09-03")
    kept = Action.objects.create(
        child=lists.cp_a1,
        list_code="cp_seen_10wd_pct",
        description="Still open",
        owner=cast.worker_a1,
        due_date=date(2018, 9, 20),
        created_by=cast.chair_a,
        raised_on=date(2018, 9, 3),
        surgery=first,
    )
    done = Action.objects.create(
        child=lists.s47_a1,
        list_code="icpc_overdue",
        description="Already done",
        owner=cast.worker_a1,
        due_date=date(2018, 9, 20),
        created_by=cast.chair_a,
        raised_on=date(2018, 9, 3),
        surgery=first,
        status=Action.Status.DONE,
        completed_at="2018-09-10T10:00:00Z",
        completed_on=date(2018, 9, 10),
    )
    client.post(f"/surgeries/meetings/{first.public_id}/close/")
    other_scope = create_surgery(
        client, cast, title="Both teams", day="2018-09-30", teams=[cast.team_a1.pk, cast.team_a2.pk]
    )
    second = create_surgery(client, cast, title="October", day="2018-09-30")

    agenda = client.get(f"/surgeries/meetings/{second.public_id}/").context["agenda"]
    assert [a.pk for a in agenda.carried] == [kept.pk]
    assert done.pk not in [a.pk for a in agenda.carried]
    assert (
        client.get(f"/surgeries/meetings/{other_scope.public_id}/").context["agenda"].carried == []
    )

    client.post(f"/surgeries/meetings/{second.public_id}/close/")
    carried = AgendaItem.objects.get(surgery=second, kind=AgendaItem.Kind.CARRIED)
    assert carried.carried_action == kept


def test_team_manager_can_chair_only_their_own_team(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    create_surgery(client, cast, title="Mine")
    response = client.post(
        "/surgeries/meetings/new/",
        {"title": "Theirs", **date_input("date", "2018-09-30"), "teams": [cast.team_a2.pk]},
    )
    assert response.status_code == 422
    assert not Surgery.objects.filter(title="Theirs").exists()


def test_social_worker_cannot_create_a_surgery(cast, as_user):
    response = as_user(cast.social_worker).get("/surgeries/meetings/new/")
    assert response.status_code == 404
