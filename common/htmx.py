"""Page or fragment: the one place a view's answer to htmx is decided."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page_or_fragment(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str = "results",
    status: int = 200,
) -> HttpResponse:
    """An htmx request gets the named partial of the page's own template (`page.html#results`,
    a `{% partialdef %}`), so page and fragment cannot drift; anything else the whole page. The
    answer varies on HX-Request, so a cache never serves one for the other."""
    name = f"{template}#{fragment}" if getattr(request, "htmx", False) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
