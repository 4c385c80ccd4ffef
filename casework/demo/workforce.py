"""Teams, workers and allocations.

Workers join and leave quarter by quarter so each pool's case-holding headcount at every quarter
end is its target. Allocations are then simulated in date order: a child needing a worker goes
first to a worker designated "full" for that quarter (over 20, over 25, or a part-timer at a
full-time-equivalent 20) until they reach their cap, otherwise to the least-loaded of a few
colleagues relative to their cap. A leaver's children are reallocated on the day they leave.
So the caseload counts at quarter ends come out by construction, and churn produces changes of
worker as it does in a real council."""

from __future__ import annotations

import bisect
import heapq
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.calendar import add_months
from casework.demo import params as P
from casework.demo.journeys import CIC, CL, CP, Journey
from casework.demo.timeline import (
    Schedule,
    add_wd,
    known,
    month_end,
    next_working_day,
    quarter_ends,
    quarter_of,
    rand_day,
    wd_between,
)

CASE_HOLDING = ("social_worker", "asye", "senior_practitioner", "personal_adviser")
POOLS = ("assessment", "safeguarding", "cic", "disabled", "leaving")
SERVICE_AREAS = {
    "front_door": "Front door",
    "assessment": "Assessment",
    "safeguarding": "Safeguarding",
    "cic": "Children in care",
    "leaving": "Care leavers",
    "disabled": "Disabled children",
}
TEAM_KIND = {
    "front_door": "front_door",
    "assessment": "assessment",
    "safeguarding": "safeguarding",
    "cic": "children_in_care",
    "leaving": "care_leavers",
    "disabled": "disabled_children",
}
TEAM_NAMES = {
    "front_door": ["MASH"],
    "assessment": ["Assessment North", "Assessment South", "Assessment East", "Assessment West"],
    "safeguarding": [
        "Safeguarding North",
        "Safeguarding South",
        "Safeguarding East",
        "Safeguarding West",
        "Safeguarding Central",
        "Safeguarding Vale",
    ],
    "cic": ["Children in Care North", "Children in Care South", "Children in Care East"],
    "leaving": ["Care Leavers North", "Care Leavers South"],
    "disabled": ["Disabled Children"],
}


@dataclass(eq=False)
class TeamSpec:
    index: int
    name: str
    pool: str
    area: str
    kind: str


@dataclass(eq=False)
class Staff:
    index: int
    team: TeamSpec
    role: str
    fte: float
    agency: bool
    start: date
    end: date | None = None
    caps: dict[date, int] = field(default_factory=dict)  # quarter end -> fill-first cap
    load: int = 0
    # Insertion-ordered (a dict, not a set) so reallocations run in the same order every time.
    held: dict = field(default_factory=dict)
    momo: tuple[date, date | None] | None = None
    user: str = ""

    def active(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)

    def base_cap(self, day: date) -> int:
        if self.role == "personal_adviser":
            return 22
        if self.role == "asye" and (day - self.start).days < 365:
            return 7
        return max(3, round(18 * self.fte))


@dataclass(eq=False)
class Piece:
    child: int
    worker: Staff
    start: date
    end: date | None
    reason: str


def build_teams(unit: int, factor: float, suffix: str) -> list[TeamSpec]:
    teams: list[TeamSpec] = []
    for pool, names in TEAM_NAMES.items():
        n = max(1, round(len(names) * min(1.0, factor * 1.5))) if factor < 1 else len(names)
        for name in names[:n]:
            teams.append(
                TeamSpec(len(teams), name + suffix, pool, SERVICE_AREAS[pool], TEAM_KIND[pool])
            )
    return teams


def build_workers(
    teams: list[TeamSpec], as_at: date, factor: float, rng: random.Random
) -> list[Staff]:
    staff: list[Staff] = []
    quarters = quarter_ends(P.HISTORY_START, as_at)

    def hire(pool: str, start: date, role: str | None = None) -> Staff:
        team = rng.choice([t for t in teams if t.pool == pool])
        agency = rng.random() < P.AGENCY_SHARE
        if pool == "leaving":
            role = "personal_adviser"
        elif role is None:
            roll = rng.random()
            role = (
                "senior_practitioner" if roll < 0.12 else "asye" if roll < 0.3 else "social_worker"
            )
            if agency and role == "asye":
                role = "social_worker"
        fte = 1.0
        if pool != "leaving" and role != "asye" and rng.random() < P.PART_TIME_SHARE:
            fte = rng.choice((0.5, 0.6, 0.7, 0.8))
        worker = Staff(len(staff), team, role, fte, agency, start)
        staff.append(worker)
        return worker

    for pool in POOLS:
        target = Schedule(P.HEADCOUNT[pool])
        current = [
            hire(pool, quarters[0] - timedelta(days=rng.randint(30, 3000)))
            for _ in range(max(1, round(target(quarters[0]) * factor)))
        ]
        for prev, q in zip(quarters, quarters[1:], strict=False):
            want = max(1, round(target(q) * factor))
            leaving = [
                w
                for w in current
                if rng.random() < (P.CHURN_AGENCY if w.agency else P.CHURN_PERMANENT)
            ]
            stay = len(current) - len(leaving)
            if stay > want:
                extra = [w for w in current if w not in leaving]
                leaving += rng.sample(extra, stay - want)
            for w in leaving:
                w.end = rand_day(rng, prev + timedelta(days=1), q)
            current = [w for w in current if w.end is None]
            asye = 0
            while len(current) < want:
                if (
                    q == as_at
                    and asye < round(P.ASYE_INTAKE_2018 * factor)
                    and pool
                    in (
                        "assessment",
                        "safeguarding",
                    )
                ):
                    # The new ASYE intake starts together early in the last quarter.
                    intake = next_working_day(q.replace(day=3))
                    w = hire(pool, intake, "asye")
                    asye += 1
                else:
                    w = hire(pool, rand_day(rng, prev + timedelta(days=1), q - timedelta(days=20)))
                current.append(w)
    # Team managers and heads of service hold no cases; the front door screens contacts.
    for team in teams:
        manager = Staff(
            len(staff),
            team,
            "team_manager",
            1.0,
            False,
            date(2011, 1, 1) + timedelta(days=rng.randint(0, 1500)),
        )
        staff.append(manager)
        if team.pool == "front_door":
            for _ in range(max(1, round(10 * factor))):
                staff.append(
                    Staff(
                        len(staff),
                        team,
                        "social_worker",
                        1.0,
                        False,
                        date(2012, 1, 1) + timedelta(days=rng.randint(0, 2000)),
                    )
                )
    areas_done = set()
    for team in teams:
        if team.area not in areas_done:
            areas_done.add(team.area)
            staff.append(
                Staff(
                    len(staff),
                    team,
                    "head_of_service",
                    1.0,
                    False,
                    date(2010, 6, 1) + timedelta(days=rng.randint(0, 900)),
                )
            )
    _designate(staff, as_at, factor, rng)
    return staff


def _designate(staff: list[Staff], as_at: date, factor: float, rng: random.Random) -> None:
    """Mark, per quarter, who is filled above 20 (or 25) children and which part-timers are at a
    full-time-equivalent 20 (calibration targets sw_over_20, sw_over_25, part_time_fte_over_20)."""
    quarters = quarter_ends(P.HISTORY_START, as_at)
    previous: set[int] = set()
    for prev, q in zip(quarters, quarters[1:], strict=False):
        plan = P.OVER_20.get(q, P.OVER_20_EARLIER)
        chosen: set[int] = set()
        for pool in POOLS:
            eligible = [
                w
                for w in staff
                if w.team.pool == pool
                and w.role in ("social_worker", "senior_practitioner")
                and w.start <= prev - timedelta(days=45)
                and (w.end is None or w.end > q)
            ]
            full_time = [w for w in eligible if w.fte == 1.0]
            # Keep last quarter's choices where possible: caseloads change slowly.
            full_time.sort(key=lambda w: (w.index not in previous, rng.random()))
            over20, over25 = plan.get(pool, (0, 0))
            over20, over25 = round(over20 * factor), round(over25 * factor)
            for i, w in enumerate(full_time[:over20]):
                w.caps[q] = 28 if i < over25 else 23
                chosen.add(w.index)
            part_time = [w for w in eligible if w.fte < 1.0]
            part_time.sort(key=lambda w: (w.index not in previous, rng.random()))
            for w in part_time[: round(P.PART_TIME_FULL.get(pool, 0) * factor)]:
                w.caps[q] = math.ceil(20 * w.fte) + 1
                chosen.add(w.index)
        previous = chosen


# --- allocation ----------------------------------------------------------------------------------


@dataclass(eq=False)
class Segment:
    child: int
    pool: str
    start: date
    end: date | None
    reason: str
    changes: list[date] = field(default_factory=list)
    previous: Segment | None = None
    piece: Piece | None = None


def build_segments(
    journeys: list[Journey], as_at: date, factor: float, rng: random.Random
) -> list[Segment]:
    """The allocation each journey needs: pool and dates, with planned changes of worker. Also
    fixes which children open at D are unallocated or were allocated late (calibration targets
    allocated_pct, allocated_timely_pct)."""
    open_now = [j for j in journeys if j.end is None and j.kind != CL]
    recent = [j for j in open_now if j.sub == "assess_in_time"]
    in_window = [j for j in recent if wd_between(known(j.ref), as_at) <= 4]
    waiting = [j for j in recent if 6 <= wd_between(known(j.ref), as_at) <= 25]
    unallocated = set(
        map(
            id,
            rng.sample(in_window, min(len(in_window), round(P.D_UNALLOCATED_IN_WINDOW * factor))),
        )
    )
    unallocated |= set(
        map(id, rng.sample(waiting, min(len(waiting), round(P.D_UNALLOCATED_LATE * factor))))
    )
    others = [
        j for j in open_now if id(j) not in unallocated and wd_between(known(j.ref), as_at) > 20
    ]
    late = set(map(id, rng.sample(others, min(len(others), round(P.D_ALLOCATED_LATE * factor)))))
    segments: list[Segment] = []
    for j in journeys:
        if id(j) in unallocated:
            continue
        if j.kind == CL:
            first = j.start
        else:
            if id(j) in late:
                delay = rng.randint(7, 15)
            elif j.end is not None and rng.random() < 0.015:
                delay = rng.randint(6, 12)
            else:
                delay = rng.choice((0, 0, 1, 1, 2, 3))
            first = add_wd(known(j.ref), delay)
            if j.end is None:
                first = min(first, as_at)
        end = j.end
        if end is not None and first >= end:
            earlier = j.ref if j.ref and j.ref < end else (j.start if j.start < end else None)
            if earlier is None:
                continue
            first = earlier
        if j.kind == CL:
            parts = [("leaving", first, end)]
        elif j.kind == CIC:
            parts = [("cic", first, end)]
        elif j.disabled or j.sub == "short_breaks":
            parts = [("disabled", first, end)]
        elif j.kind == CP:
            switch = max(first + timedelta(days=1), j.start)
            parts = [("assessment", first, switch), ("safeguarding", switch, end)]
        elif j.plans:
            switch = max(first + timedelta(days=1), j.plans[0][0])
            parts = [("assessment", first, switch), ("safeguarding", switch, end)]
        else:
            parts = [("assessment", first, end)]
        previous = None
        for pool, s, e in parts:
            if e is not None and s >= e:
                continue
            seg = Segment(
                j.child, pool, s, e, "Transfer" if previous else "Allocated", previous=previous
            )
            last = min(e or as_at, as_at)
            day = s
            while True:
                day = day + timedelta(days=int(rng.expovariate(P.CHANGE_RATE_PER_MONTH / 30.4)) + 5)
                if day >= last - timedelta(days=2):
                    break
                seg.changes.append(day)
            segments.append(seg)
            previous = seg
    return segments


class Allocator:
    """Picks a worker for a child. Per pool it keeps the active workers split into this quarter's
    fill-first workers and the rest, so a pick costs a handful of comparisons."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.active: dict[str, list[Staff]] = {p: [] for p in POOLS}
        self.full: dict[str, list[Staff]] = {p: [] for p in POOLS}
        self.normal: dict[str, list[Staff]] = {p: [] for p in POOLS}
        self.quarter: date | None = None

    def _split(self, pool: str) -> None:
        q = self.quarter
        self.full[pool] = [w for w in self.active[pool] if q in w.caps]
        self.normal[pool] = [w for w in self.active[pool] if q not in w.caps]

    def join(self, w: Staff) -> None:
        self.active[w.team.pool].append(w)
        self._split(w.team.pool)

    def leave(self, w: Staff) -> None:
        if w in self.active[w.team.pool]:
            self.active[w.team.pool].remove(w)
        self._split(w.team.pool)

    def choose(self, pool: str, day: date, exclude: Staff | None) -> Staff | None:
        q = quarter_of(day)
        if q != self.quarter:
            self.quarter = q
            for name in POOLS:
                self._split(name)
        best, gap = None, 0
        for w in self.full[pool]:
            room = w.caps[q] - w.load
            if room > gap and w is not exclude:
                best, gap = w, room
        if best is not None:
            return best
        normal = self.normal[pool] or self.active[pool]
        if not normal or (len(normal) == 1 and normal[0] is exclude):
            return None
        pick = None
        for _ in range(6):
            w = normal[self.rng.randrange(len(normal))]
            if w is exclude:
                continue
            if pick is None or (w.load + 1) / w.base_cap(day) < (pick.load + 1) / pick.base_cap(
                day
            ):
                pick = w
        return pick


def allocate(
    segments: list[Segment], staff: list[Staff], as_at: date, rng: random.Random
) -> list[Piece]:
    """Simulate allocations in date order; returns the pieces (one per Involvement row)."""
    alloc = Allocator(rng)
    pieces: list[Piece] = []
    events: list[tuple] = []
    seq = 0

    def push(day: date, order: int, kind: str, obj) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (day, order, seq, kind, obj))

    for w in staff:
        if w.team.pool in POOLS and w.role in CASE_HOLDING:
            push(w.start, 2, "join", w)
            if w.end is not None:
                push(w.end, 1, "leave", w)
    for seg in segments:
        push(seg.start, 3, "start", seg)
        for day in seg.changes:
            push(day, 3, "change", seg)
        if seg.end is not None:
            push(seg.end, 0, "end", seg)

    def open_piece(seg: Segment, day: date, reason: str, exclude: Staff | None) -> None:
        w = alloc.choose(seg.pool, day, exclude) or alloc.choose(seg.pool, day, None)
        if w is None:
            seg.piece = None
            return
        piece = Piece(seg.child, w, day, None, reason)
        pieces.append(piece)
        seg.piece = piece
        w.load += 1
        w.held[seg] = None

    def close_piece(seg: Segment, day: date) -> Staff | None:
        piece = seg.piece
        if piece is None:
            return None
        piece.end = day
        piece.worker.load -= 1
        piece.worker.held.pop(seg, None)
        seg.piece = None
        return piece.worker

    while events:
        day, _, _, kind, obj = heapq.heappop(events)
        if day > as_at and kind != "end":
            continue
        if kind == "join":
            alloc.join(obj)
        elif kind == "leave":
            alloc.leave(obj)
            for seg in list(obj.held):
                close_piece(seg, day)
                open_piece(seg, day, "Worker left", obj)
        elif kind == "start":
            before = obj.previous.piece.worker if obj.previous and obj.previous.piece else None
            if obj.previous is not None and obj.previous.piece is not None:
                close_piece(obj.previous, day)
            open_piece(obj, day, obj.reason, before)
        elif kind == "change":
            if obj.piece is None:
                continue
            was = close_piece(obj, day)
            open_piece(
                obj,
                day,
                rng.choice(("Caseload balancing", "Change of team", "Worker on long-term leave")),
                was,
            )
        elif kind == "end" and day <= as_at:
            close_piece(obj, day)
    return [p for p in pieces if p.end is None or p.end > p.start]


def changes_in_window(pieces: list[Piece], as_at: date) -> dict[int, int]:
    """Changes of worker per child in the 6 months to D (an allocation starting the day the
    previous one, with a different worker, ended)."""
    since = add_months(as_at, -6)
    by_child: dict[int, list[Piece]] = {}
    for p in pieces:
        by_child.setdefault(p.child, []).append(p)
    counts: dict[int, int] = {}
    for child, items in by_child.items():
        items.sort(key=lambda p: p.start)
        n = 0
        for a, b in zip(items, items[1:], strict=False):
            if since < b.start <= as_at and a.end == b.start and a.worker is not b.worker:
                n += 1
        counts[child] = n
    return counts


def top_up_changes(
    pieces: list[Piece],
    staff: list[Staff],
    open_children: set[int],
    as_at: date,
    factor: float,
    rng: random.Random,
) -> list[Piece]:
    """Bring the children open at D with 3+ changes of worker in 6 months to the target
    (calibration target sw_changes_3plus) by adding short spells of cover by a colleague in the
    same team. Cover never spans a month end, so no month-end caseload moves."""
    target = round(P.SW_CHANGES_3PLUS * factor)
    counts = changes_in_window(pieces, as_at)
    have = sum(1 for c in open_children if counts.get(c, 0) >= 3)
    if have >= target:
        return pieces
    since = add_months(as_at, -6)
    by_child: dict[int, list[Piece]] = {}
    for p in pieces:
        by_child.setdefault(p.child, []).append(p)
    by_team: dict[int, list[Staff]] = {}
    for w in staff:
        if w.role in ("social_worker", "senior_practitioner", "asye", "personal_adviser"):
            by_team.setdefault(w.team.index, []).append(w)
    candidates = sorted(
        (c for c in open_children if counts.get(c, 0) < 3 and c in by_child),
        key=lambda c: (-counts.get(c, 0), rng.random()),
    )
    added: list[Piece] = []
    for child in candidates:
        if have >= target:
            break
        pairs = 1 if counts.get(child, 0) >= 1 else 2
        done = 0
        for _ in range(12):
            if done == pairs:
                break
            spans = [
                p for p in by_child[child] if (p.end is None or p.end > since + timedelta(days=20))
            ]
            if not spans:
                break
            p = rng.choice(spans)
            lo = max(p.start, since) + timedelta(days=1)
            hi = min(p.end or as_at, as_at) - timedelta(days=12)
            if hi <= lo:
                continue
            t1 = rand_day(rng, lo, hi)
            t2 = t1 + timedelta(days=rng.randint(3, 9))
            if t2 >= month_end(t1) or t2 >= as_at:
                continue
            team = [
                w
                for w in by_team.get(p.worker.team.index, [])
                if w is not p.worker and w.active(t1) and w.active(t2)
            ]
            if not team:
                continue
            cover = rng.choice(team)
            tail = Piece(child, p.worker, t2, p.end, "Returned from cover")
            mid = Piece(child, cover, t1, t2, "Temporary cover")
            p.end = t1
            by_child[child] += [mid, tail]
            added += [mid, tail]
            done += 1
        if done == pairs:
            have += 1
    return pieces + added


def worker_lookup(pieces: list[Piece]) -> dict[int, tuple[list[date], list[Piece]]]:
    by_child: dict[int, list[Piece]] = {}
    for p in pieces:
        by_child.setdefault(p.child, []).append(p)
    out = {}
    for child, items in by_child.items():
        items.sort(key=lambda p: p.start)
        out[child] = ([p.start for p in items], items)
    return out


def worker_at(lookup: dict, child: int, day: date) -> Staff | None:
    entry = lookup.get(child)
    if not entry:
        return None
    starts, items = entry
    i = bisect.bisect_right(starts, day) - 1
    if i < 0:
        return None
    p = items[i]
    return p.worker if p.end is None or p.end > day else p.worker
