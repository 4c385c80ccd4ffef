"""Template helpers for the workbench: the per-row <option> lists rendered in Python.

Every workbench row carries an add-action form whose owner list holds every worker of the scope
(40 or more in a large team), so 50 rows meant some 2,000 template loop iterations per page:
measured at tier S, rendering took 0.3-0.9 s of a page whose queries took 0.1 s. The HTML is the
same as the template loop gave."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape  # the standard library's: Django's escape is this, wrapped lazily
from typing import Any

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _page_cache(context: template.Context) -> dict[str, Any]:
    """A dict living for the whole render of the page: the bottom layer of the render context
    (each `{% partial %}` and include pushes a fresh layer on top)."""
    return context.render_context.dicts[0]  # type: ignore[return-value]


@register.simple_tag(takes_context=True)
def owner_options(context: template.Context, owners: Iterable[Any], selected_id: Any) -> str:
    """<option> per worker, the row's worker selected. The escaped options are built once per
    page render and reused by every row."""
    key = f"surgeries_ui.owner_options.{id(owners)}"
    cache = _page_cache(context)
    parts = cache.get(key)
    if parts is None:
        parts = [
            (w.pk, f'<option value="{escape(str(w.pk))}"', f">{escape(str(w.name))}</option>")
            for w in owners
        ]
        cache[key] = parts
    options = (
        f"{start}{' selected' if pk == selected_id else ''}{end}" for pk, start, end in parts
    )
    return mark_safe("".join(options))  # noqa: S308 - built from escaped values only


@register.simple_tag(takes_context=True)
def barrier_options(context: template.Context, barriers: Iterable[Any]) -> str:
    """<option> per active barrier code, built once per page render."""
    key = f"surgeries_ui.barrier_options.{id(barriers)}"
    cache = _page_cache(context)
    html = cache.get(key)
    if html is None:
        html = "".join(
            f'<option value="{escape(str(b.pk))}">{escape(str(b.label))}</option>' for b in barriers
        )
        cache[key] = html
    return mark_safe(html)  # noqa: S308 - built from escaped values only
