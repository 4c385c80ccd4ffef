"""Adding an action from the workbench, with htmx (the row comes back redrawn) and without
(a plain POST that redirects back), and finding it on the owner's page."""

from datetime import date

from surgeries.models import Action


def _post(client, lists, cast, **extra):
    return client.post(
        "/surgeries/actions/new/",
        {
            "child": str(lists.unallocated_a1.public_id),
            "list_code": "allocated_pct",
            "description": "Allocate a social worker this week",
            "owner": cast.worker_a1.pk,
            "due_date": "2018-10-05",
            "barrier": "",
            "next": "/surgeries/?list=allocated_pct",
        },
        **extra,
    )


def test_action_added_without_javascript_redirects_back(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    response = _post(client, lists, cast)
    assert response.status_code == 302
    assert response["Location"] == "/surgeries/?list=allocated_pct"
    action = Action.objects.get()
    assert action.child == lists.unallocated_a1
    assert action.owner == cast.worker_a1
    assert action.created_by == cast.manager_a1
    assert action.raised_on == date(2018, 9, 30)
    assert action.status == Action.Status.OPEN


def test_action_added_with_htmx_returns_the_updated_row(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    response = _post(client, lists, cast, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    # The row's own tbody, redrawn without its form.
    assert html.lstrip().startswith('<tbody class="govuk-table__body app-workbench__group"')
    assert 'data-open-actions="1"' in html
    assert "<form" not in html
    assert "Action added" in html
    assert "HX-Request" in response["Vary"]
    assert Action.objects.count() == 1


def test_action_appears_on_the_owners_page(cast, lists, as_user):
    _post(as_user(cast.manager_a1), lists, cast)
    response = as_user(cast.social_worker).get("/surgeries/actions/mine/")
    assert response.status_code == 200
    assert "Allocate a social worker this week" in response.content.decode()


def test_owner_from_another_team_is_refused(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    response = client.post(
        "/surgeries/actions/new/",
        {
            "child": str(lists.unallocated_a1.public_id),
            "list_code": "allocated_pct",
            "description": "Allocate",
            "owner": cast.worker_b1.pk,
            "due_date": "2018-10-05",
        },
    )
    assert response.status_code == 422
    assert Action.objects.count() == 0


def test_complete_action_once_only(cast, lists, as_user):
    _post(as_user(cast.manager_a1), lists, cast)
    action = Action.objects.get()
    client = as_user(cast.social_worker)
    url = f"/surgeries/actions/{action.public_id}/complete/"
    assert client.post(url, {"outcome_note": "Allocated to Sam"}).status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.completed_on == date(2018, 9, 30)
    # A second click finds nothing left to do.
    assert client.post(url, {"outcome_note": "Again"}).status_code == 422
    action.refresh_from_db()
    assert action.outcome_note == "Allocated to Sam"


def test_cancel_action(cast, lists, as_user):
    _post(as_user(cast.manager_a1), lists, cast)
    action = Action.objects.get()
    response = as_user(cast.manager_a1).post(
        f"/surgeries/actions/{action.public_id}/cancel/", {"outcome_note": "Raised in error"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED
