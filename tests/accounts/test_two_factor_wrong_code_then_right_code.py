"""A right code typed straight after a wrong one signs in; only several wrong codes in a row lock
the device for a while, and the page says until when."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import code_for


def test_wrong_code_then_right_code_signs_in(cast, client, enforced):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    client.force_login(cast.admin)
    wrong = client.post(reverse("two_factor_verify"), {"token": "000000"})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    right = client.post(reverse("two_factor_verify"), {"token": code_for(device), "next": "/"})
    assert right.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_code_then_right_code_confirms_a_new_device(cast, client, enforced):
    client.force_login(cast.performance)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=cast.performance)
    assert client.post(reverse("two_factor_setup"), {"token": "000000"}).status_code == 200
    right = client.post(reverse("two_factor_setup"), {"token": code_for(device), "next": "/"})
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_code_with_a_space_as_the_app_shows_it_is_accepted(cast, client, enforced):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    client.force_login(cast.admin)
    code = code_for(device)
    response = client.post(reverse("two_factor_verify"), {"token": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302


def test_five_wrong_codes_lock_the_device_and_say_until_when(cast, client, enforced, settings):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    client.force_login(cast.admin)
    for _ in range(settings.OTP_MAX_FAILURES):
        client.post(reverse("two_factor_verify"), {"token": "000000"})
    locked = client.post(reverse("two_factor_verify"), {"token": code_for(device)})
    assert locked.status_code == 200
    assert "Too many wrong codes. You can try again after" in locked.content.decode()


def test_empty_code_says_what_to_enter(cast, client, enforced):
    TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    client.force_login(cast.admin)
    page = client.post(reverse("two_factor_verify"), {"token": ""}).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in page
    assert 'href="#id_token"' in page
