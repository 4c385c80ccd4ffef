"""The workbench as a data page, measured from the elements' boxes: at 1280x800 the key columns
of every row lie inside the window with nothing to scroll sideways (the filter behind its
toggle); at 375x667 each row reads as a stacked summary and the filter is a full-screen overlay
that closes again. axe finds nothing on any state of the page, the add-action form with its
errors included."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in

pytestmark = pytest.mark.e2e

KEY_COLUMNS = (
    "Child",
    "List",
    "Status",
    "Working days overdue",
    "Due date",
    "Allocated worker",
    "Open actions",
    "Add action",
)


def _inside(box, width: int) -> bool:
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def _open_workbench(page, council, username: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, username, council.password, start="/surgeries/")
    expect(page.locator("h1")).to_have_text("Children needing action")
    expect(page.get_by_role("button", name="Show filter")).to_be_visible()


@pytest.mark.parametrize("username", ["demo-manager", "demo-chair"])
def test_key_columns_fit_a_1280_by_800_window(page, live_server, council, username):
    _open_workbench(page, council, username, 1280, 800)
    # (Screenshots are taken last: a full-page screenshot resizes the window, and MOJ's filter
    # script answers a resize by showing the filter.)
    check_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    table = page.locator("table.app-workbench")
    for label in KEY_COLUMNS:
        header = table.get_by_role("columnheader", name=label, exact=True)
        assert _inside(header.bounding_box(), 1280), label
    rows = table.locator("tbody tr[id]")
    assert rows.count() > 1
    for row in (rows.first, rows.last):
        for label in KEY_COLUMNS:
            cell = row.locator(f'[data-label="{label}"]')
            assert _inside(cell.bounding_box(), 1280), (label, cell.bounding_box())
    # Compact: a row is a few lines, not a form.
    assert rows.first.bounding_box()["height"] < 130

    # The rule in words, on demand.
    rule = rows.first.locator("details")
    expect(rule.locator(".govuk-details__text")).not_to_be_visible()
    rule.locator("summary").click()
    expect(rule.locator(".govuk-details__text")).to_be_visible()
    expect(rule.locator(".govuk-details__text")).not_to_be_empty()

    # The filter opens beside the results and hides again.
    page.get_by_role("button", name="Show filter").click()
    expect(page.get_by_label("Allocated worker")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Hide filter").click()
    expect(page.get_by_label("Allocated worker")).not_to_be_visible()

    # The add-action form opens under its row; an empty one gets the summary and messages.
    row_id = rows.first.get_attribute("id")
    rows.first.get_by_role("link", name="Add action").click()
    form_row = page.locator(f"#{row_id}-group .app-workbench__form-row")
    expect(form_row).to_be_visible()
    assert _inside(form_row.get_by_label("Barrier").bounding_box(), 1280)
    form_row.get_by_role("button", name="Add action").click()
    summary = page.locator(f"#{row_id}-group .govuk-error-summary")
    expect(summary).to_contain_text("Enter what needs to be done")
    expect(summary.get_by_role("link", name="Enter what needs to be done")).to_have_attribute(
        "href", f"#{row_id}-description"
    )
    check_page(page, f"layout-{username}-1280-form-errors")
    page.evaluate("window.scrollTo(0, 0)")
    check_page(page, f"layout-{username}-1280")

    # The form's own page (the route without JavaScript), empty and then with its errors.
    href = rows.nth(1).get_by_role("link", name="Add action").get_attribute("href")
    page.goto(href)
    expect(page.locator("h1")).to_have_text("Add an action")
    check_page(page, f"layout-{username}-action-new")
    page.locator("main form").get_by_role("button", name="Add action").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter the date the action is due")).to_have_attribute(
        "href", "#id_due_date_0"
    )
    assert page.title().startswith("Error: Add an action")
    check_page(page, f"layout-{username}-action-new-errors")


@pytest.mark.parametrize("username", ["demo-manager", "demo-chair"])
def test_rows_are_stacked_summaries_at_375_by_667(page, live_server, council, username):
    _open_workbench(page, council, username, 375, 667)
    check_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    row = page.locator("table.app-workbench tbody tr[id]").first
    tops = []
    for label in KEY_COLUMNS:
        box = row.locator(f'[data-label="{label}"]').bounding_box()
        assert _inside(box, 375), (label, box)
        tops.append(box["y"])
    # One value under another, in the order of the columns.
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    # Each value says what it is (the header row is hidden at this width).
    expect(row.get_by_role("cell", name=re.compile(r"^Due date: "))).to_have_count(1)

    # The filter is an overlay over the whole window, and closes back to the list.
    page.get_by_role("button", name="Show filter").click()
    overlay = page.locator(".moj-filter-layout__filter")
    box = overlay.bounding_box()
    assert box is not None and box["x"] == 0 and box["width"] == 375 and box["y"] <= 0
    expect(page.get_by_label("Allocated worker")).to_be_in_viewport()
    check_page(page)
    page.get_by_role("button", name="Close").click()
    expect(overlay).not_to_be_visible()
    expect(page.get_by_role("button", name="Show filter")).to_be_focused()
    check_page(page, f"layout-{username}-375")
