"""What an exception list is: the lists (one per measure with an `exception_list`), the two
kinds of row (overdue, due soon), what a user may ask for (`RowFilter`) and what a row looks like
(`ExceptionRow`, `Counts`).

There is no second definition of any list: a list is `measure.failing(period)` (overdue) or
`measure.due_soon(period, last_due)` (due soon), computed live (`lists.live`) or stored
(`lists.stored`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings

from casework import workingdays
from scorecard.measures.base import Measure
from scorecard.measures.cohorts import Category
from scorecard.measures.registry import all_measures

OVERDUE = "overdue"
DUE_SOON = "due_soon"
KIND_LABELS = {OVERDUE: "Overdue", DUE_SOON: "Due soon"}

# The union's columns, in SELECT order.
COLUMNS = (
    "r_child",
    "r_worker",
    "r_team",
    "r_due",
    "r_basis",
    "r_list",
    "r_kind",
    "r_open_actions",
)
# Sort keys that need a display column inside the union (added only when that sort is asked
# for; otherwise the page's names are read afterwards in a fixed number of queries).
SORT_COLUMNS = {"child": "r_last_name", "worker": "r_worker_name", "team": "r_team_name"}

# Sort keys offered to users, mapped to union columns (ties broken by child then list).
SORTS = {
    "days": "r_days",
    "due": "r_due",
    "child": "r_last_name",
    "list": "r_list",
    "category": "r_category",
    "worker": "r_worker_name",
    "team": "r_team_name",
    "actions": "r_open_actions",
}
DEFAULT_SORT = "-days"


@dataclass
class Counts:
    total: int = 0
    by_list: dict[str, dict[str, int]] = field(default_factory=dict)

    def overdue(self, code: str) -> int:
        return self.by_list.get(code, {}).get(OVERDUE, 0)

    def due_soon(self, code: str) -> int:
        return self.by_list.get(code, {}).get(DUE_SOON, 0)

    def add(self, code: str, kind: str, n: int) -> None:
        """One (list, kind) group's count, as a GROUP BY over the rows returns it."""
        per = self.by_list.setdefault(code, {OVERDUE: 0, DUE_SOON: 0})
        per[kind] = n
        self.total += n


@dataclass(frozen=True)
class ExceptionList:
    code: str
    label: str
    measure: Measure


def surgery_lists() -> list[ExceptionList]:
    """Every registered measure feeding a surgery list, in registry order. Worker-level measures
    (caseloads) have no child to act on, so they are not worked as child lists."""
    return [
        ExceptionList(m.code, m.exception_list, m)
        for m in all_measures()
        if m.exception_list and m.subject != "worker"
    ]


def lists_by_code() -> dict[str, ExceptionList]:
    return {x.code: x for x in surgery_lists()}


@dataclass(frozen=True)
class RowFilter:
    """What the user asked for. Empty values mean "no filter"."""

    lists: tuple[str, ...] = ()
    kind: str = ""  # OVERDUE, DUE_SOON or "" for both
    worker_id: int | None = None
    category: str = ""
    min_days_overdue: int | None = None
    has_open_action: bool | None = None
    due_soon_wd: int = field(default_factory=lambda: settings.TIMESCALES["due_soon_wd"])
    # Only these children (a row redrawn, an action's child, a surgery's agenda).
    child_ids: tuple[int, ...] | None = None
    # Only the children bound when the statement runs (`CompiledUnion.bind`): the same SQL for
    # any children, so refreshing one child's stored rows reuses the compiled union.
    bound_children: bool = False

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of row asked for (both when none is named)."""
        return (self.kind,) if self.kind in (OVERDUE, DUE_SOON) else (OVERDUE, DUE_SOON)

    def as_dict(self) -> dict[str, Any]:
        """For the access audit: the filter, never a name."""
        return {
            "lists": list(self.lists),
            "kind": self.kind,
            "worker_id": self.worker_id,
            "category": self.category,
            "min_days_overdue": self.min_days_overdue,
            "has_open_action": self.has_open_action,
            "due_soon_wd": self.due_soon_wd,
        }


@dataclass
class ExceptionRow:
    """One (child, list) row with its display columns."""

    child_id: int
    worker_id: int | None
    team_id: int | None
    due_date: date | None
    basis_date: date | None
    list_code: str
    kind: str
    days_overdue: int | None
    category: str
    open_actions: int
    child_public_id: Any
    la_child_id: str
    first_name: str
    last_name: str
    worker_name: str
    team_name: str
    list_label: str = ""
    rule: str = ""

    @property
    def child_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def category_label(self) -> str:
        return Category.LABELS.get(self.category, self.category)

    @property
    def due_in(self) -> int | None:
        """Working days until the due date, for a row not yet overdue (days overdue below 0)."""
        if self.days_overdue is None or self.days_overdue >= 0:
            return None
        return -self.days_overdue

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def key(self) -> str:
        """A stable DOM id for the row (no personal data: internal ids only). An event list may
        hold a child both overdue and due soon, so the kind is part of it."""
        return row_key(self.child_id, self.list_code, self.kind)


def row_key(child_id: int, list_code: str, kind: str) -> str:
    """`ExceptionRow.key` for a row that may have left its list."""
    return f"row-{child_id}-{list_code}-{kind}"


def first_day_numbered(as_at: date, min_days: int) -> date:
    """The working day numbered number(D) - N + 1: due dates before it are N or more working
    days overdue."""
    if min_days <= 0:
        return workingdays.add_working_days(as_at, 1 - min_days)
    return workingdays.subtract_working_days(as_at, min_days - 1)


def with_sort_column(columns: Sequence[str], sort: str) -> tuple[str, ...]:
    """The columns plus the one a sort needs inside the union (a name, the category)."""
    key = sort.lstrip("-")
    extra = "r_category" if key == "category" else SORT_COLUMNS.get(key)
    if extra and "r_child" in columns and extra not in columns:
        return (*columns, extra)
    return tuple(columns)
