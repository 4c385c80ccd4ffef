"""The layout: CSP-safe (no inline script without the nonce, no style attributes), the council's
header without the crown, navigation by role, page titles, and error pages without details."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

PAGES = ["home", "caseload", "accessibility"]


def _pages(cast, as_user):
    client = as_user(cast.social_worker)
    urls = [reverse(name) for name in PAGES]
    urls += [
        reverse("child_overview", args=[cast.child_a1.public_id]),
        reverse("visit_new", args=[cast.child_a1.public_id]),
    ]
    return [(url, client.get(url)) for url in urls]


def test_every_script_tag_carries_the_requests_csp_nonce(cast, as_user):
    for url, response in _pages(cast, as_user):
        body = response.content.decode()
        header = response.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", header).group(1)
        scripts = re.findall(r"<script\b[^>]*>", body)
        assert scripts, url
        for tag in scripts:
            assert f'nonce="{nonce}"' in tag, (url, tag)
            assert "src=" in tag, (url, tag)  # no inline script at all


def test_no_style_attributes_or_style_elements(cast, as_user):
    for url, response in _pages(cast, as_user):
        body = response.content.decode()
        assert not re.search(r"<[^>]+\sstyle=", body), url
        assert "<style" not in body, url
        assert " hx-on" not in body, url


def test_header_names_the_council_and_the_service_without_the_crown(cast, as_user):
    body = as_user(cast.social_worker).get(reverse("home")).content.decode()
    assert settings.COUNCIL_NAME in body
    assert "Children's Services" in unescape(body)
    assert "govuk-logo" not in body and "crown" not in body.lower()
    assert 'href="#main-content"' in body and 'id="main-content"' in body


def test_page_title_is_page_then_service_then_council(cast, as_user):
    body = as_user(cast.social_worker).get(reverse("caseload")).content.decode()
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert unescape(title) == f"My caseload – Children's Services – {settings.COUNCIL_NAME}"


def test_sign_out_is_a_post_form(cast, as_user):
    body = as_user(cast.social_worker).get(reverse("home")).content.decode()
    assert re.search(f'<form method="post" action="{reverse("logout")}"', body)


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("social_worker", ["My caseload", "Surgeries", "Scorecard"], ["Admin"]),
        ("manager_a1", ["My caseload", "Surgeries", "Scorecard"], ["Admin"]),
        ("leader", ["Scorecard"], ["My caseload", "Surgeries", "Admin"]),
        ("admin", ["Surgeries", "Scorecard", "Admin"], ["My caseload"]),
    ],
)
def test_service_navigation_depends_on_role(cast, as_user, who, present, absent):
    body = as_user(getattr(cast, who)).get(reverse("home")).content.decode()
    nav = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', body, re.S).group(0)
    for text in present:
        assert text in nav, text
    for text in absent:
        assert text not in nav, text


def test_accessibility_statement_needs_no_login(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "Accessibility statement" in response.content.decode()


def test_footer_links_to_the_accessibility_statement(cast, as_user):
    body = as_user(cast.social_worker).get(reverse("home")).content.decode()
    assert f'href="{reverse("accessibility")}"' in body


def test_login_page_is_styled_and_anonymous_users_are_sent_there(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response.url
    body = client.get(reverse("login")).content.decode()
    assert 'class="govuk-input' in body and 'class="govuk-button"' in body


def test_404_page_shows_no_debug_details(cast, as_user, settings):
    settings.DEBUG = False
    response = as_user(cast.social_worker).get("/children/not-a-real-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Traceback" not in body and "urlpatterns" not in body


def test_success_message_is_a_notification_banner(cast, as_user):
    client = as_user(cast.manager_a1)
    client.post(
        reverse("health_check_new", args=[cast.child_a1.public_id]),
        {"kind": "health", "date_0": "1", "date_1": "9", "date_2": "2018"},
    )
    body = client.get(reverse("home")).content.decode()
    assert 'class="govuk-notification-banner govuk-notification-banner--success"' in body
