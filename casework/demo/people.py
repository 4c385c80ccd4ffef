"""Children for the journeys. Journeys are handed children in date order, so a re-referral, a
second child protection plan or a readmission to care goes to a child whose earlier journey has
really ended: no child is ever in two journeys at once, and the category counts the controllers
made per journey are the counts per child."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.calendar import add_months
from casework.demo import params as P
from casework.demo.journeys import CIC, CL, CP, Journey, Quota
from casework.demo.timeline import Schedule, quarter_of


@dataclass(eq=False)
class Kid:
    index: int
    dob: date
    sex: str
    disabled: bool = False
    last_ref: date | None = None
    had_cp: bool = False
    had_care: bool = False
    care_end: date | None = None
    journeys: list[Journey] = field(default_factory=list)

    def age_on(self, day: date) -> float:
        return (day - self.dob).days / 365.25


class Pool:
    """Children free to start a new journey; O(1) add, remove and random probe."""

    def __init__(self) -> None:
        self.items: list[Kid] = []
        self.where: dict[int, int] = {}

    def add(self, kid: Kid) -> None:
        if kid.index not in self.where:
            self.where[kid.index] = len(self.items)
            self.items.append(kid)

    def remove(self, kid: Kid) -> None:
        i = self.where.pop(kid.index, None)
        if i is None:
            return
        last = self.items.pop()
        if i < len(self.items):
            self.items[i] = last
            self.where[last.index] = i

    def find(self, rng: random.Random, ok: Callable[[Kid], bool], tries: int = 60) -> Kid | None:
        n = len(self.items)
        if not n:
            return None
        for _ in range(min(tries, n * 2)):
            kid = self.items[rng.randrange(n)]
            if ok(kid):
                return kid
        return None


def _age_years(kind: str, rng: random.Random) -> float:
    if kind == CP:
        return rng.triangular(0, 17, 2)
    if kind == CIC:
        return rng.triangular(0, 17, 12)
    return rng.triangular(0, 17.5, 9)


def readmission_draws(journeys: list[Journey], as_at: date, rng: random.Random) -> set[int]:
    """The periods of care (journey ids) that should be readmissions: per quarter, a count where
    params gives one, else the quarter's share of its 12-month window's target, else the
    READMISSION schedule's share."""
    factor_rate = Schedule(P.READMISSION, quarterly=True)
    by_quarter: dict[date, list[Journey]] = {}
    for j in journeys:
        if j.kind == CIC:
            by_quarter.setdefault(quarter_of(j.start), []).append(j)
    for items in by_quarter.values():
        items.sort(key=lambda j: (j.start, j.ref))
    want = {q: round(factor_rate(q) * len(items)) for q, items in by_quarter.items()}
    counted = {}
    for q, count in P.READMITTED_IN_QUARTER.items():
        if q in by_quarter:
            # The count scales with the council, as the stocks do.
            counted[q] = round(count * _scale(journeys, as_at))
            want[q] = counted[q]
    for start, end, pct in P.READMISSION_WINDOWS:
        quarters = [q for q in by_quarter if start <= q <= end]
        total = round(pct * sum(len(by_quarter[q]) for q in quarters))
        free = [q for q in quarters if q not in counted]
        left = total - sum(counted.get(q, 0) for q in quarters)
        admissions = sum(len(by_quarter[q]) for q in free)
        given = 0
        for i, q in enumerate(sorted(free)):
            if i == len(free) - 1:
                share = left - given
            else:
                share = round(left * len(by_quarter[q]) / max(1, admissions))
            want[q] = max(0, share)
            given += want[q]
    chosen: set[int] = set()
    for q, items in by_quarter.items():
        chosen |= {id(j) for j in rng.sample(items, min(len(items), want.get(q, 0)))}
    return chosen


def _scale(journeys: list[Journey], as_at: date) -> float:
    """This locality's size relative to the calibrated council (children in care at D)."""
    in_care = sum(1 for j in journeys if j.kind == CIC and j.end is None)
    return in_care / Schedule(P.CIC_STOCK)(as_at)


def assign_children(journeys: list[Journey], as_at: date, rng: random.Random) -> list[Kid]:
    kids: list[Kid] = []
    freed: list[tuple[date, int]] = []
    recent, cp_pool, care_pool, leavers = Pool(), Pool(), Pool(), Pool()
    rereferral = Quota(Schedule(P.REREFERRAL), rng)
    wanted_readmissions = readmission_draws(journeys, as_at, rng)
    repeat_history = Quota(lambda d: P.CP_REPEAT_HISTORY, rng)
    placed_cp = [j for j in journeys if j.kind == CP and j.sub]
    repeats = round(P.D_CP_REPEAT * len(placed_cp) / Schedule(P.CP_STOCK)(as_at))
    d_repeat = {id(j) for j in rng.sample(placed_cp, min(len(placed_cp), repeats))}

    def new_kid(j: Journey) -> Kid:
        first = j.first
        last = j.end or as_at
        if j.kind == CL:
            age = rng.uniform(16.4, 18.2) if j.cl_elig == "relevant" else rng.uniform(18.0, 18.6)
            if j.cl_elig == "qualifying":
                age = rng.uniform(16.5, 19.5)
            dob = first - timedelta(days=int(age * 365.25))
        else:
            dob = first - timedelta(days=int(_age_years(j.kind, rng) * 365.25))
            latest_dob = last - timedelta(days=int(17.9 * 365.25))
            if dob < latest_dob:
                dob = min(first, latest_dob + timedelta(days=rng.randint(1, 300)))
        kid = Kid(len(kids), dob, rng.choice("MF"), disabled=j.disabled)
        kids.append(kid)
        return kid

    def fits(kid: Kid, j: Journey) -> bool:
        return kid.age_on(j.end or as_at) < 17.9 and kid.dob <= j.first

    def take(kid: Kid) -> Kid:
        for pool in (recent, cp_pool, care_pool, leavers):
            pool.remove(kid)
        return kid

    def pick_existing(j: Journey) -> Kid | None:
        """A child free to start this journey who fits its draws (re-referral, second plan,
        readmission), or None for a new child."""
        first = j.first
        year_before = add_months(first, -12)
        kid: Kid | None = None
        if j.kind == CL:
            kid = leavers.find(
                rng,
                lambda k: (
                    k.care_end is not None
                    and timedelta(0) <= first - k.care_end <= timedelta(days=90)
                    and 16 <= k.age_on(first) <= 19
                ),
            )
        else:
            want_rerefer = rereferral(first)
            if j.kind == CIC and id(j) in wanted_readmissions:
                kid = care_pool.find(
                    rng,
                    lambda k: (
                        fits(k, j)
                        and (k.last_ref is not None and k.last_ref >= year_before) == want_rerefer
                    ),
                ) or care_pool.find(rng, lambda k: fits(k, j), tries=1000)
            elif j.kind == CP and (id(j) in d_repeat if j.sub else repeat_history(j.start)):
                kid = cp_pool.find(
                    rng,
                    lambda k: (
                        fits(k, j)
                        and (k.last_ref is not None and k.last_ref >= year_before) == want_rerefer
                    ),
                ) or cp_pool.find(rng, lambda k: fits(k, j), tries=400)
            elif want_rerefer:
                kid = recent.find(
                    rng,
                    lambda k: (
                        fits(k, j)
                        and k.last_ref is not None
                        and k.last_ref >= year_before
                        and not (j.kind == CIC and k.had_care)
                        and not (j.kind == CP and k.had_cp)
                    ),
                )
            elif rng.random() < 0.25:
                kid = recent.find(
                    rng,
                    lambda k: (
                        fits(k, j)
                        and (k.last_ref is None or k.last_ref < year_before)
                        and not (j.kind == CIC and k.had_care)
                        and not (j.kind == CP and k.had_cp)
                    ),
                    tries=20,
                )
        return kid

    for j in sorted(journeys, key=lambda x: (x.first, x.kind)):
        first = j.first
        while freed and freed[0][0] <= first:
            _, index = heapq.heappop(freed)
            kid = kids[index]
            recent.add(kid)
            if kid.had_cp:
                cp_pool.add(kid)
            if kid.had_care:
                care_pool.add(kid)
                if kid.care_end and kid.age_on(kid.care_end) >= 15.5:
                    leavers.add(kid)
        found = pick_existing(j)
        kid = take(found) if found else new_kid(j)
        if j.ref:
            j.rereferral = kid.last_ref is not None and kid.last_ref >= add_months(j.ref, -12)
            kid.last_ref = j.ref
        if j.kind == CP:
            j.repeat_cp = kid.had_cp
            kid.had_cp = True
        if j.kind == CIC:
            j.readmission = kid.had_care
            kid.had_care = True
            kid.care_end = j.end
        if j.disabled:
            kid.disabled = True
        j.child = kid.index
        kid.journeys.append(j)
        if j.end is not None:
            heapq.heappush(freed, (j.end + timedelta(days=1), kid.index))
    return kids
