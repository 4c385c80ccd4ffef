"""The admin never shows a second-factor secret: an administrator can list and remove another
user's TOTP device, but not read its key or QR code (which would let them pass that user's
second factor). django-otp's config and QR code pages answer 403 for any id, so a missing id is
not a server error either."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice


def test_admin_hides_the_totp_secret(world):
    device = TOTPDevice.objects.get(user=world.cast.performance)
    assert settings.OTP_ADMIN_HIDE_SENSITIVE_DATA
    client = Client()
    client.force_login(world.cast.admin)

    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert device.user.username in change.content.decode()  # the real device's page
    assert device.key not in change.content.decode()
    assert 'name="key"' not in change.content.decode()

    missing = device.pk + 1000
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        for pk in (device.pk, missing):
            response = client.get(reverse(name, kwargs={"pk": pk}))
            assert response.status_code == 403, (name, pk)
            assert device.key not in response.content.decode()
