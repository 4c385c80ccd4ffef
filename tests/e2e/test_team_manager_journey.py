"""A team manager works the workbench: filter to one worker and one list, sort, page, export,
add an action, and the owner sees it on their own page. Once with JavaScript (the filter behind
its toggle, htmx swaps the results and opens the form under the row), once without (the filter
always shown, plain links, the form's own page and redirects)."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, rows_by_list, show_filter, sign_in

pytestmark = pytest.mark.e2e


def _work_the_workbench(page, *, js: bool, shot: str) -> tuple[str, str]:
    """Returns the description of the action added and the child it is for."""
    from casework.models import Worker

    # demo-worker's worker, in demo-manager's team: the owner of the action.
    worker = Worker.objects.get(user__username="demo-worker").name
    results = page.locator("#workbench-results")
    page.goto("/surgeries/")
    expect(page.locator("h1")).to_have_text("Children needing action")
    total = int(page.locator("#result-count").inner_text())
    assert total > 50, "the seeded council should give the manager more than one page"
    check_page(page, f"{shot}-workbench", axe=js)

    # Sort by child (surname), then page on.
    page.locator("thead").get_by_role("link", name="Child", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]sort=child"))
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Child")
    page.get_by_role("navigation", name="Pages of children needing action").get_by_role(
        "link", name="Next page"
    ).click()
    expect(page).to_have_url(re.compile(r"(?=.*[?&]page=2)(?=.*[?&]sort=child)"))
    expect(page.locator(".govuk-pagination__link[aria-current=page]")).to_have_text("2")
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Child")
    check_page(page, f"{shot}-workbench-page-2", axe=js)

    # Filter to one worker, then to that worker's busiest list.
    show_filter(page)
    page.get_by_label("Allocated worker").select_option(label=worker)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".moj-filter-tags")).to_contain_text(f"Allocated worker: {worker}")
    counts = rows_by_list(page)
    chosen = max(counts, key=counts.get)
    show_filter(page)
    page.get_by_label("List", exact=True).select_option(label=chosen)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".moj-filter-tags")).to_contain_text(f"List: {chosen}")
    expect(page).to_have_url(re.compile(r"(?=.*[?&]worker=\d)(?=.*[?&]list=\w)"))
    rows = results.locator("tbody tr[id]")
    expect(rows.first).to_be_visible()
    # As many rows as the worker's summary gave that list.
    expect(page.locator("#result-count")).to_have_text(str(counts[chosen]))
    count = counts[chosen]
    assert 0 < count < total
    for row in rows.all():
        expect(row.locator('[data-label="List"]')).to_contain_text(chosen)
        expect(row.locator('[data-label="Allocated worker"]')).to_have_text(worker)
    check_page(page, f"{shot}-workbench-filtered", axe=js)

    # Export exactly these rows.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV of these rows").click()
    assert download.value.suggested_filename == "children-needing-action-2018-09-30.csv"
    with open(download.value.path(), encoding="utf-8-sig") as exported_file:
        exported = list(csv.reader(io.StringIO(exported_file.read())))
    assert len(exported) - 1 == count, exported[:2]

    # Add an action on the first row (under the row with htmx, on its own page without): to the
    # allocated worker, due in a fortnight.
    row = rows.first
    row_id = row.get_attribute("id")
    child = row.locator("th a").inner_text()
    before = int(row.locator("[data-open-actions]").get_attribute("data-open-actions"))
    how = "htmx" if js else "no JavaScript"
    description = f"Arrange a home visit with {child} this week ({how})"
    url_before = page.url
    row.get_by_role("link", name=re.compile(r"^Add action")).click()
    if js:
        form = page.locator(f"#{row_id}-group .app-workbench__form-row")
        expect(form).to_be_visible()
        assert page.url == url_before
        check_page(page, f"{shot}-workbench-action-form", axe=js)
    else:
        expect(page.locator("h1")).to_have_text("Add an action")
        check_page(page, f"{shot}-action-new", axe=js)
        form = page.locator("main form")
    form.get_by_label("Action", exact=True).fill(description)
    owner = form.get_by_label("Owner")
    expect(owner).to_have_value(owner.locator("option", has_text=worker).get_attribute("value"))
    due = form.get_by_role("group", name="Due date")
    due.get_by_label("Day").fill("12")
    due.get_by_label("Month").fill("10")
    due.get_by_label("Year").fill("2018")
    form.get_by_label("Barrier").select_option(label="Recording delay")
    form.get_by_role("button", name="Add action").click()
    row = page.locator(f"tr#{row_id}")
    if js:
        # htmx redrew only the row, without its form: same page, the count went up and the row
        # says so.
        expect(row.get_by_text("Action added")).to_be_visible()
        expect(page.locator(f"#{row_id}-group .app-workbench__form-row")).to_have_count(0)
        assert page.url == url_before
    else:
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Action added")
        expect(page).to_have_url(url_before)
    expect(row.locator("[data-open-actions]")).to_have_attribute(
        "data-open-actions", str(before + 1)
    )
    check_page(page, f"{shot}-workbench-action-added", axe=js)
    return description, child


def _owner_sees_it(page, council, description: str, child: str, shot: str, js: bool) -> None:
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "demo-worker", council.password, start="/surgeries/actions/mine/")
    expect(page.locator("h1")).to_have_text("My actions")
    mine = page.locator("table tbody tr", has_text=description)
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(child)
    check_page(page, f"{shot}-owner-my-actions", axe=js)


def test_team_manager_works_the_workbench_with_javascript(page, live_server, council):
    sign_in(page, "demo-manager", council.password)
    description, child = _work_the_workbench(page, js=True, shot="manager-js")
    _owner_sees_it(page, council, description, child, "manager-js", js=True)


def test_team_manager_works_the_workbench_without_javascript(
    page_without_javascript, live_server, council
):
    page = page_without_javascript
    sign_in(page, "demo-manager", council.password)
    description, child = _work_the_workbench(page, js=False, shot="manager-nojs")
    _owner_sees_it(page, council, description, child, "manager-nojs", js=False)
