"""The Annex A export runs in a fixed number of queries whatever the number of children: one
for the teams and one per list, never one per child."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.annex_a_export import build_lists
from casework.models import MissingEpisode
from tests import factories as f

AS_AT = date(2018, 9, 30)
# Teams, then lists 1, 3, 4, 5, 6, 7, 8 and 9 (2, 10 and 11 have no records to read).
QUERIES = 9


def add_children(team, n: int) -> None:
    """n children on each list, with the history every computed column reads."""
    worker = f.WorkerFactory(team=team)
    for _ in range(n):
        cin = f.ChildFactory()
        f.ContactFactory(child=cin)
        f.ReferralFactory(child=cin, team=team, referral_date=date(2018, 7, 2))
        f.AssessmentFactory(child=cin, start_date=date(2018, 7, 3))
        f.InvolvementFactory(child=cin, worker=worker, team=team, start_date=date(2018, 7, 3))
        cp = f.ChildFactory()
        f.ReferralFactory(child=cp, team=team, referral_date=date(2018, 6, 1))
        f.Section47Factory(child=cp, start_date=date(2018, 7, 9))
        f.CPPlanFactory(child=cp, start_date=date(2018, 8, 1))
        cic = f.ChildFactory()
        f.CareEpisodeFactory(
            child=cic, start_date=date(2017, 3, 1), end_date=date(2018, 1, 1), rec="X1"
        )
        f.CareEpisodeFactory(child=cic, start_date=date(2018, 1, 1), rne="P", urn="SC000001")
        MissingEpisode.objects.create(child=cic, kind="M", start_date=date(2018, 5, 1))
        f.HealthCheckFactory(child=cic, date=date(2018, 1, 15))
        f.InvolvementFactory(child=cic, worker=worker, team=team, start_date=date(2017, 3, 1))
        ceased = f.ChildFactory()
        f.CareEpisodeFactory(
            child=ceased, start_date=date(2017, 3, 1), end_date=date(2018, 6, 1), rec="E13"
        )
        f.CareLeaverFactory(child=f.ChildFactory())


def export_queries() -> tuple[int, dict[int, int]]:
    with CaptureQueriesContext(connection) as queries:
        lists = build_lists(AS_AT)
    return len(queries), {n: len(rows) for n, rows in lists.items() if rows}


def test_export_runs_the_same_queries_for_1_and_6_children_a_list(cast):
    add_children(cast.team_a1, 1)
    few, few_rows = export_queries()
    add_children(cast.team_a1, 5)
    many, many_rows = export_queries()
    assert many_rows[8] == few_rows[8] + 10  # in care and ceased, 5 more of each
    assert few == many == QUERIES
