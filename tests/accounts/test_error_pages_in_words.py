"""Missing pages, refusals and crashes answer the service's own GOV.UK-style pages, also with
DEBUG on as in the demo; Django's debug pages only when a developer asks (DEBUG_PAGES)."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    settings.DEBUG_PAGES = False


def test_unknown_url_with_debug_on_is_the_friendly_404(cast, as_user, debug_on):
    response = as_user(cast.social_worker).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "govuk-heading-l" in page
    assert "URLconf" not in page and "urlpatterns" not in page


def test_out_of_scope_child_with_debug_on_is_the_friendly_404(cast, as_user, debug_on):
    response = as_user(cast.social_worker).get(
        reverse("child_overview", args=[cast.child_b1.public_id])
    )
    assert response.status_code == 404
    assert "may not be in your caseload" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_crash_with_debug_on_is_the_friendly_500(cast, debug_on, monkeypatch):
    from casework import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "caseload_children", broken)
    client = Client(raise_request_exception=False)
    client.force_login(cast.social_worker)
    response = client.get(reverse("caseload"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "boom" not in page


def test_debug_pages_setting_brings_back_djangos_debug_404(cast, as_user, settings):
    settings.DEBUG = True
    settings.DEBUG_PAGES = True
    page = as_user(cast.social_worker).get("/no-such-page/").content.decode()
    assert "URLconf" in page
