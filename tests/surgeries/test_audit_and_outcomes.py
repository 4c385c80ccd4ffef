"""Audit rows for every child-level view and export; "No longer overdue" on actions whose child
has left the list; the impact of a closed surgery; barriers by team and quarter."""

from datetime import date

from accounts.models import AccessEvent
from casework.models import Involvement
from surgeries.models import Action, AgendaItem, BarrierCode, Surgery


def test_workbench_view_and_export_write_audit_rows(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    client.get("/surgeries/")
    client.get("/surgeries/export.csv", {"list": "allocated_pct"})
    view = AccessEvent.objects.get(
        user=cast.manager_a1, action="list", url_name="surgeries:workbench"
    )
    assert set(view.child_ids) == {
        lists.cp_a1.pk,
        lists.unallocated_a1.pk,
        lists.s47_a1.pk,
        cast.child_a1.pk,
    }
    export = AccessEvent.objects.get(user=cast.manager_a1, action="export")
    assert export.child_ids == [lists.unallocated_a1.pk]
    assert export.filters["lists"] == ["allocated_pct"]
    assert export.filters["format"] == "csv"


def _action(cast, child, code="allocated_pct", **extra):
    fields = {
        "child": child,
        "list_code": code,
        "description": "Allocate",
        "owner": cast.worker_a1,
        "due_date": date(2018, 10, 5),
        "created_by": cast.manager_a1,
        "raised_on": date(2018, 9, 28),
        **extra,
    }
    return Action.objects.create(**fields)


def test_action_shows_no_longer_overdue_once_the_child_leaves_the_list(cast, lists, as_user):
    action = _action(cast, lists.unallocated_a1)
    client = as_user(cast.manager_a1)
    response = client.get(f"/surgeries/actions/{action.public_id}/")
    assert response.context["action"].still_on_list is True
    assert AccessEvent.objects.filter(action="view", child_ids=[lists.unallocated_a1.pk]).exists()
    Involvement.objects.create(
        child=lists.unallocated_a1,
        worker=cast.worker_a1,
        team=cast.team_a1,
        start_date=date(2018, 9, 20),
    )
    response = client.get(f"/surgeries/actions/{action.public_id}/")
    assert response.context["action"].still_on_list is False
    assert "No longer overdue" in response.content.decode()
    assert "No longer overdue" in client.get("/surgeries/actions/team/").content.decode()


def test_closed_surgery_impact_counts_children_who_left_and_actions_on_time(cast, lists, as_user):
    surgery = Surgery.objects.create(
        title="North",
        date=date(2018, 9, 3),
        chair=cast.chair_a,
        scope_key="teams:x",
        lists=[],
        status=Surgery.Status.CLOSED,
        closed_at="2018-09-03T12:00:00Z",
    )
    surgery.teams.set([cast.team_a1])
    for position, (child, code) in enumerate(
        [(lists.unallocated_a1, "allocated_pct"), (lists.cp_a1, "cp_seen_10wd_pct")], start=1
    ):
        AgendaItem.objects.create(
            surgery=surgery,
            position=position,
            kind="overdue",
            child=child,
            list_code=code,
            list_label=code,
        )
    # The unallocated child has since been allocated: it has left its list.
    Involvement.objects.create(
        child=lists.unallocated_a1,
        worker=cast.worker_a1,
        team=cast.team_a1,
        start_date=date(2018, 9, 20),
    )
    _action(
        cast,
        lists.unallocated_a1,
        surgery=surgery,
        status="done",
        completed_at="2018-09-20T10:00:00Z",
        completed_on=date(2018, 9, 20),
    )
    _action(
        cast,
        lists.cp_a1,
        code="cp_seen_10wd_pct",
        surgery=surgery,
        due_date=date(2018, 9, 10),
        status="done",
        completed_at="2018-09-20T10:00:00Z",
        completed_on=date(2018, 9, 20),
    )
    client = as_user(cast.chair_a)
    impact = client.get(f"/surgeries/meetings/{surgery.public_id}/").context["impact"]
    assert (impact.children, impact.left, impact.actions, impact.on_time) == (2, 1, 2, 1)
    listing = client.get("/surgeries/meetings/").content.decode()
    assert "1 of 2" in listing


def test_barrier_report_rolls_up_by_team_and_quarter(cast, lists, as_user):
    drift = BarrierCode.objects.get(code="drift-assessment")
    _action(cast, lists.cp_a1, code="cp_seen_10wd_pct", barrier=drift)
    _action(cast, lists.s47_a1, code="icpc_overdue", barrier=drift)
    late = _action(cast, lists.unallocated_a1, barrier=drift)
    Action.objects.filter(pk=late.pk).update(raised_on=date(2018, 10, 2))
    response = as_user(cast.chair_a).get("/surgeries/barriers/")
    rows = response.context["rows"]
    assert [(r["team"], r["quarter"].title, r["barrier"], r["count"]) for r in rows] == [
        ("Safeguarding North", "Q2 2018/19", "Drift in assessment", 2),
        ("Safeguarding North", "Q3 2018/19", "Drift in assessment", 1),
    ]
    assert as_user(cast.manager_b1).get("/surgeries/barriers/").context["rows"] == []


def test_barrier_codes_are_seeded(db):
    labels = set(BarrierCode.objects.values_list("label", flat=True))
    assert {"Drift in case closure", "Section 47 under way", "Recording delay", "Other"} <= labels
