"""The team manager's workbench: every list, filters, sorting, paging, fragments for htmx."""

from surgeries.models import Action


def test_team_manager_sees_their_teams_children_across_lists(cast, lists, as_user):
    response = as_user(cast.manager_a1).get("/surgeries/")
    assert response.status_code == 200
    html = response.content.decode()
    assert str(lists.cp_a1.public_id) in html
    assert str(lists.unallocated_a1.public_id) in html
    assert str(lists.s47_a1.public_id) in html
    assert str(lists.cp_b1.public_id) not in html
    assert "Unallocated children" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_filter_by_list_shows_only_that_list(cast, lists, as_user):
    response = as_user(cast.manager_a1).get("/surgeries/", {"list": "allocated_pct"})
    rows = [r for r in response.context["rows"]]
    assert rows and {r.list_code for r in rows} == {"allocated_pct"}
    assert {r.child_id for r in rows} == {lists.unallocated_a1.pk}


def test_worker_filter_choices_come_only_from_the_users_scope(cast, lists, as_user):
    response = as_user(cast.manager_a1).get("/surgeries/")
    choices = {w.pk for w in response.context["form"].fields["worker"].queryset}
    assert cast.worker_a1.pk in choices
    assert cast.worker_b1.pk not in choices
    # A worker from another team in the query string is refused by the form, not applied.
    response = as_user(cast.manager_a1).get("/surgeries/", {"worker": cast.worker_b1.pk})
    assert response.context["form"].errors


def test_minimum_days_overdue_and_due_soon_filters(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    rows = client.get("/surgeries/", {"min_days": 50}).context["rows"]
    assert rows and all(r.days_overdue >= 50 for r in rows)
    rows = client.get("/surgeries/", {"kind": "due_soon", "due_soon_wd": 30}).context["rows"]
    assert all(r.kind == "due_soon" for r in rows)
    assert all(r.days_overdue is None or r.days_overdue <= 0 for r in rows)


def test_default_sort_is_days_overdue_descending(cast, lists, as_user):
    rows = as_user(cast.manager_a1).get("/surgeries/").context["rows"]
    days = [r.days_overdue for r in rows if r.days_overdue is not None]
    assert days == sorted(days, reverse=True)


def test_sort_by_due_date_ascending(cast, lists, as_user):
    rows = as_user(cast.manager_a1).get("/surgeries/", {"sort": "due"}).context["rows"]
    dues = [r.due_date for r in rows if r.due_date]
    assert dues == sorted(dues)


def test_has_open_action_filter(cast, lists, as_user):
    from datetime import date

    Action.objects.create(
        child=lists.unallocated_a1,
        list_code="allocated_pct",
        description="Allocate",
        owner=cast.worker_a1,
        due_date=date(2018, 10, 5),
        created_by=cast.manager_a1,
        raised_on=date(2018, 9, 30),
    )
    rows = as_user(cast.manager_a1).get("/surgeries/", {"has_action": "yes"}).context["rows"]
    assert [(r.child_id, r.list_code, r.open_actions) for r in rows] == [
        (lists.unallocated_a1.pk, "allocated_pct", 1)
    ]


def test_htmx_request_gets_the_results_fragment(cast, lists, as_user):
    response = as_user(cast.manager_a1).get(
        "/surgeries/", {"list": "allocated_pct"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="workbench-results"')
    assert "<html" not in html


def test_pagination_splits_rows_without_losing_any(cast, lists, as_user, monkeypatch):
    from surgeries import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    client = as_user(cast.manager_a1)
    seen = []
    first = client.get("/surgeries/")
    total = first.context["page"].counts.total
    pages = -(-total // 2)
    for number in range(1, pages + 1):
        rows = client.get("/surgeries/", {"page": number}).context["rows"]
        seen += [(r.child_id, r.list_code, r.kind) for r in rows]
    assert len(seen) == total == len(set(seen))
