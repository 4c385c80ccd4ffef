"""Sessions: rotated at sign-in, ended by sign-out and by deactivation, idle and absolute limits,
and sign-in throttled by django-axes."""

import time

from django.urls import reverse

from accounts.middleware import SessionLifetimeMiddleware
from tests.conftest import DEMO_PASSWORD


def test_session_key_changes_at_sign_in(cast, client):
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    client.post(reverse("login"), {"username": "sw", "password": DEMO_PASSWORD})
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    assert client.get(reverse("home")).status_code == 200


def test_sign_out_ends_the_session(cast, client):
    client.force_login(cast.social_worker)
    client.post(reverse("logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_deactivating_a_user_ends_their_sessions(cast, client):
    client.force_login(cast.manager_a1)
    assert client.get(reverse("home")).status_code == 200
    cast.manager_a1.is_active = False
    cast.manager_a1.save()
    assert client.get(reverse("home")).status_code == 302


def test_absolute_lifetime_signs_the_user_out(cast, client, settings):
    client.force_login(cast.social_worker)
    client.get(reverse("home"))
    session = client.session
    session[SessionLifetimeMiddleware.KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_idle_timeout_is_short_and_refreshed_on_each_request(settings):
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_five_wrong_passwords_lock_the_account_for_that_address(cast, client, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "sw", "password": "wrong-password-123"})
    locked = client.post(reverse("login"), {"username": "sw", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert client.get(reverse("home")).status_code == 302
