"""Every invariant of the case record is held by the database, not only by forms: each bad row is
refused with an IntegrityError when saved directly, and with a ValidationError carrying a
readable message from full_clean() (what the admin and every form show).

One case per constraint; test_every_constraint_has_a_case fails when a constraint is added to
casework/models.py without a case here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from casework import models as m
from tests import factories as f
from tests.factories import aware

pytestmark = pytest.mark.django_db

CHILD_A = "C-CONSTRAINT-1"


def _child() -> Any:
    return f.ChildFactory(la_child_id=CHILD_A)


@dataclass(frozen=True)
class Case:
    name: str  # the constraint (or unique field) refused
    build: Callable[[], models.Model]  # saves what must exist, returns the bad unsaved row
    message: str  # what full_clean() says


def _ended_before_started(factory: Any, **dates: date) -> Callable[[], models.Model]:
    def build() -> models.Model:
        if factory is f.InvolvementFactory:
            worker = f.WorkerFactory()
            return factory.build(child=_child(), worker=worker, team=worker.team, **dates)
        return factory.build(child=_child(), **dates)

    return build


def _second_direct(model: Any, **fields: Any) -> models.Model:
    """A row of a model with no factory that repeats an existing row's natural key."""
    child = _child()
    model.objects.create(child=child, **fields)
    return model(child=child, **fields)


def _second(factory: Any, **fields: Any) -> Callable[[], models.Model]:
    """A row that repeats an existing row's natural key."""

    def build() -> models.Model:
        child = _child()
        factory(child=child, **fields)
        return factory.build(child=child, **fields)

    return build


def _worker(**fields) -> Callable[[], models.Model]:
    return lambda: f.WorkerFactory.build(team=f.TeamFactory(), **fields)


def _second_involvement() -> models.Model:
    child = _child()
    f.InvolvementFactory(child=child, start_date=date(2018, 1, 2))
    worker = f.WorkerFactory()
    return f.InvolvementFactory.build(
        child=child, worker=worker, team=worker.team, start_date=date(2018, 3, 1)
    )


def _second_open_care_leaver() -> models.Model:
    child = _child()
    f.CareLeaverFactory(child=child, start_date=date(2017, 6, 1))
    return f.CareLeaverFactory.build(child=child, start_date=date(2018, 6, 1))


def _second_referral() -> models.Model:
    child, team = _child(), f.TeamFactory()
    f.ReferralFactory(child=child, team=team, referral_date=date(2018, 1, 2))
    return f.ReferralFactory.build(child=child, team=team, referral_date=date(2018, 1, 2))


def _second_review_due() -> models.Model:
    plan = f.CPPlanFactory(child=_child())
    f.CPReviewFactory(cp_plan=plan, due_date=date(2018, 9, 1))
    return f.CPReviewFactory.build(cp_plan=plan, child=plan.child, due_date=date(2018, 9, 1))


def _second_care_review() -> models.Model:
    child = _child()
    m.CareReview.objects.create(child=child, held_date=date(2018, 5, 1))
    return m.CareReview(child=child, held_date=date(2018, 5, 1))


def _risk(**scores) -> Callable[[], models.Model]:
    values = {"likelihood": 3, "impact": 3} | scores
    return lambda: m.StrategicRisk(
        title="Recording delays", owner="Head of service", quarter_end=date(2018, 9, 30), **values
    )


def _second_risk() -> models.Model:
    _risk()().save()
    return _risk()()


def _voice_account(with_child: bool, with_worker: bool) -> Callable[[], models.Model]:
    def build() -> models.Model:
        return m.VoiceAccount(
            child=_child() if with_child else None,
            worker=f.WorkerFactory.create() if with_worker else None,
            opened_date=date(2018, 4, 1),
        )

    return build


def _closed_before_opened() -> models.Model:
    return m.VoiceAccount(
        child=_child(), opened_date=date(2018, 4, 1), closed_date=date(2018, 3, 1)
    )


def _decided_before_received() -> models.Model:
    return f.ContactFactory.build(
        child=_child(),
        received_at=aware(date(2018, 8, 2), 9),
        decided_at=aware(date(2018, 8, 1), 17),
    )


def _second_closure_day() -> models.Model:
    m.CouncilClosureDay.objects.create(date=date(2018, 12, 27), reason="Closed")
    return m.CouncilClosureDay(date=date(2018, 12, 27), reason="Closed again")


def _second_child() -> models.Model:
    _child()
    return f.ChildFactory.build(la_child_id=CHILD_A)


def _second_worker() -> models.Model:
    team = f.TeamFactory()
    f.WorkerFactory(staff_id="SW-DUP", team=team)
    return f.WorkerFactory.build(staff_id="SW-DUP", team=team)


def _second_team() -> models.Model:
    team: m.Team = f.TeamFactory.create(name="Front Door")
    return m.Team(name="Front Door", service_area=team.service_area, kind=m.Team.Kind.FRONT_DOOR)


def _second_area() -> models.Model:
    m.ServiceArea.objects.create(name="Early help")
    return m.ServiceArea(name="Early help")


def _dead_before_born() -> models.Model:
    return f.ChildFactory.build(date_of_birth=date(2018, 5, 1), date_of_death=date(2018, 4, 1))


def _seen_alone_not_seen() -> models.Model:
    return f.VisitFactory.build(child=_child(), child_seen=False, seen_alone=True)


def _complaint_stage(stage: int) -> Callable[[], models.Model]:
    return lambda: f.ComplaintFactory.build(stage=stage)


BEFORE = {"start_date": date(2018, 5, 1), "end_date": date(2018, 4, 30)}

CASES = [
    # End before start, on every dated model.
    Case(
        "worker_end_date_not_before_start_date",
        _worker(**BEFORE),
        "The end date cannot be before the start date.",
    ),
    Case(
        "involvement_end_date_not_before_start_date",
        _ended_before_started(f.InvolvementFactory, **BEFORE),
        "The end date cannot be before the start date.",
    ),
    Case(
        "contact_decided_at_not_before_received_at",
        _decided_before_received,
        "The decision cannot be before the contact was received.",
    ),
    Case(
        "referral_closure_date_not_before_referral_date",
        lambda: f.ReferralFactory.build(
            child=_child(),
            team=f.TeamFactory(),
            referral_date=date(2018, 5, 1),
            closure_date=date(2018, 4, 1),
        ),
        "The closure date cannot be before the referral date.",
    ),
    Case(
        "assessment_authorised_date_not_before_start_date",
        _ended_before_started(
            f.AssessmentFactory, start_date=date(2018, 5, 1), authorised_date=date(2018, 4, 1)
        ),
        "The authorised date cannot be before the start date.",
    ),
    Case(
        "cinplan_end_date_not_before_start_date",
        _ended_before_started(f.CINPlanFactory, **BEFORE),
        "The end date cannot be before the start date.",
    ),
    Case(
        "section47_end_date_not_before_start_date",
        _ended_before_started(f.Section47Factory, **BEFORE),
        "The end date cannot be before the start date.",
    ),
    Case(
        "cpplan_end_date_not_before_start_date",
        _ended_before_started(f.CPPlanFactory, **BEFORE),
        "The end date cannot be before the start date.",
    ),
    Case(
        "careepisode_end_date_not_before_start_date",
        _ended_before_started(f.CareEpisodeFactory, **BEFORE),
        "The end date cannot be before the start date.",
    ),
    Case(
        "careleaver_end_date_not_before_start_date",
        _ended_before_started(f.CareLeaverFactory, **BEFORE),
        "The end date cannot be before the start date.",
    ),
    Case(
        "voiceaccount_closed_date_not_before_opened_date",
        _closed_before_opened,
        "The closed date cannot be before the opened date.",
    ),
    Case(
        "child_death_not_before_birth",
        _dead_before_born,
        "The date of death cannot be before the date of birth.",
    ),
    # One open record of a kind per child.
    Case(
        "one_open_involvement_of_a_role_per_child",
        _second_involvement,
        "This child already has an open involvement of this role.",
    ),
    Case(
        "one_open_care_leaver_record_per_child",
        _second_open_care_leaver,
        "This child already has an open care leaver record.",
    ),
    # Rules of one row.
    Case(
        "visit_seen_alone_needs_seen",
        _seen_alone_not_seen,
        "A child who was not seen cannot have been seen alone.",
    ),
    Case(
        "worker_fte_between_0_and_1",
        _worker(fte=Decimal("1.20")),
        "FTE must be more than 0 and at most 1.",
    ),
    Case("risk_scores_1_to_5", _risk(likelihood=6), "Likelihood and impact are scored 1 to 5."),
    Case("complaint_stage_1_to_3", _complaint_stage(4), "A complaint is at stage 1, 2 or 3."),
    Case(
        "voice_account_child_xor_worker",
        _voice_account(with_child=True, with_worker=True),
        "An account belongs to either a child or a worker.",
    ),
    # Unique natural keys.
    Case(
        "one_referral_per_child_per_day",
        _second_referral,
        "Referral with this Child and Referral date already exists.",
    ),
    Case(
        "one_assessment_per_child_per_day",
        _second(f.AssessmentFactory, start_date=date(2018, 1, 3)),
        "Assessment with this Child and Start date already exists.",
    ),
    Case(
        "one_cin_plan_per_day",
        _second(f.CINPlanFactory, start_date=date(2018, 3, 1)),
        "CIN plan with this Child and Start date already exists.",
    ),
    Case(
        "one_s47_per_day",
        _second(f.Section47Factory, start_date=date(2018, 8, 1)),
        "Section 47 enquiry with this Child and Strategy discussion already exists.",
    ),
    Case(
        "one_icpc_per_child_per_day",
        _second(f.InitialConferenceFactory, date=date(2018, 8, 20)),
        "Initial child protection conference with this Child and Date already exists.",
    ),
    Case(
        "one_cp_plan_per_day",
        _second(f.CPPlanFactory, start_date=date(2018, 6, 1)),
        "Child protection plan with this Child and Start date already exists.",
    ),
    Case(
        "one_cp_review_per_due",
        _second_review_due,
        "Child protection review with this Cp plan and Due date already exists.",
    ),
    Case(
        "one_care_episode_per_child_per_start",
        _second(f.CareEpisodeFactory, start_date=date(2018, 2, 1)),
        "Care episode with this Child and DECOM already exists.",
    ),
    Case(
        "one_held_episode_per_child_per_start",
        lambda: _second_direct(
            m.HeldEpisode, start_date=date(2018, 2, 1), return_year=2018, row={}
        ),
        "Held episode with this Child and DECOM already exists.",
    ),
    Case(
        "missingepisode_end_date_not_before_start_date",
        lambda: m.MissingEpisode(child=_child(), kind="M", **BEFORE),
        "The end date cannot be before the start date.",
    ),
    Case(
        "one_missing_episode_per_child_per_start",
        lambda: _second_direct(m.MissingEpisode, kind="A", start_date=date(2018, 2, 1)),
        "Missing episode with this Child and MIS_START already exists.",
    ),
    Case(
        "one_care_outcome_per_child_per_year",
        lambda: _second_direct(m.CareOutcome, collection_year=2019),
        "Care outcome with this Child and Collection year already exists.",
    ),
    Case(
        "one_open_episode_decision_per_episode",
        lambda: _second_direct(
            m.OpenEpisodeDecision, start_date=date(2018, 2, 1), last_reported_year=2018
        ),
        "Open episode decision with this Child and DECOM already exists.",
    ),
    Case(
        "one_care_review_per_day",
        _second_care_review,
        "Care review with this Child and Held date already exists.",
    ),
    Case(
        "one_check_of_a_kind_per_day",
        _second(f.HealthCheckFactory, kind="health", date=date(2018, 3, 1)),
        "Health check with this Child, Kind and Date already exists.",
    ),
    Case(
        "one_risk_per_quarter",
        _second_risk,
        "Strategic risk with this Title and Quarter end already exists.",
    ),
    Case("Child.la_child_id", _second_child, "Child with this LA child ID already exists."),
    Case("Worker.staff_id", _second_worker, "Worker with this Staff id already exists."),
    Case("Team.name", _second_team, "Team with this Name already exists."),
    Case("ServiceArea.name", _second_area, "Service area with this Name already exists."),
    Case(
        "CouncilClosureDay.date",
        _second_closure_day,
        "Council closure day with this Date already exists.",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_constraint_refuses_bad_row_in_full_clean_and_in_the_database(case):
    row = case.build()

    with pytest.raises(ValidationError) as cleaned:
        row.full_clean()
    assert case.message in cleaned.value.messages

    with pytest.raises(IntegrityError) as saved, transaction.atomic():
        row.save()
    # PostgreSQL and SQLite both name a check constraint; SQLite names columns for unique ones.
    error = str(saved.value)
    constraint = case.name if "." not in case.name else ""
    if constraint and not (connection.vendor == "sqlite" and "UNIQUE" in error):
        assert constraint in error


@pytest.mark.parametrize(
    "build",
    [
        _voice_account(with_child=False, with_worker=False),
        _risk(impact=0),
        _worker(fte=Decimal("0")),
        _complaint_stage(0),
    ],
    ids=["voice-account-neither", "risk-impact-0", "fte-0", "complaint-stage-0"],
)
def test_the_other_side_of_each_range_is_refused_too(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build().save()


def test_closed_records_do_not_block_a_new_open_one():
    child = _child()
    old = f.InvolvementFactory(child=child, start_date=date(2018, 1, 2))
    old.end_date = date(2018, 3, 1)
    old.save()
    worker = f.WorkerFactory()
    new = f.InvolvementFactory.build(
        child=child, worker=worker, team=worker.team, start_date=date(2018, 3, 1)
    )
    new.full_clean()
    new.save()
    f.CareLeaverFactory(child=child, end_date=date(2018, 1, 1))
    f.CareLeaverFactory(child=child, start_date=date(2018, 2, 1))
    assert m.CareLeaver.objects.filter(child=child).count() == 2


def test_every_constraint_has_a_case():
    tested = {case.name for case in CASES}
    declared = {
        constraint.name
        for model in apps.get_app_config("casework").get_models()
        for constraint in model._meta.constraints
    }
    assert declared - tested == set()
