"""Keyboard only: the skip link comes first, focus is always visible, nothing traps focus, and
the workbench filters, the inline action form and the surgery forms work without a mouse."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, rows_by_list, screenshot, sign_in

pytestmark = pytest.mark.e2e

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        && style.outlineColor !== 'rgba(0, 0, 0, 0)';
    const shadow = style.boxShadow !== 'none';
    const background = style.backgroundColor;
    // The GOV.UK focus state: an outline, a box shadow or the yellow focus colour (#ffdd00).
    const yellow = background === 'rgb(255, 221, 0)';
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        name: el.getAttribute('name'),
        text: (el.innerText || el.value || '').trim().slice(0, 60),
        classes: el.className && typeof el.className === 'string' ? el.className : '',
        visible: outline || shadow || yellow,
        inFooter: !!el.closest('footer'),
        background,
    };
}"""


def _tab(page, *, back: bool = False) -> dict:
    page.keyboard.press("Shift+Tab" if back else "Tab")
    focused = page.evaluate(FOCUSED)
    assert focused is not None, "focus fell out of the page"
    assert focused["visible"], f"no visible focus indicator on {focused}"
    return focused


def _tab_until(page, match, *, limit: int = 80, back: bool = False) -> dict:
    seen = []
    for _ in range(limit):
        focused = _tab(page, back=back)
        if match(focused):
            return focused
        seen.append(focused["text"] or focused["name"] or focused["tag"])
    raise AssertionError(f"not reached in {limit} Tab presses; went through {seen}")


def _load_afresh(page) -> None:
    """Load the current page again without its fragment. After the skip link the address ends
    in #main-content, and a reload keeps it: the browser then starts sequential focus at the
    main content, so the first Tab would pass the skip link by."""
    page.goto(page.url.split("#", 1)[0])


def _skip_link_first(page) -> None:
    """On a freshly loaded page the first Tab reaches the skip link, which moves focus to the
    main content."""
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused and "govuk-skip-link" in focused["classes"], f"first Tab reached {focused}"
    assert focused["visible"]
    expect(page.locator(".govuk-skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()


def _no_trap(page, *, limit: int = 400) -> None:
    """Tab on from the main content: focus keeps moving and reaches the footer's last link. A
    date field keeps focus for up to four presses (day, month, year, calendar button)."""
    last, repeats = None, 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break  # past the last element, back to the browser
        assert focused["visible"], f"no visible focus indicator on {focused}"
        key = (focused["tag"], focused["id"], focused["name"], focused["text"])
        repeats = repeats + 1 if key == last else 0
        assert repeats < 4, f"focus stuck on {focused}"
        last = key
        if focused["inFooter"]:
            return
    raise AssertionError(f"the footer was not reached by Tab; last focus {last}")


def _choose_by_arrows(page, name: str, label: str, *, limit: int = 60) -> None:
    """In the focused select, press the down arrow until `label` is chosen (as a keyboard user
    goes through a closed select's options)."""
    chosen = page.locator(f"select[name={name}] option:checked")
    for _ in range(limit):
        if chosen.inner_text() == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label!r} not reached with the arrow keys in {name}")


def test_workbench_by_keyboard(page, live_server, council):
    from casework.models import Worker

    # demo-worker's worker, in demo-manager's team: children on several lists.
    worker = Worker.objects.get(user__username="demo-worker").name
    sign_in(page, "demo-manager", council.password)
    page.goto("/surgeries/")
    expect(page.locator("h1")).to_have_text("Children needing action")
    _skip_link_first(page)

    # Filters: open the panel with its toggle, choose the worker with the arrow keys, apply.
    _tab_until(page, lambda f: f["text"] == "Show filter")
    page.keyboard.press("Enter")
    _tab_until(page, lambda f: f["name"] == "worker")
    _choose_by_arrows(page, "worker", worker)
    _tab_until(page, lambda f: f["text"] == "Apply filters", back=True)
    page.keyboard.press("Enter")
    expect(page.locator(".moj-filter-tags")).to_contain_text(f"Allocated worker: {worker}")
    # Then the list with most of that worker's rows ("Rows by list" counts them).
    counts = rows_by_list(page)
    chosen = max(counts, key=counts.get)
    assert counts[chosen] > 0, counts
    _load_afresh(page)
    _skip_link_first(page)
    _tab_until(page, lambda f: f["text"] == "Show filter")
    page.keyboard.press("Enter")
    _tab_until(page, lambda f: f["name"] == "list")
    _choose_by_arrows(page, "list", chosen)
    _tab_until(page, lambda f: f["text"] == "Apply filters", back=True)
    page.keyboard.press("Enter")
    expect(page.locator(".moj-filter-tags")).to_contain_text(f"List: {chosen}")
    expect(page.locator(".moj-filter-tags")).to_contain_text(f"Allocated worker: {worker}")
    rows = page.locator("#workbench-results tbody tr[id]")
    expect(page.locator("#result-count")).to_have_text(str(counts[chosen]))
    row_id = rows.first.get_attribute("id")

    _load_afresh(page)
    _skip_link_first(page)
    # The row's action form: Enter on "Add action" opens it under the row with the focus in its
    # first field; fill it and submit with Enter.
    _tab_until(page, lambda f: f["tag"] == "a" and f["text"].startswith("Add action"), limit=200)
    page.keyboard.press("Enter")
    expect(page.locator(f"#{row_id}-description")).to_be_focused()
    page.keyboard.type("Keyboard-only action: book a joint visit")
    focused = _tab(page)  # owner: the allocated worker is chosen already
    assert focused["name"] == "owner", focused
    # The due date: the GOV.UK date input's day, month and year boxes, one Tab each.
    for part, value in (("due_date_0", "12"), ("due_date_1", "10"), ("due_date_2", "2018")):
        focused = _tab(page)
        assert focused["name"] == part, focused
        page.keyboard.type(value)
    expect(page.locator(f"#{row_id}-due_date_2")).to_have_value("2018")
    focused = _tab(page)
    assert focused["name"] == "barrier", focused
    page.keyboard.press("ArrowDown")
    focused = _tab(page)
    assert focused["text"] == "Add action"
    page.keyboard.press("Enter")
    expect(page.locator(f"tr#{row_id}").get_by_text("Action added")).to_be_visible()
    screenshot(page, "keyboard-workbench-action-added")
    _no_trap(page)


def test_surgery_forms_by_keyboard(page, live_server, council):
    sign_in(page, "demo-chair", council.password)
    page.goto("/surgeries/meetings/new/")
    expect(page.locator("h1")).to_have_text("Plan a surgery")
    _skip_link_first(page)
    _tab_until(page, lambda f: f["name"] == "title")
    page.keyboard.type("Keyboard surgery")
    # The meeting date, filled in already: the GOV.UK date input's day, month and year boxes.
    focused = _tab_until(page, lambda f: not f["name"].startswith("date_"), limit=6)
    assert focused["name"] == "service_area", focused
    page.keyboard.press("ArrowDown")
    _tab_until(page, lambda f: f["text"] == "Create surgery", limit=200)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Keyboard surgery")
    check_page(page)

    # The success banner takes focus when the page loads (GOV.UK Frontend); start afresh.
    _load_afresh(page)
    _skip_link_first(page)
    _tab_until(
        page,
        lambda f: (
            f["tag"] == "a"
            and page.evaluate("() => !!document.activeElement.closest('#surgery-agenda tbody')")
        ),
        limit=200,
    )
    name = page.evaluate("() => document.activeElement.innerText")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(name)
    _skip_link_first(page)
    _tab_until(page, lambda f: f["name"] == "note", limit=100)
    page.keyboard.type("Talked through by keyboard.")
    _tab(page)
    page.keyboard.press("ArrowDown")
    focused = _tab(page)
    assert focused["text"] in ("Save and go to the next child", "Save discussion"), focused
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Discussion of {name} recorded"
    )
    screenshot(page, "keyboard-surgery-discussion")
    _no_trap(page)
