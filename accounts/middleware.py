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
