"""A social worker records a statutory visit for a child on one of their "not seen" lists, and
the child leaves that list. The visit form's errors follow the GOV.UK pattern first."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, rows_by_list, show_filter, sign_in

pytestmark = pytest.mark.e2e

UNSEEN_LISTS = {
    # list label: the type of visit that takes a child off it
    "Children in need not seen": "Child in need visit",
    "CP plans: child not seen in 10 working days": "Child protection visit",
    "Referred and not seen": "Assessment visit",
}


def test_social_worker_records_a_visit_and_the_child_leaves_the_unseen_list(
    page, live_server, council
):
    sign_in(page, "demo-worker", council.password, start="/caseload/")
    expect(page.locator("h1")).to_have_text("My caseload")
    check_page(page, "worker-caseload")

    page.goto("/surgeries/")
    expect(page.locator("h1")).to_have_text("Children needing action")
    on_lists = list(rows_by_list(page))
    label = next((x for x in UNSEEN_LISTS if x in on_lists), None)
    assert label, f"demo-worker should have a child on a not-seen list; lists: {on_lists}"
    show_filter(page)
    page.get_by_label("List", exact=True).select_option(label=label)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".moj-filter-tags")).to_contain_text(f"List: {label}")
    check_page(page, "worker-unseen-list")
    unseen = page.url
    child_link = page.locator("#workbench-results tbody tr[id] th a").first
    child = child_link.inner_text()
    count = int(page.locator("#result-count").inner_text())

    child_link.click()
    expect(page.locator("h1")).to_contain_text(child)
    check_page(page, "worker-child-overview")
    page.get_by_role("link", name="Visits").first.click()
    check_page(page, "worker-child-visits")
    page.get_by_role("link", name="Record a visit").click()
    expect(page.locator("h1")).to_contain_text("Record a visit")
    check_page(page, "worker-visit-form")

    # Nothing filled in: the error summary takes focus, the title starts "Error:", and its
    # first link moves focus to the date's day.
    page.get_by_role("button", name="Save visit").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Record a visit – "))
    check_page(page, "worker-visit-form-errors")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Day")).to_be_focused()

    page.get_by_label("Day").fill("28")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2018")
    page.get_by_role("group", name="Type of visit").get_by_label(UNSEEN_LISTS[label]).check()
    page.get_by_role("group", name="Was the child seen?").get_by_label("Yes").check()
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save visit").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Visit recorded")
    expect(page.locator("main")).to_contain_text("28 Sep 2018")
    check_page(page, "worker-visit-recorded")

    page.goto(unseen)
    expect(page.locator("#result-count")).to_have_text(str(count - 1))
    expect(page.locator("#workbench-results tbody th a", has_text=child)).to_have_count(0)
