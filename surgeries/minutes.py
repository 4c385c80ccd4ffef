"""Minutes of a closed surgery, from its frozen agenda: PDF (WeasyPrint) and XLSX (openpyxl).
Every text cell goes through the shared formula-injection guard."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font

from scorecard.exports import neutralise
from surgeries.models import Action, AgendaItem, Surgery

AGENDA_HEADER = [
    "Child",
    "LA child ID",
    "List",
    "Status",
    "Worker",
    "Team",
    "Due date",
    "Working days overdue",
    "Rule",
    "Discussion",
    "Barrier",
]
ACTION_HEADER = ["Child", "Reason", "Action", "Owner", "Due date", "Status", "Barrier", "Outcome"]


def agenda_values(item: AgendaItem) -> list[Any]:
    return [
        item.child.full_name,
        item.child.la_child_id,
        item.list_label,
        item.get_kind_display(),
        item.worker.name if item.worker else "Unallocated",
        item.team.name if item.team else "",
        item.due_date,
        item.days_overdue,
        item.rule,
        item.note,
        item.barrier.label if item.barrier else "",
    ]


def action_values(action: Action, labels: dict[str, str]) -> list[Any]:
    return [
        action.child.full_name,
        labels.get(action.list_code, action.list_code),
        action.description,
        action.owner.name,
        action.due_date,
        action.get_status_display(),
        action.barrier.label if action.barrier else "",
        action.outcome_note,
    ]


def minutes_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("surgeries/minutes_pdf.html", context)
    # No base_url: the minutes load nothing from outside the document.
    return HTML(string=html).write_pdf()


def minutes_xlsx(
    surgery: Surgery, items: list[AgendaItem], actions: list[Action], labels: dict[str, str]
) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)

    def sheet(ws, header: list[str], rows: list[list[Any]]) -> None:
        ws.append([neutralise(h) for h in header])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([neutralise(v) for v in row])
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if isinstance(cell.value, str):
                    # openpyxl reads text starting "=" as a formula: force a plain string.
                    cell.data_type = "s"
                elif hasattr(cell.value, "isoformat"):
                    cell.number_format = "dd/mm/yyyy"

    summary = workbook.active
    summary.title = "Surgery"
    sheet(
        summary,
        ["Surgery", "Date", "Chair", "Closed"],
        [
            [
                surgery.title,
                surgery.date,
                surgery.chair.get_full_name() or surgery.chair.get_username(),
                surgery.closed_at.replace(tzinfo=None) if surgery.closed_at else "",
            ]
        ],
    )
    sheet(workbook.create_sheet("Agenda"), AGENDA_HEADER, [agenda_values(i) for i in items])
    sheet(
        workbook.create_sheet("Actions"),
        ACTION_HEADER,
        [action_values(a, labels) for a in actions],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
