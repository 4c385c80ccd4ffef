"""Tables: presentation only. The workbench's columns are declared once here and used by the
page and by its CSV/XLSX exports, so an export holds exactly the columns shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from casework.templatetags.casework_ui import child_link
from common.navigation import current_path, with_next
from surgeries import lists as ex
from surgeries.models import Action, Surgery


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str | None
    value: Callable[[ex.ExceptionRow], Any]
    # Shown as a column of the page (the rule is a <details> under the list instead, and the
    # LA child ID is for the exports, which go to people matching records elsewhere).
    on_page: bool = True


WORKBENCH_COLUMNS: Sequence[Column] = (
    Column("la_child_id", "LA child ID", None, lambda r: r.la_child_id, on_page=False),
    Column("child", "Child", "child", lambda r: r.child_name),
    Column("list", "List", "list", lambda r: r.list_label),
    Column("status", "Status", None, lambda r: r.kind_label),
    Column("days", "Working days overdue", "days", lambda r: r.days_overdue),
    Column("due", "Due date", "due", lambda r: r.due_date),
    Column("worker", "Allocated worker", "worker", lambda r: r.worker_name or "Unallocated"),
    Column("team", "Team", "team", lambda r: r.team_name),
    Column("category", "Category", "category", lambda r: r.category_label),
    Column("rule", "Rule", None, lambda r: r.rule, on_page=False),
    Column("actions", "Open actions", "actions", lambda r: r.open_actions),
)

# The order each sort gives, in words, for the table's caption.
SORT_WORDS = {
    "days": ("working days overdue, fewest first", "working days overdue, most first"),
    "due": ("due date, earliest first", "due date, latest first"),
    "child": ("child's surname, A to Z", "child's surname, Z to A"),
    "list": ("list", "list, in reverse"),
    "category": ("category", "category, in reverse"),
    "worker": ("allocated worker, A to Z", "allocated worker, Z to A"),
    "team": ("team, A to Z", "team, Z to A"),
    "actions": ("open actions, fewest first", "open actions, most first"),
}


def sort_caption(sort: str) -> str:
    """ "sorted by working days overdue, most first" for "-days"."""
    ascending, descending = SORT_WORDS.get(sort.lstrip("-"), SORT_WORDS["days"])
    return f"sorted by {descending if sort.startswith('-') else ascending}"


def workbench_export_rows(rows: Sequence[ex.ExceptionRow]) -> tuple[list[str], list[list[Any]]]:
    header = [c.label for c in WORKBENCH_COLUMNS]
    return header, [[c.value(r) for c in WORKBENCH_COLUMNS] for r in rows]


def sort_headers(current: str, query) -> list[dict[str, Any]]:
    """Header cells with the link that sorts by the column (toggling direction) and aria-sort."""
    key = current.lstrip("-")
    descending = current.startswith("-")
    headers = []
    for column in WORKBENCH_COLUMNS:
        if not column.on_page:
            continue
        item: dict[str, Any] = {"label": column.label, "key": column.key}
        if column.sort:
            is_current = column.sort == key
            next_sort = (
                (column.sort if descending else f"-{column.sort}")
                if is_current
                else (f"-{column.sort}" if column.sort in ("days", "actions") else column.sort)
            )
            params = query.copy()
            params["sort"] = next_sort
            params.pop("page", None)
            item["url"] = f"?{params.urlencode()}"
            item["aria_sort"] = (
                ("descending" if descending else "ascending") if is_current else "none"
            )
        headers.append(item)
    return headers


class ChildColumn(tables.Column):
    def render(self, record: Action, table: tables.Table) -> str:
        # The list's sorting and paging are htmx-boosted; the record is a page of its own.
        return child_link(record.child, boost=False, back=current_path(table))


class ActionTable(tables.Table):
    child = ChildColumn(accessor="child__last_name", verbose_name="Child")
    list_code = tables.Column(verbose_name="Reason")
    description = tables.Column(verbose_name="Action", orderable=False)
    owner = tables.Column(accessor="owner__name", verbose_name="Owner")
    due_date = tables.DateColumn(verbose_name="Due", format="j M Y")
    status = tables.Column(verbose_name="Status")
    escalation_level = tables.Column(verbose_name="Escalated to")
    on_list = tables.Column(verbose_name="Still overdue", empty_values=(), orderable=False)
    open = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = Action
        fields = (
            "child",
            "list_code",
            "description",
            "owner",
            "due_date",
            "status",
            "escalation_level",
            "on_list",
            "open",
        )
        order_by = ("due_date",)

    def __init__(self, *args: Any, list_labels: dict[str, str], **kwargs: Any) -> None:
        self.list_labels = list_labels
        super().__init__(*args, **kwargs)

    def render_list_code(self, value: str) -> str:
        return self.list_labels.get(value, value)

    def render_status(self, record: Action) -> str:
        colour = {"open": "blue", "done": "green", "cancelled": "grey"}[record.status]
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
            colour,
            record.get_status_display(),
        )

    def render_escalation_level(self, record: Action) -> str:
        return record.get_escalation_level_display() if record.escalation_level else "Not escalated"

    def render_on_list(self, record: Action) -> str:
        if getattr(record, "still_on_list", True):
            return "Yes"
        return format_html(
            '<strong class="govuk-tag govuk-tag--green">{}</strong>', "No longer overdue"
        )

    def render_open(self, record: Action) -> str:
        # The action's back link returns to this list, at this page and sort.
        url = with_next(
            reverse("surgeries:action_detail", args=[record.public_id]), current_path(self)
        )
        return format_html(
            '<a class="govuk-link" hx-boost="false" href="{}">View'
            '<span class="govuk-visually-hidden"> action {}</span></a>',
            url,
            record.pk,
        )


class SurgeryTable(tables.Table):
    title = tables.Column(verbose_name="Surgery")
    date = tables.DateColumn(verbose_name="Date", format="j M Y")
    chair = tables.Column(verbose_name="Chair", orderable=False)
    status = tables.Column(verbose_name="Status")
    children = tables.Column(verbose_name="Overdue children", empty_values=(), orderable=False)
    left = tables.Column(verbose_name="Left their list since", empty_values=(), orderable=False)
    on_time = tables.Column(verbose_name="Actions done on time", empty_values=(), orderable=False)

    class Meta:
        model = Surgery
        fields = ("title", "date", "chair", "status", "children", "left", "on_time")
        order_by = ("-date",)

    def render_title(self, record: Surgery) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            reverse("surgeries:surgery_detail", args=[record.public_id]),
            record.title,
        )

    def render_chair(self, record: Surgery) -> str:
        return record.chair.get_full_name() or record.chair.get_username()

    def _impact(self, record: Surgery):
        return getattr(record, "impact", None)

    def render_children(self, record: Surgery) -> str:
        impact = self._impact(record)
        return str(impact.children) if impact else "Not closed yet"

    def render_left(self, record: Surgery) -> str:
        impact = self._impact(record)
        return str(impact.left) if impact else "–"

    def render_on_time(self, record: Surgery) -> str:
        impact = self._impact(record)
        return f"{impact.on_time} of {impact.actions}" if impact else "–"
