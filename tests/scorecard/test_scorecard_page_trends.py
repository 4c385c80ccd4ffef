"""Trend sparklines on the scorecard come from quarter-end snapshots, and say so when there are
none."""

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from scorecard.models import KpiSnapshot

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
QUARTER_ENDS = [
    date(2017, 3, 31),
    date(2017, 6, 30),
    date(2017, 9, 30),
    date(2017, 12, 31),
    date(2018, 3, 31),
    date(2018, 6, 30),
    date(2018, 9, 30),
]


def _row(html: str, code: str) -> str:
    row = html[html.index(f'id="measure-{code}"') :]
    return row[: row.index("</tr>")]


def test_trend_of_six_or_more_quarters_is_an_svg_with_a_title(cast, as_user):
    for i, day in enumerate(QUARTER_ENDS):
        KpiSnapshot.objects.create(
            code="cp_count",
            scope_level="council",
            scope_id=0,
            date=day,
            value=Decimal(780 + 10 * i),
            computed_at=timezone.now(),
        )
    html = as_user(cast.leader).get("/scorecard/2018-19-Q2/", {"scope": "council"}).content
    row = _row(html.decode(), "cp_count")
    svg = row[row.index("<svg") : row.index("</svg>") + 6]
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") in root.get("aria-labelledby")
    assert "780" in title.text and "840" in title.text
    assert root.find(f"{SVG}polyline") is not None


def test_no_snapshots_reads_no_trend_data(cast, as_user):
    html = as_user(cast.leader).get("/scorecard/2018-19-Q2/", {"scope": "council"}).content
    assert "No trend data" in _row(html.decode(), "cp_count")
