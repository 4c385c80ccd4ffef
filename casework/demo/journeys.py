"""Journeys: the spells that make a child open to social care, built so that the stock of each
category (child in need, child protection, in care, care leaver) at every month end is exactly its
target.

Two parts per category:

- the cohort open at the as-at date is placed first, sub-cohort by sub-cohort, with start dates
  chosen so each sub-cohort's property (plan over a year, no plan past the window...) holds by
  construction;
- a controller then walks month by month from the history start and adds journeys that have all
  closed by the as-at date: `starts_per_month` new ones for the flow, then either closes some
  early or adds more so the month-end stock, together with the placed cohort and the other
  categories' contributions ("background"), equals the target.

Journeys carry no child yet: `people.assign_children` gives them children afterwards, so re-use
(re-referrals, second plans, readmissions) can be decided with every date known.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.calendar import add_months
from casework.demo import params as P
from casework.demo.timeline import (
    Schedule,
    add_wd,
    known,
    month_ends,
    rand_day,
    sub_wd,
)

FAR = date(9999, 12, 31)

CIN, CP, CIC, CL = "cin", "cp", "cic", "cl"


@dataclass(eq=False, slots=True)
class Placement:
    """A placement within a period of care: its start, the 903 placement type and whether it is
    outside the council's area (None until `care.fix_area` decides)."""

    start: date
    place: str
    out_of_area: bool | None = None


@dataclass(eq=False)
class CarePeriod:
    """A period of care: placements and legal status changes (date, status). Episodes are the
    union of both sets of boundaries."""

    start: date
    end: date | None
    placements: list[Placement] = field(default_factory=list)
    statuses: list[tuple[date, str]] = field(default_factory=list)
    rec: str = ""

    def status_at(self, day: date) -> str:
        current = self.statuses[0][1]
        for when, status in self.statuses:
            if when <= day:
                current = status
        return current

    def placement_at(self, day: date) -> Placement:
        current = self.placements[0]
        for placement in self.placements:
            if placement.start <= day:
                current = placement
        return current

    def open_at(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)


@dataclass(eq=False)
class Journey:
    """One spell. `start` is when the child enters the journey's own category (the referral for
    child in need, the plan for child protection, entering care, the care-leaver record);
    `ref` the referral that opened it (None for care leavers); `end` None = open at the as-at
    date."""

    kind: str
    start: date
    end: date | None
    ref: date | None = None
    sub: str = ""  # the as-at sub-cohort, "" for history
    assessed: bool = True
    a_len: int = 30  # planned assessment length, working days
    outcome: str = "nfa"  # nfa, plan, drift (CIN journeys)
    plan_gap: int = 3  # working days from authorisation to plan
    plan_len: int = 180  # days
    s47: bool = False
    icpc_no_plan: bool = False
    icpc_gap: int = 10  # working days from section 47 start to the conference
    disabled: bool = False
    # filled by finalize()
    a_start: date | None = None
    a_auth: date | None = None
    plans: list[tuple[date, date | None]] = field(default_factory=list)
    s47_start: date | None = None
    s47_end: date | None = None
    icpc: date | None = None
    care: CarePeriod | None = None  # see `period`
    short_break: tuple[date, date | None] | None = None
    extra_assessments: list[tuple[date, date | None]] = field(default_factory=list)
    cl_elig: str = ""
    pathway: date | None = None
    pathway_review: date | None = None
    contact_index: int | None = None
    # filled by people.assign_children
    child: int = -1
    repeat_cp: bool = False
    readmission: bool = False
    rereferral: bool = False

    def intervals(self) -> list[tuple[str, date, date]]:
        """(category, start, end-exclusive) pieces, by the category precedence of DESIGN.md."""
        end = self.end or FAR
        if self.kind == CL:
            return [(CL, self.start, end)]
        ref = known(self.ref)
        if self.kind == CP:
            return [(CIN, ref, self.start), (CP, self.start, end)]
        if self.kind == CIC:
            out = [(CIC, self.start, end)]
            if ref < self.start:
                out.insert(0, (CIN, ref, self.start))
            return out
        return [(CIN, ref, end)]

    @property
    def period(self) -> CarePeriod:
        """The period of care of a journey in care (set by `finalize`)."""
        return known(self.care)

    @property
    def first(self) -> date:
        return self.ref or self.start

    def category_at(self, day: date) -> str | None:
        """The category of the interval holding `day` (as `intervals()`, without building it)."""
        end = self.end or FAR
        if self.kind == CL:
            return CL if self.start <= day < end else None
        ref = known(self.ref)
        if self.kind in (CP, CIC) and ref <= day < self.start:
            return CIN
        if self.kind == CIN:
            return CIN if ref <= day < end else None
        return self.kind if self.start <= day < end else None


# --- durations ---------------------------------------------------------------------------------


class Quota:
    """Exact shares per key (a month): the k-th draw of a key is True when it lifts the running
    count to round(share * k). Keeps each month's rate exact without a per-month shuffle."""

    def __init__(self, share: Callable[[date], float], rng: random.Random):
        self.share = share
        self.rng = rng
        self.state: dict[tuple[int, int], tuple[int, int, float]] = {}

    def __call__(self, day: date) -> bool:
        key = (day.year, day.month)
        n, k, offset = self.state.get(key, (0, 0, self.rng.random()))
        n += 1
        target = int(self.share(day) * n + offset)
        hit = target > k
        self.state[key] = (n, k + hit, offset)
        return hit


class Draws:
    """The random draws every factory shares."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.assessed = Quota(Schedule(P.REFERRAL_ASSESSED, quarterly=True), rng)
        self.in_time = Quota(Schedule(P.ASSESSMENT_45D, quarterly=True), rng)
        self.icpc_in_time = Quota(Schedule(P.ICPC_15WD, quarterly=True), rng)

    def a_len(self, day: date) -> int:
        if self.in_time(day):
            return int(self.rng.triangular(6, 45, 32))
        return self.rng.randint(46, 85)

    def icpc_gap(self, day: date) -> int:
        if self.icpc_in_time(day):
            return self.rng.randint(4, 15)
        return self.rng.randint(16, 34)


def cin_factory(draws: Draws) -> Callable[[date], Journey]:
    rng = draws.rng

    def make(start: date) -> Journey:
        j = Journey(CIN, start, None, ref=start, disabled=rng.random() < 0.07)
        if not draws.assessed(start):
            j.assessed = False
            j.end = start + timedelta(days=rng.randint(1, 10))
            return j
        j.a_len = draws.a_len(start)
        roll = rng.random()
        j.outcome = "nfa" if roll < 0.52 else "plan" if roll < 0.88 else "drift"
        j.s47 = rng.random() < 0.12
        j.icpc_no_plan = j.s47 and rng.random() < 0.2
        days = int(j.a_len * 1.4) + 2
        if j.outcome == "nfa":
            days += rng.randint(0, 14)
        elif j.outcome == "drift":
            days += rng.randint(16, 70)
        else:
            j.plan_gap = rng.randint(1, 9)
            j.plan_len = rng.randint(45, 200) if rng.random() < 0.65 else rng.randint(200, 380)
            days += int(j.plan_gap * 1.4) + j.plan_len
        if j.icpc_no_plan:
            j.icpc_gap = draws.icpc_gap(start + timedelta(days=20))
            days = max(days, int(j.icpc_gap * 1.4) + 10)
        j.end = start + timedelta(days=days)
        return j

    return make


def cp_factory(draws: Draws) -> Callable[[date], Journey]:
    rng = draws.rng

    def make(start: date) -> Journey:
        roll = rng.random()
        if roll < 0.4:
            days = rng.randint(90, 200)
        elif roll < 0.85:
            days = rng.randint(200, 450)
        else:
            days = rng.randint(450, 700)
        j = Journey(CP, start, start + timedelta(days=days))
        j.icpc_gap = draws.icpc_gap(start)
        j.a_len = draws.a_len(start)
        j.s47_start = _wd_before(start, j.icpc_gap)
        j.ref = j.s47_start - timedelta(days=rng.choice((0, 0, 1, 2, 3)))
        return j

    return make


def cic_factory(draws: Draws) -> Callable[[date], Journey]:
    rng = draws.rng

    def make(start: date) -> Journey:
        roll = rng.random()
        if roll < 0.3:
            days = rng.randint(14, 180)
        elif roll < 0.75:
            days = rng.randint(180, 1100)
        else:
            days = rng.randint(1100, 3650)
        j = Journey(CIC, start, start + timedelta(days=days))
        j.ref = start - timedelta(days=rng.choice((0, 0, 0, 1, 2, 3, 5, 8)))
        j.a_len = rng.randint(10, 40)
        return j

    return make


def cl_factory(draws: Draws) -> Callable[[date], Journey]:
    rng = draws.rng

    def make(start: date) -> Journey:
        j = Journey(CL, start, start + timedelta(days=rng.randint(500, 1300)))
        roll = rng.random()
        j.cl_elig = "relevant" if roll < 0.1 else "former_relevant" if roll < 0.45 else "qualifying"
        return j

    return make


# --- the controller ------------------------------------------------------------------------------


def count_by_month(journeys: list[Journey], category: str, months: list[date]) -> dict[date, int]:
    counts = dict.fromkeys(months, 0)
    first = months[0]
    for j in journeys:
        for cat, s, e in j.intervals():
            if cat != category:
                continue
            day = max(s, first)
            for m in months:
                if m < day:
                    continue
                if m >= e:
                    break
                counts[m] += 1
    return counts


def control(
    *,
    category: str,
    stock: Callable[[date], float],
    factor: float,
    starts_per_month: float,
    background: dict[date, int],
    placed_starts: dict[date, int],
    factory: Callable[[date], Journey],
    months: list[date],
    max_age_days: int,
    rng: random.Random,
) -> list[Journey]:
    """Journeys of one kind, all closed by the last month end, so that at every month end the
    open ones plus `background` equal round(stock * factor). `placed_starts` are the placed
    cohort's starts per month, taken off the flow so the total flow stays level."""
    as_at = months[-1]
    made: list[Journey] = []

    def cap(j: Journey) -> Journey:
        if j.end is None or j.end > as_at:
            j.end = rand_day(
                rng, max(j.start + timedelta(days=1), as_at - timedelta(days=60)), as_at
            )
        return j

    # Opening stock: length-biased by rejection, so long spells are as common as they would be.
    m0 = months[0]
    need = round(stock(m0) * factor) - background.get(m0, 0)
    active: list[Journey] = []
    while len(active) < need:
        s = m0 - timedelta(days=rng.randint(0, max_age_days))
        j = factory(s)
        if j.end is not None and j.end > m0:
            active.append(cap(j))
    made.extend(active)

    for prev, m in zip(months, months[1:], strict=False):
        active = [j for j in active if known(j.end) > prev]
        flow = max(0.0, starts_per_month * factor - placed_starts.get(m, 0))
        n_flow = int(flow) + (rng.random() < flow - int(flow))
        for _ in range(n_flow):
            j = cap(factory(rand_day(rng, prev + timedelta(days=1), m)))
            made.append(j)
            active.append(j)
        survivors = [j for j in active if known(j.end) > m]
        target = max(0, round(stock(m) * factor) - background.get(m, 0))
        if len(survivors) > target:
            for j in rng.sample(survivors, len(survivors) - target):
                lo = max(j.start, prev) + timedelta(days=1)
                j.end = rand_day(rng, lo, m) if lo <= m else m
        else:
            for _ in range(target - len(survivors)):
                for _try in range(20):
                    j = factory(rand_day(rng, prev + timedelta(days=1), m))
                    if known(j.end) > m:
                        break
                if known(j.end) <= m:
                    j.end = m + timedelta(days=rng.randint(1, 60))
                j = cap(j)
                made.append(j)
                active.append(j)
    return made


# --- the cohort open at the as-at date ------------------------------------------------------------


def previous_quarter(as_at: date) -> tuple[date, date]:
    """First and last day of the quarter before the as-at date's quarter."""
    from casework.demo.timeline import quarter_of

    end = quarter_of(add_months(quarter_of(as_at), -3))
    return add_months(end, -3) + timedelta(days=1), end


def _age(rng: random.Random, mean: float, lo: int, hi: int) -> int:
    for _ in range(100):
        a = int(rng.expovariate(1 / mean))
        if lo <= a <= hi:
            return a
    return rng.randint(lo, hi)


def placed_cin(as_at: date, factor: float, draws: Draws) -> list[Journey]:
    """Children in need at the as-at date, sub-cohort by sub-cohort (params.D_CIN)."""
    rng = draws.rng
    out: list[Journey] = []

    def journey(sub: str, a_start: date, a_auth: date | None) -> Journey:
        ref = a_start - timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        j = Journey(CIN, ref, None, ref=ref, sub=sub, disabled=rng.random() < 0.07)
        j.a_start, j.a_auth = a_start, a_auth
        return j

    def n(sub: str) -> int:
        return round(P.D_CIN[sub] * factor)

    for _ in range(n("assess_in_time")):
        # Recent referrals are commoner: most assessments finish well inside 45 working days.
        a_start = sub_wd(as_at, min(44, int(rng.triangular(0, 45, 0))))
        out.append(journey("assess_in_time", a_start, None))
    for _ in range(n("assess_overdue")):
        out.append(journey("assess_overdue", sub_wd(as_at, rng.randint(47, 95)), None))
    for sub, lo, hi in (("assessed_in_window", 0, 9), ("no_plan_overdue", 12, 130)):
        for _ in range(n(sub)):
            auth = sub_wd(as_at, rng.randint(lo, hi))
            out.append(journey(sub, sub_wd(auth, rng.randint(8, 44)), auth))
    for sub, lo, hi in (
        ("plan_recent", 0, 355),
        ("plan_late", 20, 300),
        ("plan_over_1y", 372, 900),
    ):
        for _ in range(n(sub)):
            age = int(rng.triangular(lo, hi, lo))
            plan = as_at - timedelta(days=age)
            gap = rng.randint(12, 30) if sub == "plan_late" else rng.randint(0, 9)
            auth = sub_wd(plan, gap)
            j = journey(sub, sub_wd(auth, rng.randint(8, 44)), auth)
            j.plans = [(plan, None)]
            j.outcome = "plan"
            out.append(j)
    for _ in range(n("s47_under_way")):
        a_start = sub_wd(as_at, rng.randint(1, 20))
        j = journey("s47_under_way", a_start, None)
        j.s47 = True
        j.s47_start = min(as_at, a_start + timedelta(days=rng.randint(0, 3)))
        out.append(j)
    for _ in range(n("short_breaks")):
        ref = as_at - timedelta(days=rng.randint(400, 1800))
        j = Journey(CIN, ref, None, ref=ref, sub="short_breaks", disabled=True)
        j.a_start = ref
        j.a_auth = add_wd(ref, rng.randint(15, 40))
        j.short_break = (j.a_auth + timedelta(days=rng.randint(20, 60)), None)
        out.append(j)
    for j in out:
        j.start = known(j.ref)
    return out


def placed_cp(as_at: date, factor: float, draws: Draws) -> list[Journey]:
    rng = draws.rng
    factory = cp_factory(draws)
    out = []
    total = round(Schedule(P.CP_STOCK)(as_at) * factor)
    old = round(P.D_CP_OVER_2Y * factor)
    for i in range(total):
        age = rng.randint(735, 1000) if i < old else _age(rng, P.D_CP_MEAN_AGE_DAYS, 0, 720)
        j = factory(as_at - timedelta(days=age))
        j.end, j.sub = None, "cp"
        out.append(j)
    return out


def placed_cic(as_at: date, factor: float, draws: Draws) -> list[Journey]:
    rng = draws.rng
    factory = cic_factory(draws)
    out = []
    for _ in range(round(Schedule(P.CIC_STOCK)(as_at) * factor)):
        j = factory(as_at - timedelta(days=_age(rng, P.D_CIC_MEAN_AGE_DAYS, 0, 5000)))
        j.end, j.sub = None, "cic"
        out.append(j)
    return out


def placed_cl(as_at: date, factor: float, draws: Draws) -> list[Journey]:
    rng = draws.rng
    out = []
    total = round(Schedule(P.CL_STOCK)(as_at) * factor)
    owed = round(P.D_CL_OWED_PLAN * factor)
    with_plan = round(P.D_CL_WITH_PLAN * factor)
    current = round(P.D_CL_PLAN_CURRENT * factor)
    # Reviewed in the quarter before the as-at quarter: inside six months at both quarter ends.
    last_q_start, last_q_end = previous_quarter(as_at)
    for i in range(total):
        j = Journey(CL, as_at - timedelta(days=rng.randint(0, 1150)), None, sub="cl")
        if i < owed:
            j.cl_elig = "relevant" if rng.random() < 0.2 else "former_relevant"
        else:
            j.cl_elig = "qualifying"
        if i < current:
            j.pathway = j.start + timedelta(days=rng.randint(5, 60))
            if j.pathway <= last_q_end:
                lo = max(j.pathway, last_q_start)
                j.pathway_review = rand_day(rng, lo, last_q_end)
            else:
                j.pathway = min(j.pathway, as_at)
        elif i < with_plan:
            j.start = min(j.start, add_months(as_at, -12) - timedelta(days=rng.randint(0, 500)))
            j.pathway = j.start + timedelta(days=rng.randint(5, 60))
            if rng.random() < 0.6:
                stale = add_months(as_at, -9) - timedelta(days=10)
                j.pathway_review = rand_day(rng, j.pathway, max(j.pathway, stale))
        out.append(j)
    rng.shuffle(out)
    return out


def starts_by_month(journeys: list[Journey], months: list[date], attr: str = "start") -> dict:
    from casework.demo.timeline import month_end

    counts: dict[date, int] = {}
    first = months[0]
    for j in journeys:
        day = getattr(j, attr)
        if day and day > first:
            key = month_end(day)
            counts[key] = counts.get(key, 0) + 1
    return counts


def add_counts(*dicts: dict[date, int]) -> dict[date, int]:
    out: dict[date, int] = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def build_journeys(as_at: date, factor: float, rng: random.Random) -> list[Journey]:
    """Every journey of one unit, placed cohorts first, then the controllers in the order in
    which their backgrounds become known (care, care leavers, protection, need)."""
    draws = Draws(rng)
    months = month_ends(P.HISTORY_START, as_at)

    d_cic = placed_cic(as_at, factor, draws)
    cic = d_cic + control(
        category=CIC,
        stock=Schedule(P.CIC_STOCK),
        factor=factor,
        starts_per_month=P.CIC_STARTS_PER_MONTH,
        background=count_by_month(d_cic, CIC, months),
        placed_starts=starts_by_month(d_cic, months),
        factory=cic_factory(draws),
        months=months,
        max_age_days=3000,
        rng=rng,
    )
    d_cl = placed_cl(as_at, factor, draws)
    cl = d_cl + control(
        category=CL,
        stock=Schedule(P.CL_STOCK),
        factor=factor,
        starts_per_month=P.CL_STARTS_PER_MONTH,
        background=count_by_month(d_cl, CL, months),
        placed_starts=starts_by_month(d_cl, months),
        factory=cl_factory(draws),
        months=months,
        max_age_days=1300,
        rng=rng,
    )
    d_cp = placed_cp(as_at, factor, draws)
    cp = d_cp + control(
        category=CP,
        stock=Schedule(P.CP_STOCK),
        factor=factor,
        starts_per_month=P.CP_STARTS_PER_MONTH,
        background=count_by_month(d_cp, CP, months),
        placed_starts=starts_by_month(d_cp, months),
        factory=cp_factory(draws),
        months=months,
        max_age_days=700,
        rng=rng,
    )
    d_cin = placed_cin(as_at, factor, draws)
    background = count_by_month(d_cin + cp + cic, CIN, months)
    cin = d_cin + control(
        category=CIN,
        stock=Schedule(P.CIN_STOCK),
        factor=factor,
        starts_per_month=P.CIN_STARTS_PER_MONTH,
        background=background,
        placed_starts=starts_by_month(d_cin, months),
        factory=cin_factory(draws),
        months=months,
        max_age_days=400,
        rng=rng,
    )
    journeys = cic + cl + cp + cin
    for j in journeys:
        finalize(j, as_at, draws)
    fix_referrals_assessed(journeys, as_at, rng)
    fix_assessment_timeliness(journeys, as_at, rng)
    return journeys


def _quarters(journeys: list[Journey], attr: str) -> dict[date, list[Journey]]:
    from casework.demo.timeline import quarter_of

    out: dict[date, list[Journey]] = {}
    for j in journeys:
        day = getattr(j, attr)
        if day is not None:
            out.setdefault(quarter_of(day), []).append(j)
    return out


def fix_referrals_assessed(journeys: list[Journey], as_at: date, rng: random.Random) -> None:
    """Exactly the quarter's share of referrals leads to an assessment (calibration target
    referral_to_assessment_pct): the shortest closed journeys are screened out instead, or
    screened-out ones get a short assessment."""
    share = Schedule(P.REFERRAL_ASSESSED, quarterly=True)
    for q, items in _quarters(journeys, "ref").items():
        assessed = [j for j in items if j.a_start is not None and j.a_start <= q]
        want = round(share(q) * len(items))
        if len(assessed) > want:
            spare = [
                j
                for j in assessed
                if j.kind == CIN and not j.sub and not j.plans and j.s47_start is None
            ]
            spare.sort(key=lambda j: (known(j.end) - known(j.ref), rng.random()))
            for j in spare[: len(assessed) - want]:
                j.assessed, j.a_start, j.a_auth, j.outcome = False, None, None, "nfa"
        elif len(assessed) < want:
            spare = [j for j in items if j.kind == CIN and not j.sub and j.a_start is None]
            for j in rng.sample(spare, min(len(spare), want - len(assessed))):
                ref = known(j.ref)
                j.assessed, j.a_start = True, ref
                j.a_auth = min(known(j.end), add_wd(ref, rng.randint(2, 8)))


def _late(j: Journey) -> bool:
    from casework.demo.timeline import wd_between

    return wd_between(known(j.a_start), known(j.a_auth)) > 45


def fix_assessment_timeliness(journeys: list[Journey], as_at: date, rng: random.Random) -> None:
    """Exactly the quarter's share of assessments authorised in it took more than 45 working
    days (calibration target assessment_45d_pct): authorisation dates move inside the quarter
    and inside the journey, on journeys whose other dates do not depend on them."""
    from casework.demo.timeline import wd_between

    share = Schedule(P.ASSESSMENT_45D, quarterly=True)
    for q, items in _quarters(journeys, "a_auth").items():
        q_start = add_months(q, -3) + timedelta(days=1)
        late = [j for j in items if _late(j)]
        want = len(items) - round(share(q) * len(items))
        movable = [j for j in items if j.kind in (CP, CIC) or (j.kind == CIN and not j.sub)]
        if len(late) < want:
            rng.shuffle(movable)
            need = want - len(late)
            for j in movable:
                if need == 0:
                    break
                if _late(j):
                    continue
                a_start, a_auth = known(j.a_start), known(j.a_auth)
                hi = min(q, j.end or as_at, as_at)
                if j.kind == CIN and j.plans:
                    hi = min(hi, known(j.end) - timedelta(days=20))
                lo = max(a_auth, add_wd(a_start, 47))
                if lo > hi:
                    continue
                j.a_auth = a_auth = rand_day(rng, lo, hi)
                if wd_between(a_start, a_auth) <= 45:
                    continue
                if j.kind == CIN and j.plans:
                    start = add_wd(a_auth, rng.randint(1, 5))
                    keep = start < known(j.end) - timedelta(days=7)
                    j.plans = [(start, j.plans[0][1])] if keep else []
                need -= 1
        elif len(late) > want:
            late_movable = [j for j in movable if _late(j)]
            rng.shuffle(late_movable)
            for j in late_movable[: len(late) - want]:
                a_start = known(j.a_start)
                lo = max(q_start, a_start + timedelta(days=1))
                hi = min(add_wd(a_start, 43), known(j.a_auth))
                if lo <= hi:
                    j.a_auth = rand_day(rng, lo, hi)


# --- internal dates, once the end is final ------------------------------------------------------


def _next_wd(day: date) -> date:
    from casework.demo.timeline import next_working_day

    return next_working_day(day)


def _wd_before(day: date, n: int) -> date:
    """The working day exactly n working days before `day` (so wd_between(result, day) == n)."""
    from casework.demo.timeline import wd_between

    start = sub_wd(day, n)
    while wd_between(start, day) > n:
        start += timedelta(days=1)
    return start


def _clip(day: date, end: date | None) -> date:
    return day if end is None or day <= end else end


def finalize(j: Journey, as_at: date, draws: Draws) -> None:
    rng = draws.rng
    if j.kind == CL:
        if not j.sub and j.cl_elig != "qualifying" and rng.random() < 0.75:
            j.pathway = _clip(j.start + timedelta(days=rng.randint(5, 90)), j.end)
            last = min(j.end or as_at, as_at)
            q_start, q_end = previous_quarter(as_at)
            open_then = last > q_end and j.start < q_start
            if rng.random() < 0.9 or open_then:
                # Records open at the previous quarter end had their review in that quarter.
                if open_then:
                    j.pathway_review = rand_day(rng, q_start, q_end)
                else:
                    j.pathway_review = rand_day(rng, j.pathway, max(j.pathway, last))
        return
    if j.kind == CIC:
        j.a_start = ref = known(j.ref)
        auth = _clip(add_wd(ref, j.a_len), j.end)
        j.a_auth = auth if auth <= as_at else None
        j.care = make_care_period(j.start, j.end, as_at, rng)
        return
    if j.kind == CP:
        j.s47_end = j.start
        j.icpc = j.start
        j.a_start = ref = known(j.ref)
        auth = add_wd(ref, j.a_len)
        j.a_auth = _clip(auth, j.end) if j.end or auth <= as_at else None
        j.plans = []
        return
    # child in need
    if j.sub:
        _finalize_placed_cin(j, as_at, rng)
        return
    if not j.assessed:
        return
    # A journey from the controllers: closed by the as-at date.
    end = known(j.end)
    j.a_start = a_start = _clip(known(j.ref) + timedelta(days=rng.choice((0, 0, 1, 2))), end)
    j.a_auth = a_auth = _clip(add_wd(a_start, j.a_len), end)
    if j.outcome == "plan":
        plan = add_wd(a_auth, j.plan_gap)
        if plan < end - timedelta(days=14):
            j.plans = [(plan, end)]
    if j.s47:
        j.s47_start = s47_start = _clip(a_start + timedelta(days=rng.randint(0, 5)), end)
        j.s47_end = _clip(s47_start + timedelta(days=rng.randint(8, 25)), end)
        if j.icpc_no_plan:
            moved = _next_wd(s47_start)
            icpc = add_wd(moved, j.icpc_gap)
            if icpc <= end:
                j.s47_start = moved
                j.icpc = icpc
                j.s47_end = icpc


def _finalize_placed_cin(j: Journey, as_at: date, rng: random.Random) -> None:
    if j.sub == "short_breaks":
        # A disabled child on a series of short breaks: reassessed each year, a new plan after.
        auth = known(j.a_auth)
        plans: list[tuple[date, date | None]] = []
        while True:
            plan = add_wd(auth, rng.randint(1, 8))
            nxt_start = plan + timedelta(days=rng.randint(300, 340))
            nxt_auth = add_wd(nxt_start, rng.randint(15, 35))
            if nxt_auth >= as_at or add_wd(nxt_auth, 9) > as_at:
                plans.append((plan, None))
                break
            plans.append((plan, add_wd(nxt_auth, 1)))
            j.extra_assessments.append((nxt_start, nxt_auth))
            auth = nxt_auth
        # The plan restarts the day after the next assessment is authorised.
        fixed = []
        for i, (s, e) in enumerate(plans):
            fixed.append((s, plans[i + 1][0] if i + 1 < len(plans) else e))
        j.plans = fixed
        return
    if j.plans:
        j.plans = [(j.plans[0][0], None)]


def make_care_period(start: date, end: date | None, as_at: date, rng: random.Random) -> CarePeriod:
    period = CarePeriod(start, end)
    last = end or as_at
    roll = rng.random()
    status = "V2" if roll < 0.45 else "C1" if roll < 0.7 else "C2" if roll < 0.93 else "E1"
    period.statuses = [(start, status)]
    if status == "C1" and (last - start).days > 120:
        period.statuses.append(
            (start + timedelta(days=rng.randint(60, min(300, (last - start).days - 1))), "C2")
        )
    elif status == "V2" and rng.random() < 0.2 and (last - start).days > 90:
        when = start + timedelta(days=rng.randint(30, min(240, (last - start).days - 1)))
        period.statuses.append((when, "C1"))
        if (last - when).days > 150 and rng.random() < 0.8:
            period.statuses.append(
                (when + timedelta(days=rng.randint(60, (last - when).days - 1)), "C2")
            )
    period.placements = [Placement(start, _place(rng))]
    day = start
    while True:
        rate = 0.9 if (day - start).days < 365 else 0.3
        day = day + timedelta(days=int(rng.expovariate(rate / 365)) + 7)
        if day >= last:
            break
        period.placements.append(Placement(day, _place(rng)))
    period.rec = (
        "" if end is None else rng.choice(("E4A", "E4A", "E4A", "E11", "E45", "E41", "E17", "E8"))
    )
    return period


PLACES = ("U1", "U3", "U4", "U4", "U4", "U5", "U6", "K2", "R1", "P1", "H5", "S1")


def _place(rng: random.Random) -> str:
    return rng.choice(PLACES)
