"""Every page of the child record, the caseload, the forms (with and without errors) and the
sign-in page pass axe (WCAG 2.2 AA rules) in a real browser (Debian's Chromium)."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture
def browser_page(live_server, monkeypatch):
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true: Debian's chromium is missing")
        pytest.skip("needs Debian's chromium")
    # Playwright is a pinned dev dependency: its absence is an install error, never a skip.
    from playwright import sync_api

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        # axe is injected by the test, not the page: the page's own CSP stays as it is.
        context = browser.new_context(bypass_csp=True)
        yield context.new_page()
        browser.close()


def _violations(page) -> list[str]:
    page.evaluate(_axe_source())
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: tags})).violations"
        ".map(v => `${v.id}: ${v.nodes[0].target.join(' ')}`)",
        AXE_TAGS,
    )
    return list(found)


def _sign_in(page, live_server, user, client):
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_pages_pass_axe(transactional_db, cast, client, browser_page, live_server):
    page = browser_page
    page.goto(live_server.url + reverse("login"))
    assert _violations(page) == [], "login"
    _sign_in(page, live_server, cast.manager_a1, client)
    child = cast.child_a1.public_id
    names = ["child_overview", "child_visits", "child_plans", "child_care", "child_health"]
    urls = [reverse("home"), reverse("caseload"), reverse("accessibility")]
    urls += [reverse(name, args=[child]) for name in names + ["child_history"]]
    urls += [reverse("health_check_new", args=[child])]
    for url in urls:
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        assert _violations(page) == [], url
    page.goto(live_server.url + reverse("health_check_new", args=[child]))
    page.click("form button.govuk-button")
    assert page.locator(".govuk-error-summary").is_visible()
    assert _violations(page) == [], "form with errors"
