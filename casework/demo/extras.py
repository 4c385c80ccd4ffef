"""Complaints, Mind of My Own accounts and statements, and the strategic risk register."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from casework.calendar import add_months
from casework.demo import params as P
from casework.demo.journeys import CL, Journey
from casework.demo.people import Kid
from casework.demo.timeline import quarter_ends, rand_day
from casework.demo.workforce import Piece, Staff, worker_at, worker_lookup

SCENARIOS = (
    "Share good news",
    "Sort a problem",
    "My worker is visiting",
    "Preparing for my review",
    "About my plan",
    "My life",
    "Feeling unsafe",
)
VOICE_FROM = date(2016, 4, 1)


@dataclass
class Extras:
    complaints: list[tuple] = field(default_factory=list)  # child, team, received, stage, outcome
    child_accounts: list[tuple] = field(default_factory=list)  # child, opened, closed
    worker_accounts: list[tuple] = field(default_factory=list)  # worker, opened, closed
    statements: list[tuple] = field(default_factory=list)  # child, date, scenario


def build_extras(
    journeys: list[Journey],
    kids: list[Kid],
    pieces: list[Piece],
    staff: list[Staff],
    as_at: date,
    factor: float,
    rng: random.Random,
) -> Extras:
    out = Extras()
    lookup = worker_lookup(pieces)
    quarters = quarter_ends(VOICE_FROM, as_at)
    casework = [j for j in journeys if j.kind != CL]

    # Complaints (calibration target complaints_q, complaints_upheld_pct).
    for q in quarters:
        n, upheld = P.COMPLAINTS.get(q, P.COMPLAINTS_EARLIER)
        n, upheld = round(n * factor), round(upheld * factor)
        start = add_months(q, -3) + timedelta(days=1)
        flags = [True] * upheld + [False] * (n - upheld)
        rng.shuffle(flags)
        for is_upheld in flags:
            day = rand_day(rng, start, q)
            j = _open_journey(casework, day, rng)
            child = j.child if j else None
            worker = worker_at(lookup, child, day) if child is not None else None
            if is_upheld:
                outcome = rng.choice(("upheld", "partially_upheld"))
            else:
                outcome = "pending" if (as_at - day).days < 20 else "not_upheld"
            stage = 1 if rng.random() < 0.85 else 2
            out.complaints.append(
                (child, worker.team.index if worker else None, day, stage, outcome)
            )

    # Children's accounts (calibration target momo_accounts): open at D only for open children.
    open_now = [j for j in journeys if j.end is None and kids[j.child].age_on(as_at) >= 8]
    n_open = min(len(open_now), round(P.MOMO_CHILD_ACCOUNTS * factor))
    holders = rng.sample(open_now, n_open)
    held = set()
    for j in holders:
        opened = rand_day(rng, max(j.first, VOICE_FROM), as_at)
        out.child_accounts.append((j.child, opened, None))
        held.add(j.child)
    for j in casework:
        if j.end is None or j.end <= VOICE_FROM or j.child in held:
            continue
        if kids[j.child].age_on(j.end) >= 8 and rng.random() < 0.05:
            opened = rand_day(rng, max(j.first, VOICE_FROM), j.end - timedelta(days=1))
            if opened < j.end:
                out.child_accounts.append((j.child, opened, j.end))
                held.add(j.child)

    # Workers' accounts (calibration target momo_worker_accounts).
    active = [w for w in staff if w.active(as_at)]
    for w in rng.sample(active, min(len(active), round(P.MOMO_WORKER_ACCOUNTS * factor))):
        out.worker_accounts.append((w.index, rand_day(rng, max(w.start, VOICE_FROM), as_at), None))
    for w in staff:
        if w.end is not None and w.end > VOICE_FROM + timedelta(days=30) and rng.random() < 0.5:
            opened = rand_day(rng, max(w.start, VOICE_FROM), w.end - timedelta(days=1))
            out.worker_accounts.append((w.index, opened, w.end))

    # Statements (calibration target momo_statements_q, momo_children_q).
    for q in quarters:
        start = add_months(q, -3) + timedelta(days=1)
        n, children = P.MOMO_STATEMENTS.get(q, P.MOMO_STATEMENTS_EARLIER)
        n, children = round(n * factor), round(children * factor)
        accounts = [
            a
            for a in out.child_accounts
            if a[1] <= q - timedelta(days=7) and (a[2] is None or a[2] > start + timedelta(days=7))
        ]
        by_child: dict[int, tuple] = {}
        for a in accounts:
            by_child.setdefault(a[0], a)
        chosen = rng.sample(sorted(by_child), min(children, len(by_child)))
        if not chosen:
            continue
        counts = {c: 1 for c in chosen}
        for _ in range(max(0, n - len(chosen))):
            counts[rng.choice(chosen)] += 1
        for child, k in counts.items():
            account = by_child[child]
            lo = max(start, account[1])
            hi = q if account[2] is None else min(q, account[2] - timedelta(days=1))
            for _ in range(k):
                out.statements.append((child, rand_day(rng, lo, hi), rng.choice(SCENARIOS)))
    return out


def _open_journey(journeys: list[Journey], day: date, rng: random.Random) -> Journey | None:
    for _ in range(50):
        j = journeys[rng.randrange(len(journeys))]
        if j.first <= day and (j.end is None or j.end > day):
            return j
    return None


class Risk(NamedTuple):
    title: str
    owner: str
    scores: dict[date, tuple[int, int]]  # quarter end -> (likelihood, impact)
    default: tuple[int, int]


RISKS = (
    Risk(
        "Failure to protect children and young people from abuse or neglect that could have "
        "been predicted or prevented",
        "Director of Children's Services",
        {date(2018, 3, 31): (4, 4), date(2018, 6, 30): (4, 4), date(2018, 9, 30): (3, 4)},
        (4, 5),
    ),
    Risk(
        "Worsening educational outcomes and a widening gap for vulnerable children",
        "Head of Education",
        {},
        (3, 4),
    ),
    Risk(
        "Recruitment and retention of a stable social care workforce",
        "Head of Workforce Development",
        {date(2018, 9, 30): (4, 4)},
        (4, 4),
    ),
    Risk(
        "Sufficiency of local placements for children in care",
        "Head of Commissioning",
        {date(2018, 6, 30): (4, 4), date(2018, 9, 30): (4, 4)},
        (3, 4),
    ),
)


def strategic_risks(as_at: date) -> list[tuple[str, str, date, int, int]]:
    """The strategic risk register, one row per risk and quarter (the report's Fig 16)."""
    rows = []
    for q in quarter_ends(VOICE_FROM, as_at):
        for title, owner, scores, default in RISKS:
            likelihood, impact = scores.get(q, default)
            rows.append((title, owner, q, likelihood, impact))
    return rows
