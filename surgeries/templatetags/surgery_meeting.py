"""Template helpers of the surgery meeting pages."""

from __future__ import annotations

from typing import Any

from django import template

from surgeries.minutes import status_words as _status_words

register = template.Library()


@register.filter
def status_words(row: Any) -> str:
    """A list row's status in words ("12 working days overdue", "due in 3 working days")."""
    return _status_words(row)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
