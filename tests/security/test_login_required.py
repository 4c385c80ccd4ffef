"""Login required everywhere but an allow-list: an anonymous GET or POST of every URL of the
URLconf is sent to the sign-in page (or is a 404/405 that reveals nothing), never a 200."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse

from tests.security.matrix import every_url

# At most five: sign in (ours and the admin's), liveness, the accessibility statement. Static
# files are served by the web server (WhiteNoise or nginx), outside the URLconf.
ALLOWED_ANONYMOUS = {"login", "admin:login", "health", "accessibility"}


def test_allow_list_is_short_and_real():
    assert len(ALLOWED_ANONYMOUS) <= 5
    for name in ALLOWED_ANONYMOUS:
        reverse(name)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_request_to_any_other_url_goes_to_sign_in(world, method, record_property):
    client = Client()
    login = reverse("login")
    admin_login = reverse("admin:login")
    checked, failures = 0, []
    for label, url in every_url(world):
        match = resolve(url.split("?")[0])
        if match.view_name in ALLOWED_ANONYMOUS:
            continue
        response = client.get(url) if method == "GET" else client.post(url, {})
        checked += 1
        location = response.get("Location", "")
        to_login = response.status_code == 302 and location.split("?")[0] in (login, admin_login)
        if not (to_login or response.status_code in (404, 405)):
            failures.append(f"{label} {url}: {response.status_code} {location}")
        if response.status_code == 200:
            failures.append(f"{label} {url}: 200 for an anonymous user")
    record_property(f"anonymous_{method}", checked)
    print(f"\nanonymous walk {method}: {checked - len(failures)}/{checked} URLs refused")
    assert failures == []


def test_admin_pages_send_anonymous_users_to_the_admin_sign_in(world):
    response = Client().get(f"/{settings.ADMIN_URL}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
