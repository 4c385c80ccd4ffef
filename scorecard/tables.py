"""The drill-down table: the children (or events, or workers) behind one scorecard number."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables

from casework.templatetags.casework_ui import child_link
from common.navigation import current_path
from scorecard.measures.base import Measure


def _child_link(record: dict[str, Any], *, back: str = "") -> str:
    name = " ".join(p for p in (record.get("dd_first"), record.get("dd_last")) if p)
    if not record.get("dd_public_id"):
        return "—"
    # The drill-down's sorting and paging are htmx-boosted; the record is a page of its own.
    return child_link(
        public_id=record["dd_public_id"],
        name=name or record.get("dd_la_id") or "Unnamed child",
        boost=False,
        back=back,
    )


class DrilldownTable(tables.Table):
    child = tables.Column(
        "Child", accessor="dd_last", order_by=("dd_last", "dd_first"), empty_values=()
    )
    la_child_id = tables.Column("LA child ID", accessor="dd_la_id")
    team = tables.Column("Team", accessor="dd_team")
    worker = tables.Column("Worker", accessor="dd_worker")
    due_date = tables.DateColumn(format="j M Y", verbose_name="Due date")
    basis_date = tables.DateColumn(format="j M Y", verbose_name="From")
    in_numerator = tables.BooleanColumn(verbose_name="Counted", yesno="Yes,No")
    rule = tables.Column("Why", accessor="dd_key", orderable=False, empty_values=())

    class Meta:
        attrs = {"class": "govuk-table"}
        orderable = True

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        self.measure = measure
        super().__init__(*args, **kwargs)
        if measure.basis_label and "basis_date" in self.columns.names():
            # The table's own copy of the column: "Last seen", "Plan started"...
            self.columns["basis_date"].column.verbose_name = measure.basis_label.capitalize()

    def render_child(self, record: dict[str, Any]) -> str:
        return _child_link(record, back=current_path(self))

    def render_rule(self, record: dict[str, Any]) -> str:
        return self.measure.row_rule(record["basis_date"], record["due_date"])
