"""A record opened from a list has a back link to that list, at its filters, page and sort: the
list passes itself as `?next=`, the record keeps it from tab to tab, and only a path of this
site is followed (url_has_allowed_host_and_scheme), never another host."""

import html
import re
from datetime import date
from urllib.parse import quote_plus

import pytest
from django.urls import reverse

from surgeries import services
from tests.conftest import REPORTING_DATE


def _back_link(page: str) -> str | None:
    found = re.search(r'<a href="([^"]*)" class="govuk-back-link">', page)
    return html.unescape(found.group(1)) if found else None


def test_child_record_opened_from_a_list_links_back_to_it_from_every_tab(cast, as_user):
    client = as_user(cast.manager_a1)
    came_from = "/surgeries/?list=cp_seen_10wd_pct&page=2"
    url = reverse("child_overview", args=[cast.child_a1.public_id])
    page = client.get(url, {"next": came_from}).content.decode()
    assert _back_link(page) == came_from
    visits = reverse("child_visits", args=[cast.child_a1.public_id])
    tab = re.search(rf'href="({re.escape(visits)}[^"]*)"', page)
    assert tab and html.unescape(tab.group(1)).endswith("?next=" + quote_plus(came_from))
    page = client.get(visits, {"next": came_from}).content.decode()
    assert _back_link(page) == came_from


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_next_of_another_site_is_ignored(cast, as_user, target):
    url = reverse("child_overview", args=[cast.child_a1.public_id])
    page = as_user(cast.manager_a1).get(url, {"next": target}).content.decode()
    assert _back_link(page) is None
    assert "evil.example" not in page and "javascript:x" not in page
    assert 'class="govuk-breadcrumbs"' in page  # the record's own breadcrumbs instead


def test_lists_pass_themselves_to_the_records_they_link(cast, as_user):
    client = as_user(cast.social_worker)
    page = client.get(reverse("caseload")).content.decode()
    record = reverse("child_overview", args=[cast.child_a1.public_id])
    assert f'href="{record}?next=%2Fcaseload%2F"' in page
    page = client.get(reverse("child_search"), {"q": cast.child_a1.last_name}).content.decode()
    assert f"{record}?next=%2Fchildren%2Fsearch%2F%3Fq%3D" in page


def test_action_links_back_to_the_list_or_else_the_users_actions(cast, as_user):
    action = services.action_create(
        user=cast.manager_a1,
        child=cast.child_a1,
        list_code="cp_seen_10wd_pct",
        description="Statutory visit this week",
        owner=cast.worker_a1,
        due_date=date(2018, 10, 5),
        today=REPORTING_DATE,
    )
    client = as_user(cast.manager_a1)
    team = client.get(reverse("surgeries:actions_team")).content.decode()
    detail = reverse("surgeries:action_detail", args=[action.public_id])
    assert f'href="{detail}?next=%2Fsurgeries%2Factions%2Fteam%2F"' in team
    page = client.get(detail, {"next": "/surgeries/actions/team/"}).content.decode()
    assert _back_link(page) == "/surgeries/actions/team/"
    # Opened without one (a bookmark): the user's own actions.
    assert _back_link(client.get(detail).content.decode()) == reverse("surgeries:actions_mine")
    assert _back_link(client.get(detail, {"next": "https://evil.example/"}).content.decode()) == (
        reverse("surgeries:actions_mine")
    )


def test_planning_a_surgery_links_back_to_the_surgeries(cast, as_user):
    page = as_user(cast.chair_a).get(reverse("surgeries:surgery_new")).content.decode()
    assert _back_link(page) == reverse("surgeries:surgery_list")
