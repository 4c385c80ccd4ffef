"""Signing in (with the TOTP second factor where the role needs it), signing out, and sessions
that end: idle timeout and absolute lifetime."""

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import (
    check_page,
    sign_in,
    totp_token,
)

pytestmark = pytest.mark.e2e


def _session_key(page) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies[django_settings.SESSION_COOKIE_NAME]


def test_administrator_signs_in_with_a_second_factor_and_signs_out(
    page, live_server, council, settings
):
    settings.OTP_ENFORCED = True
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    TOTPDevice.objects.get_or_create(
        user=User.objects.get(username="demo-admin"),
        defaults={"name": "Authenticator app", "confirmed": True},
    )
    page.goto("/caseload/")
    expect(page.locator("h1")).to_have_text("Sign in")
    check_page(page, "sign-in")

    # A wrong password: the GOV.UK error summary, with "Error:" in the title.
    page.get_by_label("Username").fill("demo-admin")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(f"Error: Sign in – Children's Services – {settings.COUNCIL_NAME}")
    check_page(page, "sign-in-error")

    page.get_by_label("Username").fill("demo-admin")
    page.get_by_label("Password").fill(council.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Enter your code")
    check_page(page, "two-factor-verify")
    # A wrong code: the error summary takes focus (GOV.UK Frontend).
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(
        f"Error: Enter your code – Children's Services – {settings.COUNCIL_NAME}"
    )
    check_page(page, "two-factor-error")
    # The summary's link moves focus to the field.
    summary.get_by_role("link").first.click()
    field = page.get_by_label("Code from your authenticator app")
    expect(field).to_be_focused()
    # A right code straight after the wrong one signs in: no wait.
    field.fill(totp_token("demo-admin"))
    page.get_by_role("button", name="Continue").click()
    # Back where the sign-in started.
    expect(page).to_have_url(f"{live_server.url}/caseload/")
    check_page(page, "admin-caseload")

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    page.goto("/caseload/")
    expect(page.locator("h1")).to_have_text("Sign in")


def test_performance_officer_sets_up_a_second_factor_on_first_sign_in(
    page, live_server, council, settings
):
    settings.OTP_ENFORCED = True
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username="demo-performance").delete()
    page.goto("/")
    page.get_by_label("Username").fill("demo-performance")
    page.get_by_label("Password").fill(council.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Set up your second factor")
    expect(page.locator("svg title")).to_have_text("QR code for your authenticator app")
    check_page(page, "two-factor-setup")
    page.get_by_label("Code from your authenticator app").fill(totp_token("demo-performance"))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).not_to_have_text("Set up your second factor")
    assert TOTPDevice.objects.get(user__username="demo-performance").confirmed
    check_page(page, "performance-home")


def test_idle_session_ends(page, live_server, council):
    sign_in(page, "demo-worker", council.password, start="/caseload/")
    expect(page.locator("h1")).to_have_text("My caseload")
    # As if the 30 idle minutes had passed: the session row has expired.
    Session.objects.filter(session_key=_session_key(page)).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    page.goto("/caseload/")
    expect(page.locator("h1")).to_have_text("Sign in")


def test_session_ends_after_its_absolute_lifetime_however_active(page, live_server, council):
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.middleware import SessionLifetimeMiddleware

    sign_in(page, "demo-worker", council.password, start="/caseload/")
    expect(page.locator("h1")).to_have_text("My caseload")
    key = _session_key(page)
    session = SessionStore(session_key=key)
    lifetime = django_settings.SESSION_ABSOLUTE_SECONDS
    session[SessionLifetimeMiddleware.KEY] = time.time() - lifetime - 60
    session.save()
    page.goto("/caseload/")
    expect(page.locator("h1")).to_have_text("Sign in")
    assert not Session.objects.filter(session_key=key).exists()


def test_accessibility_statement_is_linked_from_the_sign_in_page(page, live_server, council):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Sign in")
    page.locator("footer").get_by_role("link", name="Accessibility statement").click()
    expect(page.locator("h1")).to_have_text("Accessibility statement")
    expect(page.locator("main")).to_contain_text("WCAG")
    check_page(page, "accessibility-statement")
