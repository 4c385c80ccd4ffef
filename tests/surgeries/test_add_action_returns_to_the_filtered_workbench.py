"""The add-action page (the route without JavaScript) carries the workbench it was opened from,
filters and page included, and goes back there once the action is added."""

from django.urls import reverse

from tests.conftest import date_input

CAME_FROM = "/surgeries/?list=cp_seen_10wd_pct&worker=&page=1"


def test_the_page_keeps_the_workbench_and_returns_to_it(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    query = {
        "child": lists.cp_a1.public_id,
        "list": "cp_seen_10wd_pct",
        "kind": "overdue",
        "next": CAME_FROM,
    }
    page = client.get(reverse("surgeries:action_new"), query).content.decode()
    assert '<input type="hidden" name="next" value="/surgeries/?list=cp_seen_10wd_pct&amp;' in page
    data = {
        "child": str(lists.cp_a1.public_id),
        "list_code": "cp_seen_10wd_pct",
        "description": "Statutory visit this week",
        "owner": cast.worker_a1.pk,
        **date_input("due_date", "2018-10-05"),
        "next": CAME_FROM,
    }
    response = client.post(reverse("surgeries:action_new"), data)
    assert response.status_code == 302
    assert response["Location"] == CAME_FROM


def test_a_next_of_another_site_returns_to_the_workbench(cast, lists, as_user):
    data = {
        "child": str(lists.cp_a1.public_id),
        "list_code": "cp_seen_10wd_pct",
        "description": "Statutory visit this week",
        "owner": cast.worker_a1.pk,
        **date_input("due_date", "2018-10-05"),
        "next": "https://evil.example/",
    }
    response = as_user(cast.manager_a1).post(reverse("surgeries:action_new"), data)
    assert response["Location"] == reverse("surgeries:workbench")
