"""Browser journeys: Playwright (pytest-playwright) driving Debian's Chromium against the app
served by pytest-django's `live_server` on loopback, with a small synthetic council.

How the database works here, and why:

- `live_server` asks for `transactional_db`, which normally empties every table after each test.
  Seeding a council takes several seconds, so in this folder `transactional_db` is replaced by
  the one council seeded (committed) once for the folder; the journeys share it and are written
  so that what one records does not upset another (each works its own child or list row).
- The folder's tests run after every other test (`pytest_collection_modifyitems` below) and the
  council is flushed when they finish, as any transactional test leaves the database.
- PostgreSQL works because the seed is committed and each server thread has its own
  connection; in-memory SQLite because the live server (`tests/e2e/live_server.py`, for every
  browser test) lets the server and the test's thread use its one connection in turn.

The browser is Debian's Chromium (`/usr/bin/chromium`): Playwright cannot download its own here.
Without it (or without Playwright) the journeys are skipped with the reason, except under
CI=true, where they fail (`pytest_collection_modifyitems` below).
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

E2E_DIR = Path(__file__).resolve().parent
REPO = E2E_DIR.parent.parent
# pytest-playwright empties test-results/ when a session starts, so the screenshots are those of
# the latest run. E2E_SCREENSHOT_DIR puts them elsewhere.
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOT_DIR") or REPO / "test-results" / "screenshots")
AXE_JS = E2E_DIR / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Big enough for a demo worker with a caseload of 8-20 and full exception lists; seeds in
# seconds.
SEED_SCALE = 0.06
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Generous for a loaded 2-core machine (the workbench compiles every exception list per
# request); Playwright's actions, navigations and expect() wait up to this, no longer.
TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "90000"))


# (url, violations) of every axe run of the session, summed up at the end of the run.
AXE_CHECKS: list[tuple[str, int]] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not AXE_CHECKS:
        return
    urls = {url.split("?")[0] for url, _ in AXE_CHECKS}
    violations = sum(n for _, n in AXE_CHECKS)
    terminalreporter.write_line(
        f"axe-core ({', '.join(AXE_TAGS)}): {len(AXE_CHECKS)} pages checked "
        f"({len(urls)} distinct paths), {violations} violations; screenshots in {SCREENSHOTS}"
    )


def pytest_collection_modifyitems(config, items):
    # Run the browser journeys last: they share one committed council (see the docstring).
    inside = [i for i in items if E2E_DIR in Path(str(i.path)).parents]
    if inside:
        others = [i for i in items if i not in inside]
        items[:] = others + inside


# --- the council ---------------------------------------------------------------------------------


@dataclass
class Council:
    """Usernames and the password of the demo logins the seed made."""

    password: str


def _restore_migration_rows() -> None:
    """An earlier transactional test may have emptied the rows migrations made."""
    from django.apps import apps

    from casework import workingdays
    from casework.models import CalendarDay

    barriers = importlib.import_module("surgeries.migrations.0002_seed_barrier_codes")
    barriers.seed(apps, None)
    if not CalendarDay.objects.exists():
        workingdays.rebuild()


@pytest.fixture(scope="session")
def _sync_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests and
    # fixtures make around it are synchronous all the same.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def playwright(django_db_setup, _sync_orm_beside_playwright, playwright):
    """pytest-playwright's, started after the test database exists."""
    return playwright


@pytest.fixture(scope="package")
def council(_sync_orm_beside_playwright, django_db_setup, django_db_blocker) -> Iterator[Council]:
    from casework.demo.users import DEMO_PASSWORD
    from tests.conftest import REPORTING_DATE

    # What the server thread needs for the whole folder, whatever order the per-test `settings`
    # fixtures are set up and undone in.
    server_settings = override_settings(
        PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
        REPORTING_DATE=REPORTING_DATE,
        AXES_ENABLED=False,
        OTP_ENFORCED=False,
    )
    server_settings.enable()
    try:
        with django_db_blocker.unblock():
            with override_settings(DEBUG=True):
                _restore_migration_rows()
                call_command("load_targets", verbosity=0)
                call_command(
                    "seed_demo",
                    scale=SEED_SCALE,
                    seed=1,
                    no_rollup=True,
                    no_progress=True,
                    stdout=open(os.devnull, "w"),  # noqa: SIM115
                )
            yield Council(password=DEMO_PASSWORD)
            # Leave the database as any transactional test does. A request still in flight
            # after a failed journey may have written a row the flush order trips over.
            with connection.constraint_checks_disabled():
                call_command("flush", interactive=False, verbosity=0)
    finally:
        server_settings.disable()


@pytest.fixture
def transactional_db(council, django_db_blocker) -> Iterator[None]:
    """Replaces pytest-django's for this folder: `live_server` asks for it, and here it is the
    seeded council, committed and shared (not emptied after each test)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(autouse=True)
def _e2e_settings(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    from tests.conftest import chromium_path

    path = chromium_path()
    if path is None:  # session fixtures are set up before the guard's failing fixture
        reason = "needs Chromium for the browser tests (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and this test {reason}: it must run in CI, not skip")
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
        "timeout": 60_000,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server) -> dict:
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


def _open_page(context) -> Any:
    from playwright.sync_api import expect

    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: _page_errors.append(str(error)))
    return page


@pytest.fixture
def page(context) -> Any:
    return _open_page(context)


@pytest.fixture
def page_without_javascript(new_context) -> Any:
    return _open_page(new_context(java_script_enabled=False))


_page_errors: list[str] = []


@pytest.fixture(autouse=True)
def _no_page_errors():
    """A script error (for example one the CSP blocked) fails the journey."""
    _page_errors.clear()
    yield
    assert _page_errors == [], f"JavaScript errors: {_page_errors}"


# --- helpers the journeys share ---------------------------------------------------------------


def axe_violations(page) -> list[str]:
    """Run axe-core (the vendored copy) on the page; one readable line per violation and node."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text())
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.flatMap(v => v.nodes.map(n =>
                `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}: ${n.failureSummary}`));
        }""",
        AXE_TAGS,
    )
    return list(found)


def check_page(page, name: str | None = None, *, axe: bool = True) -> None:
    """Every page a journey visits: one h1, a GOV.UK title, no axe violations, and (if named)
    a full-page screenshot in test-results/screenshots/. Without JavaScript (axe=False) the
    page's markup is the one the same journey with JavaScript has checked already."""
    assert page.locator("h1").count() == 1, f"{page.url}: expected one h1"
    title = page.title()
    assert title.endswith(f"– {django_settings.COUNCIL_NAME}"), f"{page.url}: title {title!r}"
    h1 = " ".join(page.locator("h1").inner_text().split())
    assert title.split(" – ")[0].removeprefix("Error: "), f"{page.url}: empty title"
    if axe:
        violations = axe_violations(page)
        AXE_CHECKS.append((page.url, len(violations)))
        assert violations == [], f"axe on {page.url} (h1 {h1!r}):\n" + "\n".join(violations)
    if name:
        screenshot(page, name)


def show_filter(page) -> None:
    """Open the workbench's filter panel if its toggle hides it (with JavaScript)."""
    toggle = page.get_by_role("button", name="Show filter")
    if toggle.count() and toggle.is_visible():
        toggle.click()


def rows_by_list(page) -> dict[str, int]:
    """The workbench's "Rows by list" summary of the current results: rows per list label."""
    details = page.locator("details:has(#list-summary)")
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").click()
    counts = {}
    for row in page.locator("#list-summary tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        counts[row.locator("th").inner_text()] = sum(int(c) for c in cells)
    return counts


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # The whole page, cut at a height a person can read (a 50-row table runs to 13,000px).
    # (Measured with a locator, not page.evaluate: that needs the page's JavaScript on.)
    box = page.locator("body").bounding_box()
    height = min(int(box["height"]) if box else 2400, 2400)
    width = page.viewport_size["width"] if page.viewport_size else 1280
    page.screenshot(
        path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
    )
    return path


def totp_token(username: str) -> str:
    """The code the user's authenticator app would show now (or the next one, if the current
    one has been used: django-otp refuses a code twice and tolerates one step of drift)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).latest("pk")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def wait_until(condition: Callable[[], bool], what: str, *, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait for a condition the browser cannot see (a database row, a clock), polling it, up to
    the journeys' timeout."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms} ms waiting until {what}")
        time.sleep(0.1)


def second_factor_allowed(username: str) -> bool:
    """Whether the device takes a code now (accounts.two_factor locks it only after several
    wrong codes in a row; a right code straight after a wrong one is accepted)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).latest("pk")
    return bool(device.verify_is_allowed()[0])


def sign_in(page, username: str, password: str, *, start: str = "/") -> None:
    """Sign in through the login page, passing the second factor when the role needs one."""
    from playwright.sync_api import expect

    page.goto(start)
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    heading = page.locator("h1")
    expect(heading).not_to_have_text("Sign in")
    if heading.inner_text() in ("Enter your code", "Set up your second factor"):
        page.get_by_label("Code from your authenticator app").fill(totp_token(username))
        page.get_by_role("button", name="Continue").click()
        expect(heading).not_to_have_text("Enter your code")
        expect(heading).not_to_have_text("Set up your second factor")
        # An administrator's first set-up shows their recovery codes once, then goes on.
        if heading.inner_text() == "Recovery codes":
            page.get_by_role("button", name="I have stored my recovery codes").click()
            expect(heading).not_to_have_text("Recovery codes")
