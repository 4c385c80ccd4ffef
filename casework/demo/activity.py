"""The records each journey leaves: contacts, referrals, assessments, plans, enquiries,
conferences, reviews, care episodes, care-leaver records, statutory visits and health checks.

Rows are plain tuples referring to children, workers and other rows by their index in this unit;
`writer` turns them into model rows. Child-level rates at quarter ends (seen in time, health and
dental checks, assessments of children in care) are controlled draws over each quarter's cohort.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from casework.calendar import add_months
from casework.demo import params as P
from casework.demo.checks import Member, place_checks
from casework.demo.journeys import CIC, CIN, CL, CP, Journey, Quota
from casework.demo.people import Kid
from casework.demo.timeline import (
    Schedule,
    add_wd,
    known,
    quarter_ends,
    quarter_of,
    rand_day,
    sub_wd,
    wd_between,
)
from casework.demo.workforce import Piece, Staff, TeamSpec, worker_at, worker_lookup

LONDON = ZoneInfo("Europe/London")
REFERRAL_SOURCES = ("1A", "1B", "2A", "2B", "3A", "3B", "3E", "4", "5A", "5B", "6", "7", "8", "9")
NEEDS = ("N1", "N1", "N1", "N2", "N3", "N4", "N4", "N5", "N6", "N7", "N8", "N9")
CLOSURE_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC8", "RC8", "RC9")
CP_CATEGORIES = ("NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL")
PLACE_CHANGE = (
    "CARPL",
    "CLOSE",
    "ALLEG",
    "STAND",
    "APPRR",
    "CREQB",
    "CREQO",
    "CHILD",
    "LAREQ",
    "PLACE",
    "OTHER",
)
# Decision time bands for contacts: within 24 hours, within 48, later (clock hours).
DECISION_HOURS = ((0.3, 23.4), (24.6, 47.4), (48.6, 160.0))
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
OTHER_LAS = ("801", "802", "803", "805", "806", "807", "808", "810", "811", "812", "813", "815")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware datetime for a London wall-clock time."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@dataclass
class Records:
    contacts: list[tuple] = field(default_factory=list)
    referrals: list[tuple] = field(default_factory=list)
    assessments: list[tuple] = field(default_factory=list)
    cin_plans: list[tuple] = field(default_factory=list)
    section47s: list[tuple] = field(default_factory=list)
    icpcs: list[tuple] = field(default_factory=list)
    cp_plans: list[tuple] = field(default_factory=list)
    cp_reviews: list[tuple] = field(default_factory=list)
    episodes: list[tuple] = field(default_factory=list)
    care_reviews: list[tuple] = field(default_factory=list)
    care_leavers: list[tuple] = field(default_factory=list)
    visits: list[tuple] = field(default_factory=list)
    health_checks: list[tuple] = field(default_factory=list)


class Builder:
    def __init__(
        self,
        journeys: list[Journey],
        kids: list[Kid],
        pieces: list[Piece],
        staff: list[Staff],
        teams: list[TeamSpec],
        as_at: date,
        factor: float,
        rng: random.Random,
    ):
        self.journeys = journeys
        self.kids = kids
        self.staff = staff
        self.teams = teams
        self.as_at = as_at
        self.factor = factor
        self.rng = rng
        self.lookup = worker_lookup(pieces)
        self.pieces = pieces
        self.rec = Records()
        self.referral_of: dict[int, int] = {}  # id(journey) -> referral row index
        self.visits: dict[int, list[list]] = {}  # id(journey) -> [date, seen, type]
        self.mash = next(t for t in teams if t.pool == "front_door")
        self.assessment_teams = [t for t in teams if t.pool == "assessment"]

    # --- front door ------------------------------------------------------------------------------

    def front_door(self) -> None:
        rng = self.rng
        by_quarter: dict[date, list[list]] = defaultdict(list)
        for j in self.journeys:
            if j.ref is None:
                continue
            decided = at(j.ref, rng.randint(9, 17), rng.randint(0, 59))
            by_quarter[quarter_of(j.ref)].append([j.child, decided, "referral", j])
        share = Schedule(P.CONTACT_TO_REFERRAL, quarterly=True)
        for q, items in list(by_quarter.items()):
            n_ref = len(items)
            extra = round(n_ref * (1 - share(q)) / share(q))
            start = add_months(q, -3) + timedelta(days=1)
            for _ in range(extra):
                day = rand_day(rng, start, min(q, self.as_at))
                decided = at(day, rng.randint(9, 17), rng.randint(0, 59))
                outcome = rng.choice(("early_help", "early_help", "advice", "nfa"))
                items.append([self._contact_child(day), decided, outcome, None])
        within24 = Schedule(P.CONTACT_24H, quarterly=True)
        within48 = Schedule(P.CONTACT_48H, quarterly=True)
        rows: list[list] = []
        for q, items in sorted(by_quarter.items()):
            rng.shuffle(items)
            n = len(items)
            n24 = round(n * within24(q))
            n48 = max(n24, round(n * within48(q)))
            for i, item in enumerate(items):
                rows.append([*item, 0 if i < n24 else 1 if i < n48 else 2])
        self._even_up_decisions(rows, within24, within48)
        for child, decided, outcome, j, band in rows:
            low, high = DECISION_HOURS[band]
            hours = rng.uniform(low, high)
            received = (decided.astimezone(UTC) - timedelta(hours=hours)).astimezone(LONDON)
            index = len(self.rec.contacts)
            self.rec.contacts.append(
                (child, received, decided, outcome, rng.choice(REFERRAL_SOURCES))
            )
            if j is not None:
                j.contact_index = index

    def _even_up_decisions(self, rows: list[list], within24: Schedule, within48: Schedule) -> None:
        """The measures group contacts by the quarter they were received in, which for a slow
        decision early in a quarter is the quarter before. Count by received quarter and move
        contacts decided a week or more into their quarter (whose received date stays in it
        whatever the band) between bands until each quarter's shares are exact."""
        by_received: dict[date, list[list]] = defaultdict(list)
        for row in rows:
            decided, band = row[1], row[4]
            # The latest received time the band allows, so a boundary case counts as earlier.
            received = decided.astimezone(UTC) - timedelta(hours=DECISION_HOURS[band][1])
            by_received[quarter_of(received.astimezone(LONDON).date())].append(row)
        for q, items in by_received.items():
            q_start = add_months(q, -3) + timedelta(days=1)
            n = len(items)
            want = [round(n * within24(q))]
            want.append(max(want[0], round(n * within48(q))) - want[0])
            want.append(n - want[0] - want[1])
            have = [sum(1 for r in items if r[4] == b) for b in range(3)]
            movable = [r for r in items if (r[1].date() - q_start).days >= 8]
            self.rng.shuffle(movable)
            for row in movable:
                band = row[4]
                if have[band] <= want[band]:
                    continue
                for target in range(3):
                    if have[target] < want[target]:
                        have[band] -= 1
                        have[target] += 1
                        row[4] = target
                        break

    def _contact_child(self, day: date) -> int:
        rng = self.rng
        if self.kids and rng.random() < 0.5:
            for _ in range(10):
                kid = self.kids[rng.randrange(len(self.kids))]
                if kid.dob <= day and kid.age_on(day) < 17.5:
                    return kid.index
        kid = Kid(
            len(self.kids),
            day - timedelta(days=rng.randint(30, 6200)),
            rng.choice("MF"),
        )
        self.kids.append(kid)
        return kid.index

    # --- referrals and what follows --------------------------------------------------------------

    def team_for(self, j: Journey) -> int:
        w = worker_at(self.lookup, j.child, j.ref) if j.ref else None
        if w is None:
            w = worker_at(self.lookup, j.child, min(self.as_at, (j.end or self.as_at)))
        if w is not None:
            return w.team.index
        return self.rng.choice(self.assessment_teams).index

    def casework(self) -> None:
        rng = self.rng
        rec = self.rec
        rcpc = Quota(Schedule(P.RCPC_TIMELY, quarterly=True), rng)
        for j in self.journeys:
            if j.kind == CL:
                w = worker_at(self.lookup, j.child, j.start)
                rec.care_leavers.append(
                    (
                        j.child,
                        j.cl_elig,
                        j.start,
                        j.end,
                        j.pathway,
                        j.pathway_review,
                        w.index if w else None,
                    )
                )
                continue
            ri = len(rec.referrals)
            self.referral_of[id(j)] = ri
            nfa = j.kind == CIN and not j.assessed
            reason = "" if j.end is None else ("RC8" if nfa else rng.choice(CLOSURE_REASONS))
            rec.referrals.append(
                (
                    j.child,
                    self.team_for(j),
                    j.contact_index,
                    j.ref,
                    rng.choice(REFERRAL_SOURCES),
                    rng.choice(NEEDS),
                    nfa,
                    j.end,
                    reason,
                )
            )
            if j.a_start is not None:
                rec.assessments.append((j.child, ri, j.a_start, j.a_auth))
            for s, a in j.extra_assessments:
                rec.assessments.append((j.child, ri, s, a))
            for s, e in j.plans:
                rec.cin_plans.append((j.child, ri, s, e))
            if j.s47_start is not None:
                si = len(rec.section47s)
                rec.section47s.append(
                    (
                        j.child,
                        ri,
                        j.s47_start,
                        add_wd(j.s47_start, 15),
                        j.icpc is None and j.end is not None,
                        j.s47_end,
                    )
                )
                if j.icpc is not None:
                    rec.icpcs.append((j.child, si, ri, j.icpc, j.kind == CP))
            if j.kind == CP:
                ci = len(rec.cp_plans)
                first = rng.choice(CP_CATEGORIES)
                latest = first if rng.random() < 0.85 else rng.choice(CP_CATEGORIES)
                rec.cp_plans.append((j.child, ri, j.start, j.end, first, latest))
                self._cp_reviews(j, ci, rcpc)
            if j.kind == CIC:
                self._episodes(j)
            if j.short_break is not None:
                s, e = j.short_break
                # A series of short breaks (V3); every fifth child a single short break (V4).
                status = "V4" if j.child % 5 == 0 else "V3"
                rec.episodes.append(
                    (j.child, s, e, "S", status, "N1", "H5", "PR1", "", "", *self._postcodes(False))
                )

    def _cp_reviews(self, j: Journey, ci: int, timely: Quota) -> None:
        rng = self.rng
        last = min(j.end or self.as_at, self.as_at)
        due = add_months(j.start, 3)
        while True:
            if due > last:
                if j.end is None:
                    self.rec.cp_reviews.append((j.child, ci, due, None))
                break
            # Held inside the due date's quarter where possible, so each quarter's share of
            # reviews on time is the one drawn for it.
            q_end = quarter_of(due)
            q_start = add_months(q_end, -3) + timedelta(days=1)
            if timely(due):
                held = due - timedelta(days=rng.randint(0, min(10, (due - q_start).days)))
            else:
                room = (q_end - due).days
                held = due + timedelta(days=rng.randint(1, min(25, room)) if room >= 1 else 1)
            if held > last:
                if j.end is None:
                    self.rec.cp_reviews.append((j.child, ci, due, None))
                break
            self.rec.cp_reviews.append((j.child, ci, due, held))
            due = add_months(held, 6)

    def even_up_reviews(self) -> None:
        """Exactly the quarter's share of review conferences held in it were on time
        (calibration target rcpc_timely_pct). Draws made for reviews that a plan's end cut off
        skew the kept ones, so the due date of a few held reviews moves either side of the
        held date; the next review's due date, set from the held date, stays."""
        rng = self.rng
        rate = Schedule(P.RCPC_TIMELY, quarterly=True)
        by_quarter: dict[date, list[int]] = defaultdict(list)
        for i, (_child, _plan, _due, held) in enumerate(self.rec.cp_reviews):
            if held is not None:
                by_quarter[quarter_of(held)].append(i)
        dues = {(r[1], r[2]) for r in self.rec.cp_reviews}
        for q, indexes in by_quarter.items():
            on_time = [i for i in indexes if self.rec.cp_reviews[i][3] <= self.rec.cp_reviews[i][2]]
            late = [i for i in indexes if self.rec.cp_reviews[i][3] > self.rec.cp_reviews[i][2]]
            want = round(rate(q) * len(indexes))
            if len(on_time) > want:
                flip, days = rng.sample(on_time, len(on_time) - want), (-10, -1)
            else:
                flip, days = rng.sample(late, min(len(late), want - len(on_time))), (0, 10)
            for i in flip:
                child, plan, due, held = self.rec.cp_reviews[i]
                new_due = held + timedelta(days=rng.randint(*days))
                if (plan, new_due) in dues:
                    continue
                dues.discard((plan, due))
                dues.add((plan, new_due))
                self.rec.cp_reviews[i] = (child, plan, new_due, held)

    def _postcode(self, area: str, districts: int) -> str:
        """A made-up postcode: AN is the synthetic council's area, QX anywhere else (no UK
        postcode area starts with Q)."""
        rng = self.rng
        return (
            f"{area}{rng.randint(1, districts)} {rng.randint(1, 9)}"
            f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        )

    def _postcodes(self, out: bool) -> tuple:
        rng = self.rng
        home = self._postcode("AN", 19)
        if out:
            place = self._postcode("QX", 40)
            return home, place, rng.choice(OTHER_LAS), False, round(rng.uniform(22, 140), 1)
        return home, self._postcode("AN", 19), "", True, round(rng.uniform(0.5, 16), 1)

    def _episodes(self, j: Journey) -> None:
        from django.conf import settings

        rng = self.rng
        care = j.period
        bounds = sorted({p.start for p in care.placements} | {d for d, _ in care.statuses})
        moves = {p.start for p in care.placements[1:]}
        changes = {d for d, _ in care.statuses[1:]}
        home = None
        for i, start in enumerate(bounds):
            end = bounds[i + 1] if i + 1 < len(bounds) else care.end
            placement = care.placement_at(start)
            out = bool(placement.out_of_area)
            if i == 0:
                rne = "S"
            elif start in moves and start in changes:
                rne = "B"
            elif start in moves:
                rne = "P"
            else:
                rne = "L"
            pcs = self._postcodes(out)
            home = home or pcs[0]
            la = pcs[2] or settings.COUNCIL_LA_CODE
            rec = (
                care.rec
                if end is not None and end == care.end
                else ("X1" if end is not None else "")
            )
            self.rec.episodes.append(
                (
                    j.child,
                    start,
                    end,
                    rne,
                    care.status_at(start),
                    "N1" if rng.random() < 0.6 else rng.choice(("N2", "N3", "N4", "N5", "N8")),
                    placement.place,
                    "PR1" if not out else rng.choice(("PR1", "PR4", "PR5")),
                    rec,
                    rng.choice(PLACE_CHANGE) if rne in ("P", "B") else "",
                    home,
                    pcs[1],
                    la,
                    pcs[3],
                    pcs[4],
                )
            )
        # Reviews of a child in care: 20 working days, 3 months, then every 6 months.
        last = min(care.end or self.as_at, self.as_at)
        due = add_wd(care.start, 20)
        n = 0
        while due <= last and due <= self.as_at:
            held = (
                due - timedelta(days=rng.randint(0, 7))
                if rng.random() < 0.9
                else due + timedelta(days=rng.randint(1, 30))
            )
            if held > last:
                break
            self.rec.care_reviews.append(
                (
                    j.child,
                    due,
                    held,
                    rng.choice(("PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")),
                )
            )
            n += 1
            due = add_months(held, 3 if n == 1 else 6)

    # --- visits ----------------------------------------------------------------------------------

    def _cadence(
        self,
        out: list[list],
        start: date,
        end: date,
        lo: int,
        hi: int,
        kind: str,
        first: int | None = None,
    ) -> None:
        rng = self.rng
        day = add_wd(start, first if first is not None else rng.randint(lo, hi))
        floor = P.VISITS_FROM
        while day < end and day <= self.as_at:
            if day >= floor:
                out.append([day, rng.random() > 0.04, kind])
            day = add_wd(day, rng.randint(lo, hi))

    def visit_plan(self) -> None:
        rng = self.rng
        for j in self.journeys:
            if j.kind == CL:
                continue
            ref = known(j.ref)
            v: list[list] = []
            end = min(j.end or self.as_at + timedelta(days=1), self.as_at + timedelta(days=1))
            if j.kind == CIN:
                first = rng.randint(0, 5) if rng.random() < 0.72 else rng.randint(6, 14)
                day = add_wd(ref, first) if first else ref
                if day >= end:
                    day = ref
                if day >= P.VISITS_FROM:
                    v.append([day, True, "assessment"])
                phase_end = j.plans[0][0] if j.plans else end
                self._cadence(v, day, phase_end, 8, 18, "assessment")
                if j.s47_start is not None and j.s47_start >= P.VISITS_FROM:
                    v.append(
                        [
                            min(
                                add_wd(j.s47_start, rng.choice((0, 1, 1, 2))),
                                end - timedelta(days=1),
                            ),
                            True,
                            "cp",
                        ]
                    )
                if j.plans:
                    self._cadence(v, j.plans[0][0], end, 8, 19, "cin")
            elif j.kind == CP:
                s47 = j.s47_start or ref
                day = add_wd(s47, rng.choice((0, 1, 1, 1, 2, 3)))
                if day >= P.VISITS_FROM:
                    v.append([min(day, j.start), True, "cp"])
                self._cadence(v, day, j.start, 5, 10, "assessment")
                self._cadence(v, j.start, end, 4, 9, "cp", first=rng.choice((0, 1, 2, 3)))
            elif j.kind == CIC:
                self._cadence(v, ref, end, 18, 28, "cla", first=rng.randint(0, 5))
            v = [x for x in v if x[0] <= self.as_at and x[0] < end]
            v.sort(key=lambda x: x[0])
            self.visits[id(j)] = v

    def control_seen(self) -> None:
        """Children in need seen within 20 working days and children on a plan within 10, at
        each quarter end (calibration targets cin_seen_pct, cin_visit_overdue and
        cp_seen_10wd_pct). A child referred in the referred-not-seen window keeps a visit."""
        rng = self.rng
        protect_from = add_months(self.as_at, -5) + timedelta(days=1)
        for q in quarter_ends(
            max(P.CONTROLLED_FROM, P.VISITS_FROM + timedelta(days=60)), self.as_at
        ):
            for category, rate, window in (
                (CIN, Schedule(P.CIN_SEEN), 20),
                (CP, Schedule(P.CP_SEEN), 10),
            ):
                cohort = [j for j in self.journeys if j.kind != CL and j.category_at(q) == category]
                total = len(cohort)
                want_late = total - round(rate(q) * total)
                eligible = []
                for j in cohort:
                    basis = j.start if category == CP else known(j.ref)
                    if wd_between(basis, q) <= window + 1:
                        continue
                    eligible.append(j)
                rng.shuffle(eligible)
                late_ids: set[int] = set()
                for j in eligible:
                    if len(late_ids) >= want_late:
                        break
                    cut = sub_wd(q, window + rng.randint(1, 12))
                    v = self.visits[id(j)]
                    ref = known(j.ref)
                    if ref >= protect_from and not any(x[1] and ref <= x[0] < cut for x in v):
                        continue
                    for x in v:
                        if x[1] and cut <= x[0] <= q:
                            x[1] = False
                    late_ids.add(id(j))
                for j in cohort:
                    if id(j) in late_ids:
                        continue
                    basis = j.start if category == CP else known(j.ref)
                    lo = max(basis, sub_wd(q, window - 1))
                    v = self.visits[id(j)]
                    if any(x[1] and lo <= x[0] <= q for x in v):
                        continue
                    day = rand_day(rng, lo, q)
                    v.append([day, True, "cp" if category == CP else "cin"])
                    v.sort(key=lambda x: x[0])

    def control_not_seen(self) -> None:
        """Children referred May-September 2018 (referrals not closed at screening) and not
        seen since (calibration target referral_not_seen): those still inside their first
        days, plus closed assessments whose visits were attempts only."""
        rng = self.rng
        start, end = add_months(self.as_at, -5) + timedelta(days=1), self.as_at
        latest: dict[int, Journey] = {}
        for j in self.journeys:
            if j.ref is None or j.a_start is None or not start <= j.ref <= end:
                continue
            if j.child not in latest or known(latest[j.child].ref) < j.ref:
                latest[j.child] = j

        by_child: dict[int, list[list]] = defaultdict(list)
        for j in self.journeys:
            if j.child in latest:
                by_child[j.child].extend(self.visits.get(id(j), []))

        def seen(j: Journey) -> bool:
            """As the measure reads it: any visit of the child at which they were seen, from the
            referral to the end of the period."""
            return any(x[1] and j.ref <= x[0] <= end for x in by_child[j.child])

        for j in latest.values():
            # Everyone else referred in the period has been seen since the referral.
            v = self.visits[id(j)]
            if not seen(j) and j.end is not None:
                if v:
                    v[0][1] = True
                else:
                    v.append(
                        [
                            min(known(j.ref) + timedelta(days=1), j.end, self.as_at),
                            True,
                            "assessment",
                        ]
                    )
        unseen = sum(1 for j in latest.values() if not seen(j))
        spare = [
            j
            for j in latest.values()
            if j.end is not None
            and j.kind == CIN
            and not j.sub
            and not j.plans
            and j.s47_start is None
            and self.kids[j.child].journeys[-1] is j
        ]
        for j in rng.sample(
            spare, max(0, min(len(spare), round(P.REFERRED_NOT_SEEN * self.factor) - unseen))
        ):
            for x in self.visits[id(j)]:
                x[1] = False

    def write_visits(self) -> None:
        rng = self.rng
        for j in self.journeys:
            for day, seen, kind in self.visits.get(id(j), []):
                worker = worker_at(self.lookup, j.child, day)
                roll = rng.random()
                if roll < 0.7:
                    recorded = at(day, rng.randint(15, 19), rng.randint(0, 59))
                    if rng.random() < 0.4:
                        recorded += timedelta(days=1)
                elif roll < 0.88:
                    recorded = at(add_wd(day, rng.randint(2, 5)), rng.randint(9, 18))
                else:
                    recorded = at(add_wd(day, rng.randint(6, 25)), rng.randint(9, 18))
                self.rec.visits.append(
                    (
                        j.child,
                        worker.index if worker else None,
                        day,
                        kind,
                        seen,
                        seen and rng.random() < 0.45,
                        recorded,
                    )
                )

    # --- checks ----------------------------------------------------------------------------------

    def checks(self) -> None:
        rng = self.rng
        care = [j for j in self.journeys if j.kind == CIC]
        quarters = quarter_ends(P.CONTROLLED_FROM, self.as_at)

        def cohort(q: date) -> list[Member]:
            return [
                Member(j.child, j.period.start, wd_between(j.period.start, q) <= 20)
                for j in care
                if j.period.open_at(q)
            ]

        def late_by(rate: Schedule):
            return lambda q, n: n - round(rate(q) * n)

        health = place_checks(
            dates=quarters,
            cohort=cohort,
            late_count=late_by(Schedule(P.HEALTH_CHECK)),
            window_months=lambda key, q: 6 if self.kids[key].age_on(q) < 5 else 12,
            seeds={},
            rng=rng,
        )
        dental = place_checks(
            dates=quarters,
            cohort=cohort,
            late_count=late_by(Schedule(P.DENTAL_CHECK)),
            window_months=lambda key, q: 12,
            seeds={},
            rng=rng,
        )
        for kind, placed in (("health", health), ("dental", dental)):
            for key, days in placed.items():
                for day in days:
                    self.rec.health_checks.append((key, kind, day))
        # Reassessments of children in care (calibration target cic_assessment_gt_12m).
        seeds: dict[int, list[date]] = defaultdict(list)
        for a in self.rec.assessments:
            if a[3] is not None:
                seeds[a[0]].append(a[3])
        stale = Schedule(P.CIC_ASSESSMENT_STALE)
        dates = sorted(set(quarters) | {d for d in P.CIC_ASSESSMENT_STALE if d <= self.as_at})

        def stale_cohort(q: date) -> list[Member]:
            return [Member(j.child, j.period.start) for j in care if j.period.open_at(q)]

        placed = place_checks(
            dates=dates,
            cohort=stale_cohort,
            late_count=lambda q, n: min(n, round(stale(q) * self.factor)),
            window_months=lambda key, q: 12,
            seeds=seeds,
            rng=rng,
        )
        referral_by_child: dict[int, list[Journey]] = {}
        for j in care:
            referral_by_child.setdefault(j.child, []).append(j)
        taken = {(a[0], a[2]) for a in self.rec.assessments}
        in_time = Quota(Schedule(P.ASSESSMENT_45D, quarterly=True), rng)
        for key, days in placed.items():
            for auth in days:
                js = [j for j in referral_by_child.get(key, []) if j.period.start <= auth]
                ri = self.referral_of.get(id(js[-1])) if js else None
                length = rng.randint(12, 40) if in_time(auth) else rng.randint(48, 70)
                start = sub_wd(auth, length)
                while (key, start) in taken:
                    start -= timedelta(days=1)
                taken.add((key, start))
                self.rec.assessments.append((key, ri, start, auth))
        # Reassessments under way at D, all inside 45 working days.
        open_now = [j for j in care if j.end is None]
        for j in rng.sample(
            open_now, min(len(open_now), round(P.D_CIC_OPEN_REASSESSMENTS * self.factor))
        ):
            start = sub_wd(self.as_at, rng.randint(1, 40))
            if (j.child, start) not in taken and start > j.period.start:
                taken.add((j.child, start))
                self.rec.assessments.append((j.child, self.referral_of.get(id(j)), start, None))

    def run(self) -> Records:
        self.front_door()
        self.casework()
        self.even_up_reviews()
        self.visit_plan()
        self.control_seen()
        self.control_not_seen()
        self.write_visits()
        self.checks()
        return self.rec
