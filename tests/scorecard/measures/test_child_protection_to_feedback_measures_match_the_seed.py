"""Every measure of the child protection, children in care, placement stability, health, voice,
feedback and recording sections: attributes as in the seed report, the row contract, and a fixed
number of queries whatever the number of children."""

import csv
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from casework.models import Complaint, VoiceAccount, VoiceStatement
from casework.workingdays import working_day_number
from scorecard.measures.base import ROW_FIELDS, Kind, MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f
from tests.factories import aware

# The repo keeps its own copy of the seed report's measures, so this never depends on shared/.
SEED = Path(settings.BASE_DIR) / "scorecard" / "data" / "seed-scorecard-2018-q2.csv"
SEED_CODES = [
    "cp_seen_10wd_pct",
    "cp_repeat_pct",
    "cp_lt_2y_pct",
    "icpc_15wd_pct",
    "rcpc_timely_pct",
    "cic_readmitted_q",
    "cic_readmission_12m_pct",
    "cic_s20",
    "cic_assessment_gt_12m",
    "pathway_plan_in_place_pct",
    "pathway_plan_current_pct",
    "cic_3plus_placements",
    "cic_out_of_county",
    "cic_health_check_pct",
    "cic_dental_check_pct",
    "momo_accounts",
    "momo_worker_accounts",
    "momo_statements_q",
    "momo_children_q",
    "complaints_q",
    "complaints_upheld_pct",
]
OTHER_CODES = ["visit_recorded_late_pct", "icpc_overdue", "rcpc_overdue"]
EXCEPTION_LISTS = {
    "cp_seen_10wd_pct",
    "icpc_overdue",
    "rcpc_overdue",
    "cic_assessment_gt_12m",
    "pathway_plan_in_place_pct",
    "pathway_plan_current_pct",
    "cic_3plus_placements",
    "cic_health_check_pct",
    "cic_dental_check_pct",
    "visit_recorded_late_pct",
}


def seed_rows() -> dict[str, dict]:
    with SEED.open(newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


@pytest.mark.parametrize("code", SEED_CODES)
def test_measure_attributes_match_the_seed_report(code):
    row, measure = seed_rows()[code], get(code)
    assert (measure.title, measure.section) == (row["measure"], row["section"])
    assert (measure.unit.value, measure.better.value) == (row["unit"], row["better"])
    if row["period"].startswith("at "):
        assert measure.kind == Kind.STOCK
    else:
        assert measure.kind == Kind.FLOW
        start, end = (date.fromisoformat(d) for d in row["period"].split(".."))
        assert measure.default_period(end) == Period(start, end)
    assert measure.on_scorecard is True


def test_exception_lists_are_set_only_where_surgeries_work_the_rows():
    for code in SEED_CODES + OTHER_CODES:
        assert (get(code).exception_list is not None) == (code in EXCEPTION_LISTS), code
    assert get("visit_recorded_late_pct").on_scorecard is True
    assert get("icpc_overdue").on_scorecard is get("rcpc_overdue").on_scorecard is False


def whole_record_children(team, worker) -> None:
    """A child on a plan and a child in care who between them touch every measure."""
    on_plan = f.ChildFactory()
    f.ReferralFactory(child=on_plan, team=team, referral_date=date(2016, 1, 4))
    f.InvolvementFactory(child=on_plan, worker=worker, team=team, start_date=date(2016, 1, 5))
    f.CPPlanFactory(child=on_plan, start_date=date(2014, 1, 6), end_date=date(2015, 1, 5))
    plan = f.CPPlanFactory(child=on_plan, start_date=date(2018, 6, 1))
    f.CPReviewFactory(cp_plan=plan, due_date=date(2018, 9, 1), held_date=date(2018, 8, 30))
    s47 = f.Section47Factory(child=on_plan, start_date=date(2018, 5, 1))
    f.InitialConferenceFactory(child=on_plan, section47=s47, date=date(2018, 7, 2))
    f.Section47Factory(child=on_plan, start_date=date(2018, 9, 3))
    f.VisitFactory(
        child=on_plan, worker=worker, date=date(2018, 9, 3), recorded_at=aware(date(2018, 9, 20))
    )

    in_care = f.ChildFactory(date_of_birth=date(2014, 3, 1))
    f.ReferralFactory(child=in_care, team=team, referral_date=date(2016, 1, 4))
    f.InvolvementFactory(child=in_care, worker=worker, team=team, start_date=date(2016, 1, 5))
    f.CareEpisodeFactory(child=in_care, start_date=date(2016, 1, 4), end_date=date(2016, 6, 1))
    for start, end, rne in (
        (date(2018, 7, 2), date(2018, 7, 20), "S"),
        (date(2018, 7, 20), date(2018, 8, 10), "P"),
        (date(2018, 8, 10), date(2018, 9, 1), "P"),
        (date(2018, 9, 1), None, "P"),
    ):
        f.CareEpisodeFactory(
            child=in_care, start_date=start, end_date=end, rne=rne, legal_status="V2", in_area=False
        )
    f.HealthCheckFactory(child=in_care, date=date(2018, 1, 1))
    # Dated dental checks recorded: without any the dental measure has no data.
    f.HealthCheckFactory(child=in_care, kind="dental", date=date(2018, 1, 1))
    f.CareLeaverFactory(child=in_care, pathway_plan_date=date(2018, 1, 1))
    VoiceAccount.objects.create(child=in_care, opened_date=date(2018, 1, 1))
    VoiceAccount.objects.create(worker=f.WorkerFactory(team=team), opened_date=date(2018, 1, 1))
    VoiceStatement.objects.create(child=in_care, date=date(2018, 8, 1))
    f.ComplaintFactory(child=in_care, team=team, outcome=Complaint.Outcome.UPHELD)


@pytest.mark.django_db
def test_each_measure_runs_a_fixed_number_of_queries_whatever_the_number_of_children(
    cast, django_assert_max_num_queries
):
    quarter_end = date(2018, 9, 30)
    scope = MeasureScope("service_area", cast.area_a.pk)
    for _ in range(2):
        whole_record_children(cast.team_a1, cast.worker_a1)
    working_day_number(quarter_end)  # load the per-process calendar cache once, up front
    before = {}
    for code in SEED_CODES + OTHER_CODES:
        measure = get(code)
        period = measure.default_period(quarter_end)
        with django_assert_max_num_queries(1):
            before[code] = measure.result(period, scope)
        with django_assert_max_num_queries(1):
            rows = list(measure.failing(period, scope))
        for row in rows:
            for field in ROW_FIELDS:
                assert hasattr(row, field), (code, field)
    for _ in range(4):
        whole_record_children(cast.team_a2, cast.worker_a2)
    grew = set()
    for code in SEED_CODES + OTHER_CODES:
        measure = get(code)
        with django_assert_max_num_queries(1):
            after = measure.result(measure.default_period(quarter_end), scope)
        if (after.numerator, after.denominator, after.value) != (
            before[code].numerator,
            before[code].denominator,
            before[code].value,
        ):
            grew.add(code)
    # Every measure sees the new children (the cohort really is set-based and scoped).
    assert grew == set(SEED_CODES + OTHER_CODES)
