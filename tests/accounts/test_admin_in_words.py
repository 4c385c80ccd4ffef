"""The admin is branded for the council and names the libraries' apps in words."""

import html
import re

from django.conf import settings


def test_admin_index_is_branded_and_readable(cast, client):
    client.force_login(cast.admin)
    page = html.unescape(client.get("/" + settings.ADMIN_URL).content.decode())
    assert f"{settings.COUNCIL_NAME}: Children's Services administration" in page
    assert "Django administration" not in page
    captions = re.findall(r'class="section"[^>]*>([^<]+)<', page)
    assert "Sign-in attempts and lockouts" in captions
    assert "Second factor: authenticator apps" in captions
    assert not [c for c in captions if c.isupper() or "_" in c], captions


def test_admin_names_the_nightly_snapshots_in_words(cast, client):
    client.force_login(cast.admin)
    page = html.unescape(client.get("/" + settings.ADMIN_URL).content.decode())
    assert "Measure snapshots (the nightly figures)" in page
    assert "Kpi snapshots" not in page
