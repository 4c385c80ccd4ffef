"""Every form of the product, submitted empty by each role that uses it: the page shows the
GOV.UK error summary (focused on load), each of its links moves focus to its field, each message
is the field's own ("Enter the date the action is due", never "This field is required."), and
the page passes axe. Pre-filled answers are cleared first (text, dates, lists), as a user
emptying the form would; radios once chosen cannot be unchosen, so they keep their answer.

Forms without a question to leave unanswered are not in the walk: the open-episode decisions
and the surgery close are single buttons, and the committee report's edit form is optional
throughout (a blank part uses the drafted text). The admin's forms are Django's own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in

pytestmark = pytest.mark.e2e

GENERIC = "This field is required"


def _empty(form) -> None:
    """Clear what the form's visible questions hold: text boxes, text areas, single selects
    (to their empty option, where there is one) and checkboxes."""
    for box in form.locator(
        "input[type=text]:visible, input[type=search]:visible, input:not([type]):visible, "
        "textarea:visible"
    ).all():
        box.fill("")
    for select in form.locator("select:not([multiple]):visible").all():
        if select.locator("option[value='']").count():
            select.select_option(value="")
    for box in form.locator("input[type=checkbox]:visible").all():
        box.uncheck()


def _summary_links_move_focus(page, name: str, expected: list[str], *, focused=True) -> None:
    summary = page.locator(".govuk-error-summary").first
    expect(summary).to_be_visible()
    if focused:
        expect(summary).to_be_focused()
    text = summary.inner_text()
    assert GENERIC not in text, f"{name}: a generic message in the summary: {text!r}"
    for message in expected:
        expect(summary).to_contain_text(message)
    if focused:  # a page load; a form htmx redrew in place keeps the page's title
        assert page.title().startswith("Error: "), f"{name}: title {page.title()!r}"
    check_page(page, f"empty-{name}")
    links = summary.locator("a")
    assert links.count() >= len(expected), f"{name}: {links.count()} links for {expected}"
    for n in range(links.count()):
        link = links.nth(n)
        target = link.get_attribute("href").removeprefix("#")
        assert page.locator(f"[id='{target}']").count() == 1, f"{name}: no field #{target}"
        link.click()
        active = page.evaluate("document.activeElement && document.activeElement.id")
        assert active == target, f"{name}: {link.inner_text()!r} focused {active!r}, not {target}"
        # Each field says its own message beside it too, not Django's generic one.
        group = page.locator(f"[id='{target}']").locator(
            "xpath=ancestor::div[contains(@class, 'govuk-form-group--error')][1]"
        )
        expect(group).to_contain_text(link.inner_text().strip())


@dataclass
class Form:
    """How to reach a form and what its empty submission must say."""

    name: str
    open: Callable  # (page) -> the form's locator, on its page
    button: str
    expected: list[str]
    focused: bool = True  # the summary takes focus (a whole page load)
    after: Callable | None = None  # (page) -> None: a check after the summary


def _child_page(page, tab: str = "") -> None:
    """The first child of the user's caseload or team, on one of its tabs."""
    page.goto("/caseload/")
    page.locator("main table tbody a").first.click()
    expect(page.locator("h1")).to_contain_text("Child record")
    if tab:
        tabs = page.get_by_role("navigation", name="Child record")
        tabs.get_by_role("link", name=tab, exact=True).click()


def _visit_new(page):
    _child_page(page, "Visits")
    page.get_by_role("link", name="Record a visit").click()
    return page.locator("main form[method=post]")


def _health_new(page):
    _child_page(page, "Health")
    page.locator("main a[href$='/health/new/']").first.click()
    return page.locator("main form[method=post]")


def _visit_correct(page):
    _child_page(page, "Visits")
    page.locator("main a[href$='/correct/']").first.click()
    expect(page.locator("h1")).to_contain_text("Correct a visit")
    return page.locator("main form[method=post]")


def _visit_withdraw(page):
    _visit_correct(page)
    page.locator("main a[href$='/withdraw/']").first.click()
    expect(page.locator("h1")).to_contain_text("Withdraw a visit")
    return page.locator("main form[method=post]")


def _search(page):
    page.goto("/children/search/")
    return page.get_by_role("search", name="Find a child")


def _action_new(page):
    page.goto("/surgeries/")
    href = page.locator("#workbench-results tbody tr[id]").first.get_by_role(
        "link", name="Add action"
    )
    page.goto(href.get_attribute("href"))
    expect(page.locator("h1")).to_have_text("Add an action")
    return page.locator("main form[method=post]")


def _action_inline(page):
    page.goto("/surgeries/")
    row = page.locator("#workbench-results tbody tr[id]").first
    row_id = row.get_attribute("id")
    row.get_by_role("link", name="Add action").click()
    form = page.locator(f"#{row_id}-group form")
    expect(form).to_be_visible()
    return form


def _action_close(page):
    """An action the manager adds for the walk (through the form), opened from the team's."""
    form = _action_new(page)
    form.get_by_label("Action", exact=True).fill("Book a joint visit (empty-forms walk)")
    due = form.get_by_role("group", name="Due date")
    for part, value in (("Day", "12"), ("Month", "10"), ("Year", "2018")):
        due.get_by_label(part).fill(value)
    form.get_by_role("button", name="Add action").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Action added")
    page.goto("/surgeries/actions/team/")
    page.locator("main table tbody a", has_text="View").first.click()
    expect(page.locator("h1")).to_contain_text("Action:")
    return page.locator("main form[method=post]")


def _surgery_new(page):
    page.goto("/surgeries/meetings/new/")
    return page.locator("main form[method=post]")


def _meeting_child(page):
    """A surgery of the chair's own, planned for the test, at its first child."""
    page.goto("/surgeries/meetings/new/")
    page.get_by_label("Title").fill("Surgery for the empty-forms walk")
    area = page.get_by_label("Service area")
    area.select_option(index=1)
    page.get_by_role("button", name="Create surgery").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Surgery created")
    page.get_by_role("link", name="Start the meeting").click()
    expect(page.locator("#progress")).to_be_visible()


def _discussion(page):
    _meeting_child(page)
    return page.locator("main form[method=post]:has(#id_discussion_note)")


def _meeting_action(page):
    _meeting_child(page)
    details = page.locator("details", has_text="Agree a new action")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def _imports(page):
    page.goto("/imports/")
    return page.locator("main form[method=post]")


def _annex_a(page):
    page.goto("/imports/annex-a/")
    return page.locator("main form")


ACTION_MESSAGES = ["Enter what needs to be done", "Enter the date the action is due"]

FORMS: dict[str, list[Form]] = {
    "demo-worker": [
        Form("worker-search", _search, "Search", ["Enter a name, LA child ID or date of birth"]),
        Form(
            "worker-visit",
            _visit_new,
            "Save visit",
            [
                "Enter the date of the visit",
                "Select the type of visit",
                "Select yes if the child was seen",
            ],
        ),
        Form(
            "worker-health-check",
            _health_new,
            "Save check",
            ["Select the type of check", "Enter the date of the check"],
        ),
        Form("worker-action", _action_new, "Add action", ACTION_MESSAGES),
        Form("worker-action-inline", _action_inline, "Add action", ACTION_MESSAGES, focused=False),
    ],
    "demo-manager": [
        Form("manager-search", _search, "Search", ["Enter a name, LA child ID or date of birth"]),
        Form(
            "manager-visit-correction",
            _visit_correct,
            "Save correction",
            ["Enter the date of the visit", "Enter why the visit is being corrected"],
        ),
        Form(
            "manager-visit-withdrawal",
            _visit_withdraw,
            "Withdraw visit",
            ["Enter why the visit is being withdrawn"],
        ),
        Form("manager-action", _action_new, "Add action", ACTION_MESSAGES),
        Form("manager-action-inline", _action_inline, "Add action", ACTION_MESSAGES, focused=False),
        Form("manager-action-close", _action_close, "Mark as done", ["Enter the outcome"]),
    ],
    "demo-chair": [
        Form(
            "chair-surgery",
            _surgery_new,
            "Create surgery",
            ["Enter a title for the surgery", "Enter the meeting date"],
        ),
        Form(
            "chair-discussion",
            _discussion,
            "Save discussion",
            ["Enter what was discussed, or choose a barrier"],
        ),
        Form("chair-meeting-action", _meeting_action, "Add action", ACTION_MESSAGES),
    ],
    "demo-performance": [
        Form(
            "officer-import",
            _imports,
            "Check and import",
            ["Select which return you are importing", "Select the files of the return"],
        ),
        Form("officer-annex-a", _annex_a, "Download workbook", ["Enter the date the lists"]),
        Form("officer-search", _search, "Search", ["Enter a name, LA child ID or date of birth"]),
    ],
    "demo-admin": [
        Form(
            "admin-import",
            _imports,
            "Check and import",
            ["Select which return you are importing", "Select the files of the return"],
        ),
    ],
}

CASES = [(user, form) for user, forms in FORMS.items() for form in forms]


@pytest.mark.parametrize(("username", "form"), CASES, ids=[f.name for _, f in CASES])
def test_form_submitted_empty_shows_a_summary_whose_links_focus_each_field(
    page, live_server, council, username, form
):
    sign_in(page, username, council.password)
    located = form.open(page)
    _empty(located)
    located.get_by_role("button", name=form.button).first.click()
    _summary_links_move_focus(page, form.name, form.expected, focused=form.focused)


def test_sign_in_submitted_empty_names_each_field(page, live_server, council):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    _summary_links_move_focus(page, "sign-in", ["Enter your username", "Enter your password"])


@pytest.mark.parametrize(("width", "height"), [(375, 667)])
def test_error_pages_fit_a_phone(page, live_server, council, width, height):
    """The widest error page (the surgery plan, with every list) at 375 wide."""
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "demo-chair", council.password)
    located = _surgery_new(page)
    _empty(located)
    located.get_by_role("button", name="Create surgery").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    check_page(page, "empty-chair-surgery-375")
