"""The key shown at set-up is the one authenticator apps take: base32, in groups of four. Typed
into an independent RFC 6238 computation, it gives the codes the app accepts."""

import base64
import hashlib
import hmac
import re
import struct
import time

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice


def rfc6238(key_base32: str, at: float | None = None) -> str:
    """TOTP as an authenticator app computes it: HMAC-SHA1, 30-second steps, 6 digits."""
    key = base64.b32decode(key_base32 + "=" * (-len(key_base32) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def shown_key(html: str) -> str:
    match = re.search(r'<code class="app-secret" id="setup-key">([^<]+)</code>', html)
    assert match, "the set-up page shows the key"
    return match.group(1)


def test_key_is_base32_in_groups_of_four(cast, client, enforced):
    client.force_login(cast.performance)
    key = shown_key(client.get(reverse("two_factor_setup")).content.decode())
    groups = key.split(" ")
    assert all(len(g) == 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4
    assert re.fullmatch(r"[A-Z2-7 ]+", key)


def test_code_computed_from_the_shown_key_confirms_the_device(cast, client, enforced):
    client.force_login(cast.performance)
    key = shown_key(client.get(reverse("two_factor_setup")).content.decode()).replace(" ", "")
    response = client.post(reverse("two_factor_setup"), {"token": rfc6238(key), "next": "/"})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=cast.performance).confirmed
    assert client.get(reverse("home")).status_code == 200


def test_the_qr_code_carries_the_same_key(cast, client, enforced):
    client.force_login(cast.performance)
    page = client.get(reverse("two_factor_setup")).content.decode()
    device = TOTPDevice.objects.get(user=cast.performance)
    assert "<svg" in page
    assert f"secret={shown_key(page).replace(' ', '')}" in device.config_url
