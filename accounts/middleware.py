"""Request id, session lifetime and no-store caching for authenticated pages."""

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

Handler = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Give every request an id; audit rows and log lines carry it, never personal data."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class SessionLifetimeMiddleware:
    """An absolute session lifetime on top of the idle timeout (SESSION_COOKIE_AGE)."""

    KEY = "_session_started"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.setdefault(self.KEY, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreMiddleware:
    """Case pages must not sit in a shared or browser cache."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class SecondFactorMiddleware:
    """Users whose role needs a second factor (settings.OTP_REQUIRED_ROLES, or the user's own
    flag) must pass a TOTP check after signing in before any other page, the admin included.
    Without a device they are sent to set one up."""

    EXEMPT_URL_NAMES = {
        "two_factor_setup",
        "two_factor_verify",
        "logout",
        "health",
        "accessibility",
    }

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.OTP_ENFORCED or not user.is_authenticated:
            return None
        if not getattr(view_func, "login_required", True):
            return None  # login page, health check, static: open to everyone anyway
        match = request.resolver_match
        if match and match.url_name in self.EXEMPT_URL_NAMES:
            return None
        # OTPMiddleware gives the user is_verified(); a user without it is not verified.
        verified = getattr(user, "is_verified", lambda: False)()
        if not user.needs_second_factor or verified:
            return None
        from django.urls import reverse
        from django.utils.http import urlencode
        from django_otp import devices_for_user

        target = "two_factor_verify" if any(devices_for_user(user)) else "two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
