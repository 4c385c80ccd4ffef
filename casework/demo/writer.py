"""Writes one generated unit to the database with bulk_create in batches: no per-row save, and
model instances are built a batch at a time so memory stays flat at any scale."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice

from django.db import models
from faker import Faker

from casework import models as m
from casework.demo.activity import LONDON, Records
from casework.demo.extras import Extras
from casework.demo.people import Kid
from casework.demo.workforce import Piece, Staff, TeamSpec

BATCH = 5000
ETHNICITIES = ("WBRI",) * 16 + ("WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "BAFR", "BCRB", "CHNE", "OOTH", "WIRT")
WORKER_ROLES = {
    "social_worker": m.Worker.Role.SOCIAL_WORKER,
    "asye": m.Worker.Role.ASYE,
    "senior_practitioner": m.Worker.Role.SENIOR_PRACTITIONER,
    "team_manager": m.Worker.Role.TEAM_MANAGER,
    "head_of_service": m.Worker.Role.HEAD_OF_SERVICE,
    "personal_adviser": m.Worker.Role.PERSONAL_ADVISER,
}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Writer:
    def __init__(self, unit: int, rng: random.Random, fake: Faker, tick: Callable[[int], None]):
        self.unit = unit
        self.rng = rng
        self.fake = fake
        self.tick = tick
        self.counts: dict[str, int] = {}

    def bulk(self, model: type[models.Model], rows: Iterable[models.Model], keep: bool = False) -> list:
        """bulk_create in batches; returns the saved objects (with primary keys) when `keep`."""
        kept: list = []
        iterator: Iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            model.objects.bulk_create(batch, batch_size=BATCH)
            if keep:
                kept.extend(batch)
            self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(batch)
            self.tick(len(batch))
        return kept

    def ids(self, model: type[models.Model], rows: Iterable[models.Model]) -> list[int]:
        return [obj.pk for obj in self.bulk(model, rows, keep=True)]

    # --- structure and people -----------------------------------------------------------------

    def teams(self, teams: list[TeamSpec]) -> list[int]:
        areas = {}
        for t in teams:
            if t.area not in areas:
                areas[t.area] = m.ServiceArea.objects.get_or_create(name=t.area)[0].pk
        return self.ids(
            m.Team,
            (
                m.Team(public_id=_uuid(self.rng), name=t.name, service_area_id=areas[t.area], kind=t.kind)
                for t in teams
            ),
        )

    def workers(self, staff: list[Staff], team_ids: list[int]) -> list[int]:
        def row(w: Staff) -> m.Worker:
            return m.Worker(
                public_id=_uuid(self.rng),
                staff_id=f"W{self.unit:02d}{w.index:05d}",
                name=self.fake.name(),
                role=WORKER_ROLES[w.role],
                fte=Decimal(str(w.fte)),
                team_id=team_ids[w.team.index],
                agency=w.agency,
                start_date=w.start,
                end_date=w.end,
            )

        return self.ids(m.Worker, (row(w) for w in staff))

    def children(self, kids: list[Kid]) -> list[int]:
        fake, rng = self.fake, self.rng

        def row(k: Kid) -> m.Child:
            first = fake.first_name_male() if k.sex == "M" else fake.first_name_female()
            return m.Child(
                public_id=_uuid(rng),
                la_child_id=f"{self.unit:02d}{k.index:07d}",
                first_name=first,
                last_name=fake.last_name(),
                date_of_birth=k.dob,
                sex=k.sex,
                ethnicity=rng.choice(ETHNICITIES),
                upn=f"{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}{rng.randrange(10**12):012d}",
                disability=k.disabled,
                postcode=f"AN{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            )

        return self.ids(m.Child, (row(k) for k in kids))

    def involvements(self, pieces: list[Piece], child_ids: list[int], worker_ids: list[int], team_ids: list[int]) -> None:
        pieces = sorted(pieces, key=lambda p: (p.child, p.start))
        self.bulk(
            m.Involvement,
            (
                m.Involvement(
                    child_id=child_ids[p.child],
                    worker_id=worker_ids[p.worker.index],
                    team_id=team_ids[p.worker.team.index],
                    role=m.Involvement.Role.ALLOCATED_WORKER,
                    start_date=p.start,
                    end_date=p.end,
                    reason_for_change=p.reason,
                )
                for p in pieces
            ),
        )

    # --- case records ---------------------------------------------------------------------------

    def records(self, rec: Records, child_ids: list[int], worker_ids: list[int], team_ids: list[int], mash: int) -> None:
        c = child_ids
        contact_ids = self.ids(
            m.Contact,
            (
                m.Contact(
                    child_id=c[child],
                    team_id=team_ids[mash],
                    received_at=received,
                    decided_at=decided,
                    outcome=outcome,
                    source=source,
                )
                for child, received, decided, outcome, source in rec.contacts
            ),
        )
        referral_ids = self.ids(
            m.Referral,
            (
                m.Referral(
                    child_id=c[child],
                    team_id=team_ids[team],
                    contact_id=contact_ids[contact] if contact is not None else None,
                    referral_date=ref,
                    source=source,
                    primary_need=need,
                    nfa=nfa,
                    closure_date=closed,
                    closure_reason=reason,
                )
                for child, team, contact, ref, source, need, nfa, closed, reason in rec.referrals
            ),
        )

        def rid(i: int | None) -> int | None:
            return referral_ids[i] if i is not None else None

        self.bulk(
            m.Assessment,
            (
                m.Assessment(child_id=c[child], referral_id=rid(ri), start_date=s, authorised_date=a)
                for child, ri, s, a in rec.assessments
            ),
        )
        self.bulk(
            m.CINPlan,
            (m.CINPlan(child_id=c[child], referral_id=rid(ri), start_date=s, end_date=e) for child, ri, s, e in rec.cin_plans),
        )
        s47_ids = self.ids(
            m.Section47,
            (
                m.Section47(
                    child_id=c[child],
                    referral_id=rid(ri),
                    start_date=s,
                    icpc_target_date=target,
                    icpc_not_required=not_required,
                    end_date=e,
                )
                for child, ri, s, target, not_required, e in rec.section47s
            ),
        )
        self.bulk(
            m.InitialConference,
            (
                m.InitialConference(child_id=c[child], section47_id=s47_ids[si], referral_id=rid(ri), date=d, plan_made=made)
                for child, si, ri, d, made in rec.icpcs
            ),
        )
        plan_ids = self.ids(
            m.CPPlan,
            (
                m.CPPlan(child_id=c[child], referral_id=rid(ri), start_date=s, end_date=e, initial_category=a, latest_category=b)
                for child, ri, s, e, a, b in rec.cp_plans
            ),
        )
        self.bulk(
            m.CPReview,
            (m.CPReview(child_id=c[child], cp_plan_id=plan_ids[pi], due_date=due, held_date=held) for child, pi, due, held in rec.cp_reviews),
        )
        self.bulk(
            m.CareEpisode,
            (
                m.CareEpisode(
                    child_id=c[row[0]],
                    start_date=row[1],
                    end_date=row[2],
                    rne=row[3],
                    legal_status=row[4],
                    cin=row[5],
                    place=row[6],
                    place_provider=row[7],
                    rec=row[8],
                    reason_place_change=row[9],
                    home_postcode=row[10],
                    placement_postcode=row[11],
                    placement_la=row[12],
                    in_area=row[13],
                    distance_miles=Decimal(str(row[14])),
                )
                for row in rec.episodes
            ),
        )
        self.bulk(
            m.CareReview,
            (m.CareReview(child_id=c[child], due_date=due, held_date=held, child_participation=pn) for child, due, held, pn in rec.care_reviews),
        )
        self.bulk(
            m.CareLeaver,
            (
                m.CareLeaver(
                    child_id=c[child],
                    eligibility=elig,
                    start_date=s,
                    end_date=e,
                    pathway_plan_date=plan,
                    latest_review_date=review,
                    personal_adviser_id=worker_ids[pa] if pa is not None else None,
                )
                for child, elig, s, e, plan, review, pa in rec.care_leavers
            ),
        )
        rng = self.rng
        self.bulk(
            m.Visit,
            (
                m.Visit(
                    public_id=_uuid(rng),
                    child_id=c[child],
                    worker_id=worker_ids[w] if w is not None else None,
                    date=d,
                    visit_type=kind,
                    child_seen=seen,
                    seen_alone=alone,
                    recorded_at=recorded,
                )
                for child, w, d, kind, seen, alone, recorded in rec.visits
            ),
        )
        self.bulk(
            m.HealthCheck,
            (m.HealthCheck(child_id=c[child], kind=kind, date=d) for child, kind, d in sorted(set(rec.health_checks))),
        )

    def extras(self, ex: Extras, child_ids: list[int], worker_ids: list[int], team_ids: list[int]) -> None:
        c = child_ids
        self.bulk(
            m.Complaint,
            (
                m.Complaint(
                    child_id=c[child] if child is not None else None,
                    team_id=team_ids[team] if team is not None else None,
                    received_date=d,
                    stage=stage,
                    outcome=outcome,
                )
                for child, team, d, stage, outcome in ex.complaints
            ),
        )
        self.bulk(
            m.VoiceAccount,
            [m.VoiceAccount(child_id=c[child], opened_date=o, closed_date=cl) for child, o, cl in ex.child_accounts]
            + [m.VoiceAccount(worker_id=worker_ids[w], opened_date=o, closed_date=cl) for w, o, cl in ex.worker_accounts],
        )
        self.bulk(
            m.VoiceStatement,
            (m.VoiceStatement(child_id=c[child], date=d, scenario=s) for child, d, s in ex.statements),
        )


def aware(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)
