"""Template helpers for the workbench."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def add_action_url(row: Any, next_url: str) -> str:
    """The add-action page for a workbench row (the no-JavaScript route; htmx loads the same
    URL's form into the row), coming back to `next_url`."""
    query = urlencode(
        {"child": row.child_public_id, "list": row.list_code, "kind": row.kind, "next": next_url}
    )
    return f"{reverse('surgeries:action_new')}?{query}"
