"""TOTP second factor: set up a device, verify a code, recovery codes, reset of a lost device.

Authenticator apps (Google, Microsoft, Authy, FreeOTP...) take the key as base32 (RFC 4648,
the Key Uri Format of Google Authenticator), so the key is shown in base32 in groups of four,
beside a QR code of the same otpauth:// URL, generated here as SVG (no third-party service).

Wrong codes: django-otp's own back-off (1, 2, 4... seconds after each failure) refuses a right
code typed straight after a wrong one with the same message, which reads as "the app is wrong".
It is turned off (OTP_TOTP_THROTTLE_FACTOR = 0) and replaced by a plain rule the page can say in
words: after OTP_MAX_FAILURES wrong codes in a row the device is locked for OTP_LOCKOUT_MINUTES.
Six digits, five tries in a quarter of an hour: a guess succeeds with odds of 1 in 200,000.

Administrators also get recovery codes (a django-otp static device, each code usable once),
shown once when their authenticator app is confirmed. Anyone who loses their phone asks an
administrator, who resets the second factor in the admin (accounts.admin, audited); at the next
sign-in the user sets up a new device.
"""

from base64 import b32encode
from datetime import datetime, timedelta
from typing import cast

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.models import ThrottlingMixin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
SESSION_NEW_CODES = "_recovery_codes_to_show"


def key_in_groups(device: TOTPDevice) -> str:
    """The device's key in base32 without padding, in groups of four ("ABCD EFGH ..."), the way
    authenticator apps ask for it when it is typed instead of scanned."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def locked_until(device: ThrottlingMixin) -> datetime | None:
    """When the device accepts codes again after OTP_MAX_FAILURES wrong ones in a row, or None."""
    if device.throttling_failure_count < settings.OTP_MAX_FAILURES:
        return None
    last = device.throttling_failure_timestamp
    if last is None:
        return None
    until = last + timedelta(minutes=settings.OTP_LOCKOUT_MINUTES)
    return until if until > timezone.now() else None


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, for example 123456",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args, recovery_allowed: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.recovery_allowed = recovery_allowed
        if recovery_allowed:
            self.fields[
                "token"
            ].help_text = "The 6-digit code, for example 123456, or one of your recovery codes"

    def clean_token(self) -> str:
        # Apps show the code as "123 456"; people copy it with the space.
        token = "".join(self.cleaned_data["token"].split()).lower()
        if token.isdigit() and len(token) == 6:
            return token
        if self.recovery_allowed and token.isalnum() and len(token) == 8:
            return token
        if token.isdigit():
            raise forms.ValidationError("The code must be 6 digits")
        raise forms.ValidationError("Enter the 6-digit code, numbers only")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or settings.LOGIN_REDIRECT_URL
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _locked_message(until: datetime) -> str:
    local = timezone.localtime(until)
    return (
        f"Too many wrong codes. You can try again after {local:%H:%M}. If your phone is lost, "
        "ask an administrator to reset your second factor"
    )


def _recovery_codes_for(user: User) -> bool:
    return user.role == Role.ADMINISTRATOR


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; returns them so they
    can be shown once. Each is 8 base32 characters and is deleted when used (django-otp)."""
    StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _verify(devices: list, token: str) -> tuple[object | None, str]:
    """The device that accepts the token, or None and the message to show."""
    kind = TOTPDevice if len(token) == 6 else StaticDevice
    candidates = [d for d in devices if isinstance(d, kind)]
    for device in candidates:
        until = locked_until(device)
        if until is not None:
            return None, _locked_message(until)
    for device in candidates:
        if device.verify_token(token):
            return device, ""
    for device in candidates:
        device.refresh_from_db(fields=["throttling_failure_count", "throttling_failure_timestamp"])
        until = locked_until(device)
        if until is not None:
            return None, _locked_message(until)
    if kind is StaticDevice:
        return None, "That recovery code is not right or has been used: check it and try again"
    return None, (
        "The code is not right. Enter the newest code your app shows; if it keeps failing, "
        "check the time on your phone is set automatically"
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if any(d.confirmed for d in devices_for_user(user)):
        return redirect("two_factor_verify")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, message = _verify([device], form.cleaned_data["token"])
        if accepted is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            if _recovery_codes_for(user):
                request.session[SESSION_NEW_CODES] = recovery_codes_issue(user=user)
                return redirect(f"{_recovery_url()}?next={_next(request)}")
            return redirect(_next(request))
        form.add_error("token", message)
    # The SVG is generated here from the device's own URL (no user-entered text), so it is
    # safe to embed; it has no style attributes, so the CSP needs no unsafe-inline.
    qr = mark_safe(  # noqa: S308
        segno.make(device.config_url, error="m").svg_inline(
            scale=5, title="QR code for your authenticator app"
        )
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr,
            "secret": key_in_groups(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "next": _next(request),
        },
    )


def _recovery_url() -> str:
    from django.urls import reverse

    return reverse("two_factor_recovery_codes")


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    devices = list(devices_for_user(request.user, confirmed=True))
    recovery = any(isinstance(d, StaticDevice) for d in devices)
    form = TokenForm(request.POST or None, recovery_allowed=recovery)
    if request.method == "POST" and form.is_valid():
        accepted, message = _verify(devices, form.cleaned_data["token"])
        if accepted is not None:
            otp_login(request, accepted)
            return redirect(_next(request))
        form.add_error("token", message)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request), "recovery": recovery},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once (just after set-up), or issue a fresh set on request (the
    old ones stop working). Only for a verified administrator."""
    user = cast(User, request.user)
    verified = getattr(user, "is_verified", lambda: False)()
    if not _recovery_codes_for(user) or (settings.OTP_ENFORCED and not verified):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Recovery codes are for administrators who have signed in")
    if request.method == "POST":
        request.session[SESSION_NEW_CODES] = recovery_codes_issue(user=user)
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(SESSION_NEW_CODES, None)
    remaining = StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME
    ).count()
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {"codes": codes, "remaining": remaining, "next": _next(request)},
    )


@transaction.atomic
def second_factor_reset(*, request: HttpRequest, user: User) -> int:
    """Remove every second-factor device of a user who lost their phone (authenticator app and
    recovery codes); at their next sign-in they set up a new one. Audited twice: in the admin's
    history of the user (LogEntry) and in the access audit (action "2fa_reset"), by whom, when.
    Returns the number of devices removed."""
    from django.contrib.admin.models import CHANGE, LogEntry

    from accounts.audit import record_access

    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    LogEntry.objects.log_actions(
        user_id=cast(User, request.user).pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message="Second factor reset (lost or new phone): a new device is set up at the "
        "next sign-in.",
        single_object=True,
    )
    record_access(request, action="2fa_reset", filters={"user": user.pk, "devices": removed})
    return removed
