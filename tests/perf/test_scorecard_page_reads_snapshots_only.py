"""The scorecard page, once the quarter's nightly snapshot exists, reads snapshot rows (and
targets, benchmarks and the scope picker) in at most five statements, never the case record, and
the same number whatever the number of teams."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import Team
from scorecard import queries
from scorecard.models import KpiSnapshot

pytestmark = pytest.mark.django_db

PAGE = "/scorecard/2018-19-Q2/"
# Every signed-in request reads the session, the user and their groups, whatever the page, and
# saves the session in a transaction (savepoints inside the test's transaction).
FRAMEWORK = re.compile(r'"django_session"|FROM "accounts_user"|"auth_group"|^(RELEASE )?SAVEPOINT')
CASE_RECORD = re.compile(r'"casework_(?!team"|servicearea"|worker")\w+"')


def _snapshots(days: list[date]) -> None:
    KpiSnapshot.objects.bulk_create(
        KpiSnapshot(
            code=m.code,
            scope_level="council",
            scope_id=0,
            date=day,
            numerator=40 + n if m.unit == "percent" else None,
            denominator=80 if m.unit == "percent" else None,
            value=Decimal(50 + n),
            computed_at=timezone.now(),
        )
        for n, day in enumerate(days)
        for m in queries.scorecard_measures()
    )


def _page_statements(client) -> tuple[list[str], str]:
    client.get(PAGE, {"scope": "council"})  # warm: the calendar, the registry
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE, {"scope": "council"})
    assert response.status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries if not FRAMEWORK.search(q["sql"])]
    return sqls, response.content.decode()


def test_scorecard_page_reads_snapshot_rows_only_in_five_statements(cast, as_user):
    _snapshots([date(2018, 6, 30), date(2018, 9, 30)])
    client = as_user(cast.leader)
    sqls, html = _page_statements(client)

    assert "Figures from the nightly snapshot of 30 September 2018" in html
    assert len(sqls) <= 5, "\n".join(s[:150] for s in sqls)
    assert not [s for s in sqls if CASE_RECORD.search(s)]
    # The figure and its direction of travel both come from the snapshot rows.
    row = html[html.index('id="measure-open_children"') :]
    row = row[: row.index("</tr>")]
    assert "51" in row
    assert "50" in row

    area = cast.team_a1.service_area
    Team.objects.bulk_create(Team(name=f"Extra team {n}", service_area=area) for n in range(30))
    more, _ = _page_statements(client)
    assert len(more) == len(sqls)
