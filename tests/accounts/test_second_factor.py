"""Administrators and performance officers must pass a TOTP second factor; other roles need not."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import code_for


def test_administrator_without_a_device_is_sent_to_set_one_up(cast, client, enforced):
    client.force_login(cast.admin)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    admin_page = client.get("/" + __import__("django.conf").conf.settings.ADMIN_URL)
    assert admin_page.status_code == 302


def test_setting_up_the_device_with_a_right_code_lets_the_user_in(cast, client, enforced):
    client.force_login(cast.performance)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=cast.performance)
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    right = client.post(reverse("two_factor_setup"), {"token": code_for(device), "next": "/"})
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_confirmed_device_asks_for_a_code_at_each_sign_in(cast, client, enforced):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    client.force_login(cast.admin)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_verify"), {"token": "12ab56"}).status_code == 200
    ok = client.post(
        reverse("two_factor_verify"), {"token": code_for(device), "next": reverse("home")}
    )
    assert ok.status_code == 302 and ok["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_next_never_redirects_off_site(cast, client, enforced):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    client.force_login(cast.admin)
    response = client.post(
        reverse("two_factor_verify"), {"token": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_social_worker_is_not_asked_unless_flagged(cast, client, enforced):
    client.force_login(cast.social_worker)
    assert client.get(reverse("home")).status_code == 200
    cast.social_worker.otp_required = True
    cast.social_worker.save()
    client.force_login(cast.social_worker)
    assert client.get(reverse("home")).status_code == 302
