"""Administrators get recovery codes when they set up their app, each usable once; a user who
lost their phone is reset by an administrator in the admin, and the reset is audited."""

import re

from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent
from tests.accounts.conftest import code_for


def _set_up(client, user) -> list[str]:
    client.force_login(user)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    done = client.post(reverse("two_factor_setup"), {"token": code_for(device), "next": "/"})
    assert done.status_code == 302
    if not done["Location"].startswith(reverse("two_factor_recovery_codes")):
        return []
    page = client.get(done["Location"]).content.decode()
    return re.findall(r"<li>([a-z2-7]{8})</li>", page)


def test_administrator_sees_ten_recovery_codes_once(cast, client, enforced):
    codes = _set_up(client, cast.admin)
    assert len(codes) == 10
    again = client.get(reverse("two_factor_recovery_codes")).content.decode()
    assert not re.findall(r"<li>([a-z2-7]{8})</li>", again)
    assert "You have 10 unused recovery codes" in again


def test_performance_officer_gets_no_recovery_codes(cast, client, enforced):
    assert _set_up(client, cast.performance) == []
    assert not StaticDevice.objects.filter(user=cast.performance).exists()


def test_recovery_code_signs_in_once(cast, client, enforced):
    codes = _set_up(client, cast.admin)
    client.logout()
    client.force_login(cast.admin)
    first = client.post(reverse("two_factor_verify"), {"token": codes[0].upper(), "next": "/"})
    assert first.status_code == 302
    client.logout()
    client.force_login(cast.admin)
    reused = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert reused.status_code == 200
    assert "That recovery code is not right or has been used" in reused.content.decode()


def test_administrator_resets_a_lost_device_and_it_is_audited(cast, client, enforced):
    TOTPDevice.objects.create(user=cast.performance, name="phone", confirmed=True)
    admin_device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    client.force_login(cast.admin)
    client.post(reverse("two_factor_verify"), {"token": code_for(admin_device)})
    changelist = "/" + django_settings.ADMIN_URL + "accounts/user/"
    response = client.post(
        changelist,
        {"action": "reset_second_factor", "_selected_action": [cast.performance.pk]},
        follow=True,
    )
    assert "Second factor reset for 1 user (1 device removed)" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.performance).exists()
    assert LogEntry.objects.filter(
        object_id=str(cast.performance.pk), change_message__startswith="Second factor reset"
    ).exists()
    event = AccessEvent.objects.get(action="2fa_reset")
    assert event.user == cast.admin and event.filters["user"] == cast.performance.pk
    # At the next sign-in the user is sent to set up a new device.
    client.force_login(cast.performance)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))
