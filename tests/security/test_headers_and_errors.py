"""Responses that give nothing away: errors without stack traces, no open redirect after sign
in, no-store on every authenticated response, a nonce-based CSP without unsafe-inline on every
page, and the HTTPS headers under production settings."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from surgeries.models import Action
from tests.conftest import DEMO_PASSWORD
from tests.security.conftest import CP_MEASURE, OWN
from tests.security.matrix import every_url

EVIL = "https://evil.example/steal"


@override_settings(DEBUG=False)
def test_error_page_has_no_stack_trace(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.cast.manager_a1)
    with mock.patch(
        "casework.views.reporting_date", side_effect=RuntimeError("secret-internal-detail")
    ):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    for leak in ("Traceback", "secret-internal-detail", "RuntimeError", "casework/views.py"):
        assert leak not in body


@override_settings(DEBUG=False)
def test_not_found_page_has_no_detail(world):
    client = Client()
    client.force_login(world.cast.manager_a1)
    response = client.get(
        reverse("child_overview", args=[world.site("other service area").child.public_id])
    )
    assert response.status_code == 404
    assert "No such child" not in response.content.decode()
    assert "URLconf" not in response.content.decode()


def test_sign_in_ignores_an_off_site_next(world):
    client = Client()
    page = client.get(f"{reverse('login')}?next={EVIL}")
    assert "evil.example" not in page.content.decode()
    response = client.post(
        f"{reverse('login')}?next={EVIL}",
        {"username": "tm-a1", "password": DEMO_PASSWORD, "next": EVIL},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("next_url", [EVIL, "//evil.example/", "https:/\\evil.example"])
def test_add_action_ignores_an_off_site_next(world, client, next_url):
    site = world.site(OWN)
    client.force_login(world.cast.manager_a1)
    response = client.post(
        reverse("surgeries:action_new"),
        {
            "child": str(site.child.public_id),
            "list_code": CP_MEASURE,
            "description": "Visit this week",
            "owner": site.worker.pk,
            "due_date": "2018-10-05",
            "next": next_url,
        },
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert Action.objects.filter(description="Visit this week").exists()


NONCE = re.compile(r"'nonce-([^']+)'")


@pytest.mark.walk
def test_every_authenticated_response_is_no_store_with_a_strict_csp(world, record_property):
    client = Client()
    client.force_login(world.cast.admin)
    urls = every_url(world)
    failures, with_nonce = [], 0
    for label, url in urls:
        response = client.get(url)
        if "no-store" not in response.get("Cache-Control", ""):
            failures.append(f"{label}: Cache-Control {response.get('Cache-Control')!r}")
        policy = response.get("Content-Security-Policy", "")
        if (
            "script-src 'self'" not in policy
            or "unsafe-inline" in policy
            or "unsafe-eval" in policy
        ):
            failures.append(f"{label}: CSP {policy!r}")
        # Django adds the nonce to the policy when a page uses it: every inline script must.
        nonce = NONCE.search(policy)
        if "text/html" in response.get("Content-Type", "") and not response.streaming:
            for tag in re.findall(rb"<script\b[^>]*>", response.content):
                if b" src=" in tag:
                    continue
                if not nonce or f'nonce="{nonce.group(1)}"'.encode() not in tag:
                    failures.append(f"{label}: inline script without the nonce {tag[:80]!r}")
                else:
                    with_nonce += 1
    print(
        f"\nheaders walk: {len(urls) - len(failures)}/{len(urls)} responses no-store with a CSP "
        f"without unsafe-inline; {with_nonce} inline scripts, all with the nonce"
    )
    record_property("headers_urls", len(urls))
    assert failures == []


def test_sign_in_page_has_the_csp_too(db):
    response = Client().get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert NONCE.search(policy)
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_production_headers(db):
    client = Client()
    assert client.get(reverse("login")).status_code == 301  # to HTTPS
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.cookies["csrftoken"]["secure"]
