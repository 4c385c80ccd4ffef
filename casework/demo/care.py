"""Children in care: placement moves, legal status and placement area, adjusted quarter by quarter
so each quarter end's count is its target. Each adjustment only touches dates after the previous
quarter end, so earlier quarters keep the counts they were given."""

from __future__ import annotations

import random
from datetime import date, timedelta

from casework.calendar import add_months
from casework.demo import params as P
from casework.demo.journeys import CIC, Journey, Placement
from casework.demo.timeline import Schedule, quarter_ends, rand_day


def _moves_in_year(j: Journey, as_at: date) -> int:
    since = add_months(as_at, -12)
    return sum(1 for p in j.period.placements[1:] if since < p.start <= as_at)


def fix_moves(journeys: list[Journey], as_at: date, factor: float, rng: random.Random) -> None:
    """Exactly the target number of children in care at D with 3+ moves in the last 12 months
    (calibration target cic_3plus_placements)."""
    placed = [j for j in journeys if j.kind == CIC and j.end is None]
    target = round(P.D_CIC_3PLUS_MOVES * factor)
    since = add_months(as_at, -12)
    many = [j for j in placed if _moves_in_year(j, as_at) >= 3]
    if len(many) > target:
        for j in rng.sample(many, len(many) - target):
            while _moves_in_year(j, as_at) > 2:
                recent = [p for p in j.period.placements[1:] if since < p.start <= as_at]
                j.period.placements.remove(recent[-1])
    else:
        few = sorted(
            (j for j in placed if _moves_in_year(j, as_at) < 3),
            key=lambda j: (-_moves_in_year(j, as_at), rng.random()),
        )
        for j in few[: target - len(many)]:
            lo = max(since, j.period.start) + timedelta(days=1)
            if (as_at - lo).days < 10:
                continue
            while _moves_in_year(j, as_at) < 3:
                day = rand_day(rng, lo, as_at)
                if all(p.start != day for p in j.period.placements):
                    j.period.placements.append(Placement(day, rng.choice(("U4", "U6", "K2", "R1"))))
                    j.period.placements.sort(key=lambda p: p.start)


def fix_legal_status(
    journeys: list[Journey], as_at: date, factor: float, rng: random.Random
) -> None:
    """Children accommodated under section 20 (V2) at each quarter end (calibration target
    cic_s20, falling over 2018)."""
    target = Schedule(P.S20)
    care = [j for j in journeys if j.kind == CIC]
    prev = P.CONTROLLED_FROM - timedelta(days=92)
    for q in quarter_ends(P.CONTROLLED_FROM, as_at):
        cohort = [j for j in care if j.period.open_at(q)]
        v2 = [j for j in cohort if j.period.status_at(q) == "V2"]
        want = round(target(q) * factor)
        if len(v2) > want:
            for j in rng.sample(v2, len(v2) - want):
                floor = max([prev, j.period.start] + [d for d, _ in j.period.statuses if d <= q])
                when = rand_day(rng, floor + timedelta(days=1), q)
                if when <= floor:
                    continue
                # An interim care order replaces section 20 accommodation.
                kept = [s for s in j.period.statuses if s[0] < when]
                later = [s for s in j.period.statuses if s[0] > when and s[1] not in ("V2", "C1")]
                j.period.statuses = kept + [(when, "C1")] + later
        elif len(v2) < want:
            fresh = [
                j
                for j in cohort
                if j.period.start > prev
                and j.period.status_at(q) != "V2"
                and j.period.statuses[0][1] != "V2"
            ]
            for j in rng.sample(fresh, min(len(fresh), want - len(v2))):
                j.period.statuses[0] = (j.period.start, "V2")
                j.period.statuses = [j.period.statuses[0]] + [
                    s for s in j.period.statuses[1:] if s[0] > q or s[1] != j.period.status_at(q)
                ]
        prev = q


def fix_area(journeys: list[Journey], as_at: date, factor: float, rng: random.Random) -> None:
    """Placements outside the council's area at each quarter end (calibration target
    cic_out_of_county). A placement keeps the area it was given at an earlier quarter end."""
    target = Schedule(P.OUT_OF_COUNTY)
    care = [j for j in journeys if j.kind == CIC]
    for q in quarter_ends(P.CONTROLLED_FROM, as_at):
        current = [j.period.placement_at(q) for j in care if j.period.open_at(q)]
        fixed_out = sum(1 for p in current if p.out_of_area is True)
        free = [p for p in current if p.out_of_area is None]
        need = max(0, min(len(free), round(target(q) * factor) - fixed_out))
        chosen = set(map(id, rng.sample(free, need)))
        for p in free:
            p.out_of_area = id(p) in chosen
    for j in care:
        for p in j.period.placements:
            if p.out_of_area is None:
                p.out_of_area = rng.random() < 0.15
