"""A quarter end whose nightly rollup has run reads its figures from the snapshot; otherwise the
page calculates them now and says so."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from scorecard import queries
from scorecard.models import KpiSnapshot

pytestmark = pytest.mark.django_db

PAGE = "/scorecard/2018-19-Q2/"


def _snapshot_everything(day: date, value: int) -> None:
    KpiSnapshot.objects.bulk_create(
        KpiSnapshot(
            code=m.code,
            scope_level="council",
            scope_id=0,
            date=day,
            numerator=value if m.unit == "percent" else None,
            denominator=value if m.unit == "percent" else None,
            value=Decimal(value),
            computed_at=timezone.now(),
        )
        for m in queries.scorecard_measures()
    )


def test_complete_snapshot_is_what_the_page_shows(cast, as_user):
    _snapshot_everything(date(2018, 9, 30), 3922)
    html = as_user(cast.leader).get(PAGE, {"scope": "council"}).content.decode()
    assert "Figures from the nightly snapshot of 30 September 2018" in html
    row = html[html.index('id="measure-open_children"') :]
    assert "3,922" in row[: row.index("</tr>")]


def test_without_a_snapshot_the_page_calculates_now(cast, as_user):
    html = as_user(cast.leader).get(PAGE, {"scope": "council"}).content.decode()
    assert "Figures calculated now from the case record." in html


def test_scorecard_export_uses_the_same_snapshot(cast, as_user):
    _snapshot_everything(date(2018, 9, 30), 3922)
    response = as_user(cast.leader).get("/scorecard/2018-19-Q2/scorecard.csv")
    assert ",open_children,Children open to social care," in response.content.decode()
    assert "3922" in response.content.decode()
