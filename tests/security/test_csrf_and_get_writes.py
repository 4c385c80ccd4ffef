"""State changes need a CSRF token and a POST: a POST without the token is refused (403) by every
URL of the URLconf, and a GET of every URL, as every role, writes nothing (row counts and newest
`updated_at` of every case, surgery, scorecard and account table before and after)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AccessEvent
from tests.security.conftest import TableWatch, diff_state, table_state
from tests.security.matrix import ROLE_USER, ROLES, every_url

# GETs allowed to write, each with the reason.
GET_MAY_WRITE = {
    # Setting up a second factor shows a new secret as a QR code: it is stored as one unconfirmed
    # device (get_or_create, so a reload writes nothing more) to be checked by the next POST.
    "two_factor_setup": "otp_totp.TOTPDevice",
}


@pytest.mark.walk
def test_post_without_csrf_token_is_refused_everywhere(world, record_property):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.cast.admin)
    urls = every_url(world)
    failures = []
    watch = TableWatch(exclude=(AccessEvent,))
    for label, url in urls:
        response = client.post(url, {"title": "x", "note": "x", "description": "x"})
        if response.status_code != 403:
            failures.append(f"{label} {url}: {response.status_code}")
        if changed := watch.changes():
            failures.append(f"{label} {url}: changed {changed}")
    print(f"\nCSRF walk: {len(urls) - len(failures)}/{len(urls)} token-less POSTs refused")
    record_property("csrf_urls", len(urls))
    assert failures == []


def test_post_with_csrf_token_gets_through(world):
    """The control: the same client with a token reaches the view (so the 403s above are CSRF)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.cast.manager_a1)
    client.get("/surgeries/meetings/new/")
    token = client.cookies["csrftoken"].value
    response = client.post("/surgeries/meetings/new/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 422  # the form's own validation, not CSRF


@pytest.mark.walk
@pytest.mark.parametrize("role", ROLES)
def test_get_of_every_url_writes_nothing(world, role, record_property):
    client = Client()
    client.force_login(getattr(world.cast, ROLE_USER[role]))
    urls = every_url(world)
    failures = []
    watch = TableWatch(exclude=(AccessEvent,))
    for label, url in urls:
        response = client.get(url)
        changed = watch.changes()
        allowed = GET_MAY_WRITE.get(label)
        if changed and not (allowed and all(k.startswith(allowed) for k in changed)):
            failures.append(f"{label} {url} ({response.status_code}): {changed}")
    print(
        f"\nGET walk as {role}: {len(urls) - len(failures)}/{len(urls)} URLs, no unexpected write"
    )
    record_property(f"get_walk_{role}", len(urls))
    assert failures == []


def test_login_page_writes_a_session_only(db):
    from django.contrib.sessions.models import Session

    before = table_state()
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert diff_state(before, table_state()) == {}
    assert Session.objects.count() <= 1
