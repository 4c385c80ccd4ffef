"""Dated checks (health assessments, dental checks, reassessments of children in care) placed so
that at each controlled date exactly the target number of the cohort is out of date.

At each date, in order: children whose latest check has lapsed are the first candidates to stay
lapsed; the rest get a check inside the window. When more must be lapsed than have lapsed, a
check placed earlier by this module is moved back, if every earlier date it served stays in
date. Seeds (checks from elsewhere, e.g. assessments of the journey) are never moved.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.calendar import add_months
from casework.demo.timeline import rand_day

# Keep every check at least this far from a window edge, so "within 12 months" reads the same
# whether a measure counts the anniversary day in or out.
MARGIN = timedelta(days=8)


@dataclass
class _State:
    dates: list[date] = field(default_factory=list)  # sorted: seeds and placed
    placed: set[date] = field(default_factory=set)
    lower: dict[date, date] = field(default_factory=dict)  # placed check -> must stay after
    last_late: date | None = None


@dataclass(frozen=True)
class Member:
    key: int  # the child
    floor: date  # no check before this (e.g. entering care)
    must_be_ok: bool = False  # e.g. a new entrant: never counted late


def place_checks(
    *,
    dates: list[date],
    cohort: Callable[[date], list[Member]],
    late_count: Callable[[date, int], int],
    window_months: Callable[[int, date], int],
    seeds: dict[int, list[date]],
    rng: random.Random,
) -> dict[int, list[date]]:
    """Returns the placed checks per child (seeds excluded)."""
    states: dict[int, _State] = {}

    def state(key: int) -> _State:
        if key not in states:
            states[key] = _State(dates=sorted(seeds.get(key, [])))
        return states[key]

    def latest(s: _State, day: date) -> date | None:
        i = bisect.bisect_right(s.dates, day)
        return s.dates[i - 1] if i else None

    def add(s: _State, day: date, lower: date) -> None:
        bisect.insort(s.dates, day)
        s.placed.add(day)
        s.lower[day] = lower

    for q in dates:
        members = cohort(q)
        want_late = late_count(q, len(members))
        lapsed, ambiguous, current = [], [], []
        for m in members:
            s = state(m.key)
            limit = add_months(q, -window_months(m.key, q))
            last = latest(s, q)
            if last is not None and last > limit + MARGIN:
                current.append((m, s, limit, last))
            elif m.must_be_ok:
                ambiguous.append((m, s, limit, last))
            elif last is None or last <= limit - MARGIN:
                lapsed.append((m, s, limit, last))
            else:
                ambiguous.append((m, s, limit, last))
        rng.shuffle(lapsed)
        late = lapsed[:want_late]
        make_ok = lapsed[want_late:] + ambiguous
        if len(late) < want_late:
            movable = []
            for item in current:
                m, s, limit, last = item
                if m.must_be_ok or last not in s.placed or last > q:
                    continue
                lo = max(s.lower[last], m.floor, s.last_late or m.floor) + timedelta(days=1)
                hi = limit - MARGIN
                others = [d for d in s.dates if d != last and d <= q]
                if lo <= hi and (not others or others[-1] <= hi):
                    movable.append((item, lo, hi))
            rng.shuffle(movable)
            moved = set()
            for (m, s, limit, last), lo, hi in movable[: want_late - len(late)]:
                s.dates.remove(last)
                s.placed.discard(last)
                lower = s.lower.pop(last)
                day = rand_day(rng, lo, hi)
                if day in s.dates:
                    day = lo
                add(s, day, lower)
                late.append((m, s, limit, day))
                moved.add(m.key)
            current = [c for c in current if c[0].key not in moved]
        for _m, s, _limit, _last in late:
            s.last_late = q
        for _m, s, limit, last in current:
            if last in s.placed:
                s.lower[last] = max(s.lower[last], limit + MARGIN)
        for m, s, limit, _last in make_ok:
            lo = max(limit + MARGIN + timedelta(days=1), m.floor)
            if s.last_late is not None:
                lo = max(lo, s.last_late + timedelta(days=1))
            if lo > q:
                continue
            day = rand_day(rng, lo, q)
            if day in s.dates:
                continue
            add(s, day, limit + MARGIN)
    return {key: sorted(s.placed) for key, s in states.items() if s.placed}
