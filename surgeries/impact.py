"""Impact of closed surgeries, from their frozen lists as at the meeting date compared with the
lists as at `as_at` (the app's current date):

- of the surgery's overdue children, how many have left their lists since, and why: a child
  leaves when none of the lists they were overdue on holds them overdue any more (a child still
  on its list never counts as having left, whatever else changed). Why: "case closed" when the
  child is no longer open to social care, otherwise what the list needed (a visit: "seen", a plan
  or pathway plan: "plan made", an assessment, conference, review or health or dental check:
  "check done"; anything else: "other");
- of its due-soon children (due soon, not already overdue on the same list), how many have become
  overdue on that list since;
- of the actions raised at it, how many were done by their due date.

Four queries for any number of surgeries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q

from casework.cohorts import open_q
from casework.models import Child
from surgeries import lists as ex
from surgeries.models import Action, AgendaItem, Surgery

SEEN, PLAN, CHECK, CLOSED, OTHER = "seen", "plan made", "check done", "case closed", "other"
REASONS = (SEEN, PLAN, CHECK, CLOSED, OTHER)
# What leaving each list takes (the list's own rule: surgeries.lists / the measures).
REASON_BY_LIST = {
    "referral_not_seen": SEEN,
    "cin_seen_pct": SEEN,
    "cp_seen_10wd_pct": SEEN,
    "cin_no_plan_overdue": PLAN,
    "cin_plan_le_1y_pct": PLAN,
    "pathway_plan_in_place_pct": PLAN,
    "pathway_plan_current_pct": PLAN,
    "open_assessment_in_time_pct": CHECK,
    "cic_assessment_gt_12m": CHECK,
    "icpc_overdue": CHECK,
    "rcpc_overdue": CHECK,
    "cic_health_check_pct": CHECK,
    "cic_dental_check_pct": CHECK,
}


@dataclass(frozen=True)
class Impact:
    overdue: int  # distinct children overdue on the frozen lists
    left: int  # of those, children no longer overdue on any list they were overdue on
    due_soon: int  # distinct children due soon (and not overdue on that list) at the meeting
    became_overdue: int  # of those, children now overdue on a list they were due soon on
    actions: int  # actions raised in the surgery
    done: int
    on_time: int  # done on or before their due date
    reasons: tuple[tuple[str, int], ...] = field(default=())  # why the children left

    @property
    def children(self) -> int:
        return self.overdue


def _reason(child_id: int, codes: set[str], closed: set[int]) -> str:
    if child_id in closed:
        return CLOSED
    found = {REASON_BY_LIST.get(code, OTHER) for code in codes}
    for reason in (SEEN, PLAN, CHECK):
        if reason in found:
            return reason
    return OTHER


def surgery_impacts(surgeries: Sequence[Surgery], *, as_at: date) -> dict[int, Impact]:
    closed_ids = [s.pk for s in surgeries if s.is_closed]
    if not closed_ids:
        return {}
    overdue: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    due_soon: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    items = (
        AgendaItem.objects.filter(surgery_id__in=closed_ids)
        .exclude(kind=AgendaItem.Kind.CARRIED)
        .values_list("surgery_id", "child_id", "list_code", "kind")
    )
    child_ids: set[int] = set()
    codes: set[str] = set()
    for surgery_id, child_id, code, kind in items:
        target = overdue if kind == AgendaItem.Kind.OVERDUE else due_soon
        target[surgery_id][child_id].add(code)
        child_ids.add(child_id)
        codes.add(code)
    # Only the (child, list) pairs of the frozen rows are asked about below.
    still_failing = ex.failing_pairs(as_at=as_at, child_ids=child_ids, lists=codes)
    leavers = {
        child_id
        for surgery_id in closed_ids
        for child_id, codes in overdue[surgery_id].items()
        if not any((child_id, code) in still_failing for code in codes)
    }
    still_open = (
        set(
            Child.objects.filter(open_q(as_at), pk__in=sorted(leavers)).values_list("pk", flat=True)
        )
        if leavers
        else set()
    )
    case_closed = leavers - still_open
    stats: dict[int, Any] = {
        row["surgery_id"]: row
        for row in Action.objects.filter(surgery_id__in=closed_ids)
        .order_by()
        .values("surgery_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Action.Status.DONE)),
            on_time=Count(
                "pk", filter=Q(status=Action.Status.DONE, completed_on__lte=F("due_date"))
            ),
        )
    }
    impacts = {}
    for surgery_id in closed_ids:
        late = overdue[surgery_id]
        left = [c for c in late if c in leavers]
        reasons = Counter(_reason(c, late[c], case_closed) for c in left)
        soon = {
            child_id: codes - late.get(child_id, set())
            for child_id, codes in due_soon[surgery_id].items()
        }
        soon = {c: codes for c, codes in soon.items() if codes}
        became = sum(
            1 for c, codes in soon.items() if any((c, code) in still_failing for code in codes)
        )
        s = stats.get(surgery_id) or {}
        impacts[surgery_id] = Impact(
            overdue=len(late),
            left=len(left),
            due_soon=len(soon),
            became_overdue=became,
            actions=s.get("total", 0),
            done=s.get("done", 0),
            on_time=s.get("on_time", 0),
            reasons=tuple((r, reasons[r]) for r in REASONS if reasons[r]),
        )
    return impacts
