"""Error pages in words, in the GOV.UK style, for every role and in every mode.

- `NotFoundReason` is a 404 whose message is written for the person reading the page (a quarter
  that has not ended, say); a plain Http404 shows the generic page, so an out-of-scope child's
  existence is never confirmed.
- `RoleRefused` is a 403 naming the page and the roles it is for; any PermissionDenied message
  is written for the user and shown.
- With DEBUG on (the demo), Django would answer a missing page or a crash with its debug page,
  listing every URL pattern or the code. `FriendlyErrorsMiddleware` answers with these pages
  instead, unless a developer asks for the debug pages (DEBUG_PAGES=true).
"""

import logging
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

logger = logging.getLogger("django.request")

Handler = Callable[[HttpRequest], HttpResponse]


class NotFoundReason(Http404):
    """A 404 that says why in words the user can act on, with an optional way on."""

    def __init__(
        self, title: str, reason: str, *, link_text: str = "", link_href: str = ""
    ) -> None:
        super().__init__(reason)
        self.title = title
        self.reason = reason
        self.link_text = link_text
        self.link_href = link_href


class RoleRefused(PermissionDenied):
    """A page a role may not use: says which page, and who it is for."""

    def __init__(self, page: str, for_roles: Iterable[str]) -> None:
        roles = list(for_roles)
        who = ", ".join(roles[:-1]) + (" and " if len(roles) > 1 else "") + roles[-1]
        super().__init__(f"{page} are for {who}. Your role does not use them.")
        self.page = page


def _render(request: HttpRequest, template: str, status: int, context: dict) -> HttpResponse:
    response = HttpResponse(render_to_string(template, context, request), status=status)
    response.friendly_error = True  # type: ignore[attr-defined]
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context: dict = {}
    if isinstance(exception, NotFoundReason):
        context = {
            "title": exception.title,
            "reason": exception.reason,
            "link_text": exception.link_text,
            "link_href": exception.link_href,
        }
    return _render(request, "404.html", 404, context)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if isinstance(exception, PermissionDenied) else ""
    return _render(request, "403.html", 403, {"reason": message})


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the page must render even when the database or a context processor
    # is what failed.
    response = HttpResponse(render_to_string("500.html"), status=500)
    response.friendly_error = True  # type: ignore[attr-defined]
    return response


class FriendlyErrorsMiddleware:
    """With DEBUG on and DEBUG_PAGES off, answer 404s, 403s and crashes with the service's own
    pages rather than Django's debug pages. The traceback of a crash still goes to the log."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and not getattr(settings, "DEBUG_PAGES", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A URL that matches no pattern never reaches process_exception: Django's debug 404
        # comes back as a response, recognisable by the request having no resolver match.
        if (
            self._active()
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and not getattr(response, "friendly_error", False)
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._active():
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500},
        )
        return server_error(request)


def for_roles(
    roles: Iterable[object], page: str, labels: Iterable[str]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer a 403 page in words (RoleRefused) to a role the page is not for, instead of an
    empty list: "Surgeries are for social workers, team managers ...". For GET-only pages that
    list no particular child (another method answers 405 first, as require_GET would); a
    child's page answers 404 out of scope as before."""
    allowed = set(roles)
    names = list(labels)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            if getattr(request.user, "role", None) not in allowed:
                raise RoleRefused(page, names)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
