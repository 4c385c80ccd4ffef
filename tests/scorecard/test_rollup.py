"""The rollup writes one snapshot per (measure, scope, date) equal to the live result, and
running it again changes nothing."""

from datetime import date

import pytest

from scorecard.measures import registry
from scorecard.measures.base import COUNCIL, MeasureScope
from scorecard.models import KpiSnapshot, RollupRun, ScopeLevel, SnapshotCohort
from scorecard.periods import measure_period
from scorecard.rollup import rollup_dates_in_process
from tests.scorecard.rollup_data import CODES, QUARTER_END, add_children

FIELDS = ("code", "scope_level", "scope_id", "date", "numerator", "denominator", "value")


def snapshot_rows() -> list[tuple]:
    return list(KpiSnapshot.objects.order_by(*FIELDS[:4]).values_list("pk", *FIELDS))


@pytest.fixture
def council(cast):
    add_children(cast, 4)
    return cast


def test_running_the_rollup_twice_gives_identical_rows(council):
    rollup_dates_in_process([QUARTER_END], codes=CODES)
    first = snapshot_rows()
    rollup_dates_in_process([QUARTER_END], codes=CODES)
    assert snapshot_rows() == first
    assert len(first) > len(CODES)


def test_every_snapshot_equals_the_measures_own_result_at_that_scope(council):
    rollup_dates_in_process([QUARTER_END], codes=CODES)
    snapshots = list(KpiSnapshot.objects.filter(date=QUARTER_END))
    levels = {s.scope_level for s in snapshots}
    assert levels == {"council", "service_area", "team", "worker"}
    for snap in snapshots:
        measure = registry.get(snap.code)
        scope = (
            COUNCIL
            if snap.scope_level == ScopeLevel.COUNCIL
            else MeasureScope(snap.scope_level, snap.scope_id)
        )
        live = measure.result(measure_period(measure, QUARTER_END), scope)
        assert (snap.numerator, snap.denominator, snap.value) == (
            live.numerator,
            live.denominator,
            live.value,
        ), f"{snap.code} at {snap.scope_level}:{snap.scope_id}"


def test_a_row_with_no_team_counts_at_council_only(council):
    rollup_dates_in_process([QUARTER_END], codes=["open_children"])
    rows = KpiSnapshot.objects.filter(code="open_children", date=QUARTER_END)
    council_value = rows.get(scope_level="council").value
    team_total = sum(r.value for r in rows.filter(scope_level="team"))
    area_total = sum(r.value for r in rows.filter(scope_level="service_area"))
    # 3 cast children + 4 allocated + 4 unallocated have teams; 4 in-care-only children do not.
    assert council_value == 15
    assert team_total == area_total == 11


def test_every_team_and_area_gets_a_row_even_with_nothing_to_count(council):
    rollup_dates_in_process([QUARTER_END], codes=["cic_count"])
    team_rows = KpiSnapshot.objects.filter(code="cic_count", scope_level="team")
    assert team_rows.count() == 3
    assert {r.value for r in team_rows} == {0}


def test_quarter_end_keeps_the_child_ids_behind_each_figure(council):
    rollup_dates_in_process([QUARTER_END], codes=["open_children", "allocated_pct"])
    snap = KpiSnapshot.objects.get(code="open_children", scope_level="council", date=QUARTER_END)
    measure = registry.get("open_children")
    live_ids = sorted(
        measure.rows(measure_period(measure, QUARTER_END)).values_list("pk", flat=True)
    )
    assert snap.cohort.numerator_ids == live_ids
    assert snap.cohort.child_ids == live_ids
    pct = KpiSnapshot.objects.get(code="allocated_pct", scope_level="council", date=QUARTER_END)
    assert len(pct.cohort.denominator_ids) == pct.denominator
    assert len(pct.cohort.numerator_ids) == pct.numerator


def test_cohorts_are_replaced_not_duplicated_on_a_rerun(council):
    rollup_dates_in_process([QUARTER_END], codes=["open_children"])
    count = SnapshotCohort.objects.count()
    rollup_dates_in_process([QUARTER_END], codes=["open_children"])
    assert SnapshotCohort.objects.count() == count > 0


def test_no_cohort_is_kept_on_other_dates(council):
    rollup_dates_in_process([date(2018, 9, 29)], codes=["open_children"])
    assert KpiSnapshot.objects.filter(date=date(2018, 9, 29)).exists()
    assert not SnapshotCohort.objects.exists()


def test_a_worker_who_left_loses_the_snapshot_of_a_rerun_date(council):
    from tests import factories as f

    leaver = f.WorkerFactory(team=council.team_a1)
    rollup_dates_in_process([QUARTER_END], codes=["case_holding_workers"])
    assert KpiSnapshot.objects.filter(scope_level="worker", scope_id=leaver.pk).exists()
    leaver.end_date = date(2018, 9, 1)
    leaver.save()
    rollup_dates_in_process([QUARTER_END], codes=["case_holding_workers"])
    assert not KpiSnapshot.objects.filter(scope_level="worker", scope_id=leaver.pk).exists()


def test_the_run_is_recorded_with_its_chunks_and_timings(council):
    run = rollup_dates_in_process([QUARTER_END, date(2018, 9, 29)], codes=CODES)
    assert run.status == RollupRun.Status.SUCCEEDED
    assert run.finished_at is not None
    assert run.chunks_done == run.chunks_expected == 4  # 2 dates x 2 chunks of up to 4 codes
    assert set(run.timings["2018-09-30"]) == set(CODES)
    assert KpiSnapshot.objects.filter(run=run).count() == KpiSnapshot.objects.count()


def test_a_failing_measure_is_recorded_and_the_others_still_complete(council, monkeypatch):
    measure = registry.get("cp_count")

    def broken(period):
        raise RuntimeError("measure under construction")

    monkeypatch.setattr(measure, "rows", broken)
    run = rollup_dates_in_process([QUARTER_END], codes=CODES)
    assert run.status == RollupRun.Status.FAILED
    assert "cp_count" in run.error
    assert run.finished_at is not None
    assert run.timings["2018-09-30"]["cp_count"] is None
    assert not KpiSnapshot.objects.filter(code="cp_count").exists()
    assert KpiSnapshot.objects.filter(code="open_children").exists()


def test_a_quarter_end_figure_can_be_reproduced_after_the_data_changes(council):
    from scorecard.queries import snapshot_cohort
    from tests import factories as f

    rollup_dates_in_process([QUARTER_END], codes=["open_children"])
    team = MeasureScope("team", council.team_a1.pk)
    before = snapshot_cohort("open_children", team, QUARTER_END)
    # A late-recorded referral changes the live figure; the stored cohort does not change.
    f.ReferralFactory(team=council.team_a1, referral_date=date(2018, 9, 1))
    measure = registry.get("open_children")
    live = measure.result(measure_period(measure, QUARTER_END), team).value
    assert live == len(before.numerator_ids) + 1
    assert snapshot_cohort("open_children", team, QUARTER_END).numerator_ids == before.numerator_ids
