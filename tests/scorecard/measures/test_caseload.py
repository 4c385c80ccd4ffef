"""Caseload measures: categories, allocation and workers' caseloads at their boundaries."""

from datetime import date

import pytest

from casework.models import Worker
from scorecard.measures import MeasureScope, Period, get
from tests import factories as f

AT = Period.as_at_date(date(2018, 9, 30))


def ids(code: str, period: Period = AT, scope: MeasureScope | None = None, **filters) -> set:
    measure = get(code)
    rows = measure.scoped_rows(period, scope) if scope else measure.rows(period)
    return set(rows.filter(**filters).values_list("child_id", flat=True))


def open_child(team, referral_date=date(2018, 6, 1), **extra):
    child = f.ChildFactory(**extra)
    f.ReferralFactory(child=child, team=team, referral_date=referral_date)
    return child


def test_categories_follow_precedence_in_care_over_cp_over_care_leaver(cast):
    in_care = open_child(cast.team_b1)
    f.CareEpisodeFactory(child=in_care, start_date=date(2018, 2, 1))
    f.CPPlanFactory(child=in_care, start_date=date(2018, 1, 1))
    on_plan = open_child(cast.team_a1)
    f.CPPlanFactory(child=on_plan, start_date=date(2018, 6, 1))
    short_breaks = open_child(cast.team_a1)
    f.CareEpisodeFactory(child=short_breaks, legal_status="V3")

    assert ids("cic_count") == {in_care.pk}
    assert ids("cp_count") == {on_plan.pk}
    assert short_breaks.pk in ids("cin_count")
    assert in_care.pk not in ids("cin_count")
    assert get("open_children").result(AT).value == 6


def test_plan_ending_on_the_as_at_date_is_closed_and_one_starting_on_it_is_open(cast):
    ending = open_child(cast.team_a1)
    f.CPPlanFactory(child=ending, start_date=date(2018, 1, 1), end_date=AT.as_at)
    starting = open_child(cast.team_a1)
    f.CPPlanFactory(child=starting, start_date=AT.as_at)

    assert ids("cp_count") == {starting.pk}
    assert ending.pk in ids("cin_count")


def test_unallocated_child_fails_allocated_pct_with_a_due_date(cast):
    waiting = open_child(cast.team_a2, referral_date=date(2018, 9, 24))

    result = get("allocated_pct").result(AT)
    assert (result.numerator, result.denominator) == (3, 4)
    row = get("allocated_pct").failing(AT).get()
    assert row.child_id == waiting.pk
    assert row.team_id == cast.team_a2.pk
    # Monday 24 Sep + 5 working days = Monday 1 Oct.
    assert row.due_date == date(2018, 10, 1)
    assert row.basis_date == date(2018, 9, 24)


def test_allocation_ended_on_the_as_at_date_is_not_an_allocation(cast):
    cast.child_a1.involvements.update(end_date=AT.as_at)
    assert cast.child_a1.pk in ids("allocated_pct", in_numerator=False)


def test_allocated_timely_counts_five_working_days_across_easter(cast):
    # Thursday 29 Mar 2018; Good Friday and Easter Monday are bank holidays, so the fifth working
    # day after is Monday 9 April.
    on_time = open_child(cast.team_a1, referral_date=date(2018, 3, 29))
    f.InvolvementFactory(child=on_time, worker=cast.worker_a1, start_date=date(2018, 4, 9))
    late = open_child(cast.team_a1, referral_date=date(2018, 3, 29))
    f.InvolvementFactory(child=late, worker=cast.worker_a1, start_date=date(2018, 4, 10))

    assert on_time.pk in ids("allocated_timely_pct", in_numerator=True)
    assert late.pk in ids("allocated_timely_pct", in_numerator=False)


def test_unallocated_child_is_timely_until_the_window_closes(cast):
    child = open_child(cast.team_a1, referral_date=date(2018, 9, 24))
    friday = Period.as_at_date(date(2018, 9, 28))
    # Saturday 29 Sep is still working day 4; Monday 1 Oct is day 5; Tuesday is day 6.
    assert child.pk in ids("allocated_timely_pct", friday, in_numerator=True)
    assert child.pk in ids(
        "allocated_timely_pct", Period.as_at_date(date(2018, 10, 1)), in_numerator=True
    )
    assert child.pk in ids(
        "allocated_timely_pct", Period.as_at_date(date(2018, 10, 2)), in_numerator=False
    )
    row = get("allocated_timely_pct").rows(friday).get(pk=child.pk)
    assert row.due_date == date(2018, 10, 1)


def test_allocation_open_before_the_referral_counts_from_the_referral(cast):
    child = open_child(cast.team_a1, referral_date=date(2018, 9, 3))
    f.InvolvementFactory(child=child, worker=cast.worker_a1, start_date=date(2017, 5, 1))
    assert child.pk in ids("allocated_timely_pct", in_numerator=True)


def allocate(worker, n):
    for _ in range(n):
        f.InvolvementFactory(worker=worker, start_date=date(2018, 1, 2))


def test_social_workers_over_20_and_25_exclude_exactly_the_limit(cast):
    exactly_20 = f.WorkerFactory(team=cast.team_a1)
    allocate(exactly_20, 20)
    over_20 = f.WorkerFactory(team=cast.team_a1)
    allocate(over_20, 21)
    over_25 = f.WorkerFactory(team=cast.team_a2)
    allocate(over_25, 26)
    manager = f.WorkerFactory(team=cast.team_a2, role=Worker.Role.TEAM_MANAGER)
    allocate(manager, 30)

    workers = lambda code: set(get(code).rows(AT).values_list("worker_id", flat=True))  # noqa: E731
    assert workers("sw_over_20") == {over_20.pk, over_25.pk}
    assert workers("sw_over_25") == {over_25.pk}
    assert get("sw_over_20").result(AT, MeasureScope("team", cast.team_a1.pk)).value == 1
    assert get("sw_over_20").result(AT, MeasureScope("service_area", cast.area_a.pk)).value == 2
    # The cast's three social workers, plus the four above, hold cases.
    assert get("case_holding_workers").result(AT).value == 7


def test_case_holding_workers_exclude_allocations_ended_by_the_as_at_date(cast):
    cast.child_b1.involvements.update(end_date=AT.as_at)
    workers = set(get("case_holding_workers").rows(AT).values_list("worker_id", flat=True))
    assert workers == {cast.worker_a1.pk, cast.worker_a2.pk}
    row = get("case_holding_workers").rows(AT).get(worker_id=cast.worker_a1.pk)
    assert (row.child_id, row.team_id, row.caseload) == (None, cast.team_a1.pk, 1)


@pytest.mark.parametrize(("fte", "children", "counted"), [("0.5", 10, True), ("0.5", 9, False)])
def test_part_time_worker_counts_at_a_full_time_caseload_of_20(cast, fte, children, counted):
    part_time = f.WorkerFactory(team=cast.team_a1, fte=fte)
    allocate(part_time, children)
    full_time = f.WorkerFactory(team=cast.team_a1, fte=1)
    allocate(full_time, 25)

    workers = set(get("part_time_fte_over_20").rows(AT).values_list("worker_id", flat=True))
    assert workers == ({part_time.pk} if counted else set())


def test_allocated_pct_scopes_by_team_area_and_worker(cast):
    open_child(cast.team_a2, referral_date=date(2018, 9, 24))
    measure = get("allocated_pct")

    team_a2 = measure.result(AT, MeasureScope("team", cast.team_a2.pk))
    assert (team_a2.numerator, team_a2.denominator) == (1, 2)
    area_a = measure.result(AT, MeasureScope("service_area", cast.area_a.pk))
    assert (area_a.numerator, area_a.denominator) == (2, 3)
    worker = measure.result(AT, MeasureScope("worker", cast.worker_b1.pk))
    assert (worker.numerator, worker.denominator) == (1, 1)


def test_care_episode_or_referral_ending_on_the_as_at_date_is_closed(cast):
    left_care = f.ChildFactory()
    f.CareEpisodeFactory(child=left_care, start_date=date(2018, 2, 1), end_date=AT.as_at)
    closed = f.ChildFactory()
    f.ReferralFactory(
        child=closed, team=cast.team_a1, referral_date=date(2018, 2, 1), closure_date=AT.as_at
    )
    assert ids("open_children") == {cast.child_a1.pk, cast.child_a2.pk, cast.child_b1.pk}
    day_before = Period.as_at_date(date(2018, 9, 29))
    assert ids("cic_count", day_before) == {left_care.pk}
    assert closed.pk in ids("cin_count", day_before)


def test_care_leaver_without_a_referral_is_timed_from_the_care_leaver_record(cast):
    leaver = f.ChildFactory()
    f.CareLeaverFactory(child=leaver, start_date=date(2018, 9, 24))
    row = get("allocated_timely_pct").rows(Period.as_at_date(date(2018, 9, 28))).get(pk=leaver.pk)
    assert (row.basis_date, row.due_date, row.in_numerator) == (
        date(2018, 9, 24),
        date(2018, 10, 1),
        True,
    )
    assert leaver.pk in ids("allocated_pct", in_numerator=False)
