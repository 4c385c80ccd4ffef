"""Where a page's back link goes: the page the user came from, passed as `?next=`, when it is a
path of this site (url_has_allowed_host_and_scheme: never another host, so a crafted link cannot
send the user away), else a fallback the caller chooses."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, candidate: str | None, fallback: str = "") -> str:
    """`candidate` if it is a URL of this site, else `fallback`."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def with_next(url: str, back: str) -> str:
    """`url` carrying `back` as its `next`, for the back link of the page it opens."""
    return f"{url}?{urlencode({'next': back})}" if back else url


def current_path(table: object) -> str:
    """The page a django-tables2 table is shown on (its request, once RequestConfig has set it),
    for the back links of the records it links to; empty before."""
    request = getattr(table, "request", None)
    return request.get_full_path() if request is not None else ""
