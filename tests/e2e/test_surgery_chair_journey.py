"""A surgery chair (head of service) runs a surgery in the browser, at desktop and phone sizes:
plans a Safeguarding surgery on two lists with the default agenda size, picks an attendee by
typing a name, works through three children with "next child", sees on a child's page the action
the team manager raised on the workbench, confirms the close, reads the impact (nothing has left
straight after closing) and downloads minutes that name the attendee and the three children on
fewer than ten pages. axe finds nothing on any page."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in

pytestmark = pytest.mark.e2e

LISTS = ("CP plans: child not seen in 10 working days", "Children in need not seen")
LIST_CODES = ("cp_seen_10wd_pct", "cin_seen_pct")
AS_AT = date(2018, 9, 30)
WORKBENCH_ACTION = "Manager's workbench action: visit and write it up"


def managers_workbench_action():
    """An open action the team manager raised from the workbench (no surgery) on a child of
    their team's lists, as the workbench's add-action form does."""
    from accounts.models import User
    from surgeries import lists, queries, services
    from surgeries.models import Action

    manager = User.objects.get(username="demo-manager")
    existing = Action.objects.filter(description=WORKBENCH_ACTION).first()
    if existing is not None:
        return existing
    rows = queries.workbench_export(
        user=manager, as_at=AS_AT, filters=lists.RowFilter(lists=LIST_CODES, kind=lists.OVERDUE)
    )
    row = next(r for r in rows if r.worker_id)
    from casework.models import Child, Worker

    return services.action_create(
        user=manager,
        child=Child.objects.get(pk=row.child_id),
        list_code=row.list_code,
        description=WORKBENCH_ACTION,
        owner=Worker.objects.get(pk=row.worker_id),
        due_date=date(2018, 10, 12),
        today=AS_AT,
    )


def text_of_pdf(path: str) -> tuple[str, int]:
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")
    assert pdftotext and pdfinfo, "needs poppler-utils (pdftotext, pdfinfo)"
    text = subprocess.run([pdftotext, "-layout", path, "-"], capture_output=True, check=True)
    info = subprocess.run([pdfinfo, path], capture_output=True, check=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    return text.stdout.decode(), pages


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 667)], ids=["desktop", "phone"])
def test_chair_runs_a_surgery_and_circulates_the_minutes(page, live_server, council, width, height):
    page.set_viewport_size({"width": width, "height": height})
    size = f"{width}x{height}"
    action = managers_workbench_action()
    sign_in(page, "demo-chair", council.password, start="/surgeries/meetings/")
    expect(page.locator("h1")).to_have_text("Performance surgeries")
    page.get_by_role("link", name="Plan a surgery").click()
    expect(page.locator("h1")).to_have_text("Plan a surgery")
    check_page(page, f"chair-plan-{size}")

    # Without a title or a date: an error per question, linked from the summary.
    for part in ("#id_date_0", "#id_date_1", "#id_date_2"):
        page.locator(part).fill("")
    page.get_by_role("button", name="Create surgery").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a title for the surgery")
    expect(summary).to_contain_text("Enter the meeting date")
    expect(page).to_have_title(re.compile(r"^Error: Plan a surgery – "))
    check_page(page, f"chair-plan-error-{size}")

    title = f"Safeguarding surgery, {size}"
    page.get_by_label("Title").fill(title)
    page.locator("#id_date_0").fill("30")
    page.locator("#id_date_1").fill("9")
    page.locator("#id_date_2").fill("2018")
    page.get_by_label("Service area").select_option(label="Safeguarding")
    for label in LISTS:
        page.get_by_label(label, exact=True).check()
    expect(page.get_by_label("How many children on the agenda")).to_have_value("40")
    # The attendee picker: type part of a name, Enter adds the first match.
    picker = page.get_by_label("Attendees", exact=True)
    first_name = picker.locator("option").first.inner_text().strip()
    typed = first_name.split()[-1][:4]
    page.get_by_label("Type a name to filter").fill(typed)
    expect(picker.locator("option:not([hidden])").first).to_contain_text(typed)
    attendee = picker.locator("option:not([hidden])").first.inner_text().strip()
    page.get_by_label("Type a name to filter").press("Enter")
    expect(page.locator("#id_attendees-chosen")).to_have_text(f"1 chosen: {attendee}")
    check_page(page, f"chair-plan-filled-{size}")
    page.get_by_role("button", name="Create surgery").click()

    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Surgery created")
    progress = page.locator("#progress").inner_text()
    agenda_size = int(re.search(r"of (\d+) discussed", progress).group(1))
    on_lists = int(
        re.search(
            r"of the (\d+) children", page.locator("#surgery-agenda p").first.inner_text()
        ).group(1)
    )
    assert agenda_size == min(40, on_lists) and agenda_size >= 3
    expect(page.locator("#surgery-agenda h3").first).to_be_visible()  # grouped by team
    expect(page.locator("dd", has_text=attendee)).to_be_visible()
    check_page(page, f"chair-agenda-{size}")
    if agenda_size > 20:
        pages = page.get_by_role("navigation", name="Pages of the agenda")
        pages.get_by_role("link", name="Page 2").click()
        expect(page.locator("#surgery-agenda tbody tr").first).to_contain_text("21")
        check_page(page, f"chair-agenda-page-2-{size}")

    page.get_by_role("link", name="Start the meeting").click()
    discussed = []
    for n in range(1, 4):
        expect(page.locator(".govuk-caption-l")).to_contain_text(f"child {n} of {agenda_size}")
        expect(page.locator("#progress")).to_have_text(f"{n - 1} of {agenda_size} discussed")
        name = page.locator("h1").inner_text().strip()
        discussed.append(name)
        if n == 1:
            check_page(page, f"chair-meeting-child-{size}")
        page.get_by_label("Discussion", exact=True).fill(f"Discussed {name}: visit booked.")
        # Keyboard throughout: the barrier chosen and the form sent from the keyboard.
        page.locator("#id_discussion_barrier").select_option(label="Recording delay")
        page.get_by_role("button", name="Save and go to the next child").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            f"Discussion of {name} recorded"
        )
    expect(page.locator("#progress")).to_have_text(f"3 of {agenda_size} discussed")
    page.get_by_role("link", name="Previous child").click()
    expect(page.locator("h1")).to_have_text(discussed[2])

    # The manager's workbench action is on the child's page, to update rather than duplicate.
    surgery_url = page.url.split("/children/")[0]
    page.goto(f"{surgery_url}/children/{action.child.public_id}/")
    card = page.locator(".govuk-summary-card", has_text=WORKBENCH_ACTION)
    expect(card).to_be_visible()
    expect(card).to_contain_text("On the workbench")
    check_page(page, f"chair-meeting-open-action-{size}")

    page.get_by_role("link", name="Back to the agenda").click()
    page.get_by_role("link", name="Close the surgery").click()
    expect(page.locator("h1")).to_have_text("Are you sure you want to close the surgery?")
    expect(page.locator("#frozen")).to_contain_text(f"3 of {agenda_size} children discussed")
    check_page(page, f"chair-close-confirm-{size}")
    page.get_by_role("button", name="Yes, close the surgery").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Surgery closed")
    expect(page.locator("#impact")).to_contain_text("0 of ")
    expect(page.locator("#impact")).to_contain_text("overdue children have left their list since")
    check_page(page, f"chair-surgery-closed-{size}")

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert download.value.suggested_filename == "surgery-minutes-2018-09-30.pdf"
    text, pages = text_of_pdf(str(download.value.path()))
    flat = " ".join(text.split())
    assert pages < 10
    assert attendee in flat
    for name in discussed:
        assert name in flat, f"{name} missing from the minutes"
    assert "working days overdue" in flat
    assert not re.search(r"-\d+ working days? overdue", flat)
