"""Impact of closed surgeries: how many of the children discussed have since left the exception
lists, and how many of the surgery's actions were done by their due date. Three queries for any
number of surgeries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q

from surgeries import lists as ex
from surgeries.models import Action, AgendaItem, Surgery


@dataclass(frozen=True)
class Impact:
    children: int  # distinct children on the frozen agenda (exception rows, not carried actions)
    left: int  # of those, children no longer failing any list they were on
    actions: int  # actions raised in the surgery
    done: int
    on_time: int  # done on or before their due date


def surgery_impacts(surgeries: Sequence[Surgery], *, as_at: date) -> dict[int, Impact]:
    closed = [s.pk for s in surgeries if s.is_closed]
    if not closed:
        return {}
    pairs_by_surgery: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    items = (
        AgendaItem.objects.filter(surgery_id__in=closed)
        .exclude(kind=AgendaItem.Kind.CARRIED)
        .values_list("surgery_id", "child_id", "list_code")
    )
    child_ids: set[int] = set()
    for surgery_id, child_id, code in items:
        pairs_by_surgery[surgery_id][child_id].add(code)
        child_ids.add(child_id)
    still_failing = ex.failing_pairs(as_at=as_at, child_ids=child_ids)
    stats = {
        row["surgery_id"]: row
        for row in Action.objects.filter(surgery_id__in=closed)
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
    for surgery_id in closed:
        children = pairs_by_surgery.get(surgery_id, {})
        left = sum(
            1
            for child_id, codes in children.items()
            if not any((child_id, code) in still_failing for code in codes)
        )
        s: dict[str, Any] = dict(stats.get(surgery_id) or {})
        impacts[surgery_id] = Impact(
            children=len(children),
            left=left,
            actions=s.get("total", 0),
            done=s.get("done", 0),
            on_time=s.get("on_time", 0),
        )
    return impacts
