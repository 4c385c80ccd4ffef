"""A surgery chair (head of service) plans a surgery for their service area, works three agenda
rows (discussion note, barrier code, an agreed action), closes it and downloads the minutes."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in

pytestmark = pytest.mark.e2e


def test_chair_runs_a_surgery_and_downloads_the_minutes(page, live_server, council):
    sign_in(page, "demo-chair", council.password, start="/surgeries/meetings/")
    expect(page.locator("h1")).to_have_text("Performance surgeries")
    check_page(page, "chair-surgeries")
    page.get_by_role("link", name="Plan a surgery").click()
    expect(page.locator("h1")).to_have_text("Plan a surgery")
    check_page(page, "chair-plan-surgery")

    # Without a title: the error summary takes focus and links to the field.
    page.get_by_role("button", name="Create surgery").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Plan a surgery – "))
    check_page(page, "chair-plan-surgery-error")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Title")).to_be_focused()

    page.get_by_label("Title").fill("Safeguarding surgery, October 2018")
    page.get_by_label("Meeting date").fill("2018-09-28")
    page.get_by_label("Service area").select_option(label="Safeguarding")
    page.get_by_role("button", name="Create surgery").click()
    expect(page.locator("h1")).to_have_text("Safeguarding surgery, October 2018")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Surgery created")
    check_page(page, "chair-surgery-agenda")

    agenda = page.locator("#surgery-agenda table tbody th a")
    names = []
    for link in agenda.all():
        if link.inner_text() not in names:
            names.append(link.inner_text())
        if len(names) == 3:
            break
    assert len(names) == 3, "the agenda should hold at least three children"

    barriers = ["Family not engaging", "Worker absence", "Recording delay"]
    for n, (name, barrier) in enumerate(zip(names, barriers, strict=True), start=1):
        page.locator("#surgery-agenda table tbody th a", has_text=name).first.click()
        expect(page.locator("h1")).to_have_text(name)
        discussion = page.locator("form", has=page.get_by_role("button", name="Save discussion"))
        note = f"Discussed {name}: visit booked, manager to check."
        discussion.get_by_label("Discussion").fill(note)
        discussion.get_by_label("Barrier").select_option(label=barrier)
        discussion.get_by_role("button", name="Save discussion").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Discussion recorded"
        )
        action = page.locator("form", has=page.get_by_role("button", name="Add action"))
        action.get_by_label("Action").fill(f"Statutory visit for {name} and write it up")
        action.get_by_label("Due date").fill("2018-10-19")
        action.get_by_label("Barrier").select_option(label=barrier)
        action.get_by_role("button", name="Add action").click()
        expect(page.locator("h1")).to_have_text(name)
        expect(page.get_by_role("link", name=f"Statutory visit for {name}")).to_be_visible()
        if n == 1:
            check_page(page, "chair-surgery-child")
        page.get_by_role("link", name="Back to the agenda").click()
        expect(page.locator("#surgery-actions")).to_contain_text(f"Statutory visit for {name}")

    for name in names:
        row = page.locator("#surgery-agenda tbody tr", has_text=name).first
        expect(row).to_contain_text(f"Discussed {name}")
    page.get_by_role("button", name="Close the surgery and produce minutes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Surgery closed")
    expect(page.locator("#surgery-agenda h2").first).to_have_text("Agenda (as closed)")
    check_page(page, "chair-surgery-closed")

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.startswith("surgery-minutes-")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as minutes:
        assert minutes.read(5) == b"%PDF-"
