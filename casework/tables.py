"""Tables of the case record (presentation only: the querysets come annotated from the views)."""

import django_tables2 as tables
from django.template.loader import render_to_string

from casework.models import Child
from casework.templatetags.casework_ui import category_tag, child_link
from common.navigation import current_path


class CaseloadTable(tables.Table):
    """A worker's (or a team's) allocated children at the reporting date."""

    name = tables.Column(
        verbose_name="Name", accessor="last_name", order_by=("last_name", "first_name")
    )
    la_child_id = tables.Column(verbose_name="LA child ID")
    category = tables.Column(verbose_name="Category")
    worker_name = tables.Column(verbose_name="Allocated worker", default="Unallocated")
    allocated_date = tables.DateColumn(verbose_name="Date allocated", format="j M Y", default="—")
    last_seen = tables.DateColumn(verbose_name="Last seen", format="j M Y", default="Not seen")

    class Meta:
        model = Child
        fields = ("name", "la_child_id", "category", "worker_name", "allocated_date", "last_seen")
        order_by = ("name",)
        empty_text = "No children are allocated."
        attrs = {"class": "govuk-table"}

    def render_name(self, record: Child) -> str:
        return child_link(record, back=current_path(self))

    def render_category(self, value: str) -> str:
        return render_to_string("components/tag.html", category_tag(value))
