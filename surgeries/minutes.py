"""A surgery's papers: the agenda to circulate before the meeting and the minutes after it, as
PDF (WeasyPrint) and XLSX (openpyxl), both from `surgeries.agenda.meeting_agenda` (so only the
children of the reader's scope today).

The minutes are what a clerk would circulate: title, date, chair, attendees; counts of every list
by team; each discussed child with the note, barrier and actions; the children not discussed as
counts only (their rows in an appendix on request), so a 40-child agenda stays a few pages.
Every text cell of the XLSX goes through the shared formula-injection guard."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from casework.models import Team, Worker
from common.exports import neutralise
from surgeries import lists as ex
from surgeries.agenda import AgendaChild, MeetingAgenda
from surgeries.models import Action, Surgery


def status_words(row: Any) -> str:
    """A row's status in words, as at the meeting date: "12 working days overdue", "due in 3
    working days" (a due-soon row has a negative count of days overdue), "due today"."""
    days = row.days_overdue
    if days is None:
        return "Overdue" if row.kind == ex.OVERDUE else "Due soon"
    if days > 0:
        return f"{days} working day{'s' if days != 1 else ''} overdue"
    if days == 0:
        return "Due today"
    return f"Due in {-days} working day{'s' if days != -1 else ''}"


def _list_label(row: Any, labels: dict[str, str]) -> str:
    return getattr(row, "list_label", "") or labels.get(row.list_code, row.list_code)


def _action_words(action: Action, labels: dict[str, str], surgery: Surgery) -> dict[str, str]:
    if action.surgery_id == surgery.pk:
        raised = "agreed at this surgery"
    elif action.surgery_id:
        raised = f"from the surgery of {action.surgery.date:%-d %B %Y}" if action.surgery else ""
    else:
        raised = "from the workbench"
    return {
        "description": action.description,
        "list": labels.get(action.list_code, action.list_code),
        "owner": action.owner.name,
        "due": f"{action.due_date:%-d %b %Y}",
        "status": action.get_status_display(),
        "raised": raised,
        "barrier": action.barrier.label if action.barrier else "",
        "outcome": action.outcome_note,
    }


@dataclass
class MeetingDocument:
    """The agenda (before) or minutes (after) of one surgery."""

    surgery: Surgery
    agenda: MeetingAgenda
    attendees: list[Worker]
    teams: list[Team]
    labels: dict[str, str]
    kind: str  # "agenda" or "minutes"
    with_appendix: bool = False  # the rows of the children not discussed

    @property
    def title(self) -> str:
        word = "Minutes" if self.kind == "minutes" else "Agenda"
        return f"{word}: {self.surgery.title}"

    @property
    def chair(self) -> str:
        chair = self.surgery.chair
        return chair.get_full_name() or chair.get_username()

    def children(self) -> list[AgendaChild]:
        """The minutes: the discussed children; the agenda: every child on it."""
        if self.kind == "minutes":
            return [c for c in self.agenda.children if c.discussed]
        return self.agenda.children

    def child_entries(self) -> list[dict[str, Any]]:
        entries = []
        for c in self.children():
            agreed = [a for a in self.agenda.actions if a.child_id == c.child_id]
            others = [a for a in c.open_actions if a.surgery_id != self.surgery.pk]
            entries.append(
                {
                    "position": c.position,
                    "name": c.name,
                    "la_child_id": c.la_child_id,
                    "team": c.team,
                    "worker": c.worker,
                    "rows": [
                        {"list": _list_label(r, self.labels), "status": status_words(r)}
                        for r in c.rows
                    ],
                    "note": c.discussion.note if c.discussion else "",
                    "barrier": c.discussion.barrier.label
                    if c.discussion and c.discussion.barrier
                    else "",
                    "actions": [
                        _action_words(a, self.labels, self.surgery) for a in [*agreed, *others]
                    ],
                }
            )
        return entries

    def appendix(self) -> list[dict[str, str]]:
        discussed = {c.child_id for c in self.agenda.children if c.discussed}
        undiscussed_agenda = [
            r for c in self.agenda.children if c.child_id not in discussed for r in c.rows
        ]
        return [
            {
                "name": r.child.full_name if hasattr(r, "child") else r.child_name,
                "la_child_id": r.child.la_child_id if hasattr(r, "child") else "",
                "list": _list_label(r, self.labels),
                "status": status_words(r),
                "team": r.team.name
                if hasattr(r, "team") and r.team
                else getattr(r, "team_name", ""),
            }
            for r in [*undiscussed_agenda, *self.agenda.not_on_agenda]
        ]

    def context(self) -> dict[str, Any]:
        agenda = self.agenda
        return {
            "doc": self,
            "surgery": self.surgery,
            "title": self.title,
            "chair": self.chair,
            "attendees": self.attendees,
            "teams": self.teams,
            "lists": [self.labels.get(code, code) for code in self.surgery.lists],
            "counts": agenda.counts,
            "on_lists": agenda.on_lists,
            "agenda_size": agenda.size,
            "discussed": agenda.discussed,
            "not_discussed": agenda.size - agenda.discussed,
            "entries": self.child_entries(),
            "appendix": self.appendix() if self.with_appendix else [],
            "with_appendix": self.with_appendix,
            "carried": [
                _action_words(a, self.labels, self.surgery) | {"child": a.child.full_name}
                for a in agenda.carried
            ],
        }

    def pdf(self) -> bytes:
        from weasyprint import HTML

        html = render_to_string("surgeries/minutes_pdf.html", self.context())
        # No base_url: the document loads nothing from outside itself.
        return HTML(string=html).write_pdf()

    def xlsx(self) -> bytes:
        workbook = Workbook()
        bold = Font(bold=True)
        ctx = self.context()

        def sheet(ws, header: list[str], rows: list[list[Any]], widths: list[int]) -> None:
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
            for n, width in enumerate(widths, start=1):
                ws.column_dimensions[get_column_letter(n)].width = width
            ws.freeze_panes = "A2"
            if rows:
                ws.auto_filter.ref = ws.dimensions

        summary = workbook.active
        summary.title = "Surgery"
        sheet(
            summary,
            ["Item", "Value"],
            [
                [self.kind.capitalize(), self.surgery.title],
                ["Date", f"{self.surgery.date:%-d %B %Y}"],
                ["Chair", self.chair],
                ["Teams", ", ".join(t.name for t in self.teams)],
                ["Lists", ", ".join(ctx["lists"])],
                ["Attendees", ", ".join(f"{w.name} ({w.team.name})" for w in self.attendees)],
                ["Children on the lists", ctx["on_lists"]],
                ["Children on the agenda", ctx["agenda_size"]],
                ["Children discussed", ctx["discussed"]],
            ],
            [28, 90],
        )
        sheet(
            workbook.create_sheet("Counts"),
            ["List", "Team", "Overdue", "Due soon", "Discussed"],
            [[c.list_label, c.team, c.overdue, c.due_soon, c.discussed] for c in ctx["counts"]],
            [50, 30, 10, 10, 10],
        )
        child_rows = []
        for e in ctx["entries"]:
            for r in e["rows"]:
                child_rows.append(
                    [
                        e["position"],
                        e["name"],
                        e["la_child_id"],
                        e["team"],
                        e["worker"],
                        r["list"],
                        r["status"],
                        e["note"],
                        e["barrier"],
                    ]
                )
        sheet(
            workbook.create_sheet("Discussed" if self.kind == "minutes" else "Agenda"),
            ["No.", "Child", "LA child ID", "Team", "Worker", "List", "Status", "Note", "Barrier"],
            child_rows,
            [6, 28, 14, 26, 24, 44, 26, 50, 26],
        )
        action_rows = [
            [
                e["name"],
                e["la_child_id"],
                a["list"],
                a["description"],
                a["owner"],
                a["due"],
                a["status"],
                a["raised"],
                a["barrier"],
                a["outcome"],
            ]
            for e in ctx["entries"]
            for a in e["actions"]
        ]
        sheet(
            workbook.create_sheet("Actions"),
            [
                "Child",
                "LA child ID",
                "Reason",
                "Action",
                "Owner",
                "Due date",
                "Status",
                "Raised",
                "Barrier",
                "Outcome",
            ],
            action_rows,
            [28, 14, 40, 50, 24, 12, 12, 30, 26, 40],
        )
        if ctx["with_appendix"]:
            sheet(
                workbook.create_sheet("Not discussed"),
                ["Child", "LA child ID", "List", "Status", "Team"],
                [
                    [a["name"], a["la_child_id"], a["list"], a["status"], a["team"]]
                    for a in ctx["appendix"]
                ],
                [28, 14, 44, 26, 26],
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
