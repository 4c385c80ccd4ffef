"""Formatting for the scorecard pages and the committee pack."""

import re
from decimal import Decimal

from django import template

register = template.Library()

# GOV.UK tag colours for the report's key; the tag always carries the word as well.
RATING_COLOURS = {
    "good": "green",
    "acceptable": "turquoise",
    "yellow": "yellow",
    "amber": "orange",
    "red": "red",
}


@register.filter
def rating_colour(rating: object) -> str:
    return RATING_COLOURS.get(str(getattr(rating, "value", rating) or ""), "grey")


@register.filter
def number(value: object) -> str:
    """1,996 or 63.8, without trailing zeros; an em dash for nothing."""
    if value is None or value == "":
        return "—"
    decimal = Decimal(str(value))
    if decimal == decimal.to_integral_value():
        return f"{int(decimal):,}"
    return f"{decimal.normalize():,f}"


@register.filter
def measure_value(value: object, unit: str) -> str:
    """A figure in its unit: 79% or 1,996; "No data" when there is none."""
    if value is None:
        return "No data"
    return number(value) + ("%" if unit == "percent" else "")


_NUMERIC = re.compile(r"^-?[\d,]+(\.\d+)?%?$|^no data$")


@register.filter
def numeric(cell: object) -> bool:
    """Right-align a table cell that holds a figure ("1,996", "63.8%", "no data")."""
    return bool(_NUMERIC.match(str(cell)))


@register.filter
def slice_item(row: object, index: int) -> object:
    """row[index], or "" past its end."""
    try:
        return row[index]  # type: ignore[index]
    except (IndexError, TypeError, KeyError):
        return ""
