"""The caseload chart's bands and the case-holding workers figure are built on one worker scope:
a worker belongs to their own team, with their whole caseload, wherever their children's
involvements were recorded. So at every scope the bands add up to case_holding_workers."""

from datetime import date

import pytest

from scorecard.measures import MeasureScope, Period, get
from scorecard.measures.caseload import caseload_bands
from tests import factories as f

AS_AT = date(2018, 9, 30)


@pytest.fixture
def lent_worker(cast):
    """worker_a1 (team A1) also holds 11 children whose involvements name team B1."""
    for _ in range(11):
        child = f.ChildFactory()
        f.ReferralFactory(child=child, team=cast.team_b1, referral_date=date(2018, 1, 2))
        f.InvolvementFactory(
            child=child, worker=cast.worker_a1, team=cast.team_b1, start_date=date(2018, 1, 3)
        )
    return cast


def scopes(cast) -> list[MeasureScope]:
    return [
        MeasureScope(),
        MeasureScope("service_area", cast.area_a.pk),
        MeasureScope("service_area", cast.area_b.pk),
        MeasureScope("team", cast.team_a1.pk),
        MeasureScope("team", cast.team_b1.pk),
        MeasureScope("worker", cast.worker_a1.pk),
    ]


def test_bands_add_up_to_case_holding_workers_at_every_scope(lent_worker):
    measure = get("case_holding_workers")
    for scope in scopes(lent_worker):
        banded = sum(n for _, n in caseload_bands(AS_AT, scope))
        held = measure.result(Period.as_at_date(AS_AT), scope).value
        assert banded == held, scope


def test_a_worker_is_banded_in_their_own_team_with_their_whole_caseload(lent_worker):
    cast = lent_worker
    own_team = dict(caseload_bands(AS_AT, MeasureScope("team", cast.team_a1.pk)))
    # Twelve children: the cast's one and the eleven recorded against team B1.
    assert own_team["11 to 15"] == 1 and own_team["1 to 10"] == 0
    other_team = dict(caseload_bands(AS_AT, MeasureScope("team", cast.team_b1.pk)))
    # Team B1 holds only its own worker, with the cast's one child.
    assert other_team == {
        "1 to 10": 1,
        "11 to 15": 0,
        "16 to 20": 0,
        "21 to 25": 0,
        "26 or more": 0,
    }


def test_bands_are_read_in_one_query(lent_worker, django_assert_num_queries):
    with django_assert_num_queries(1):
        caseload_bands(AS_AT, MeasureScope("team", lent_worker.team_a1.pk))
