"""The scorecard, a drill-down and the charts pass axe (WCAG 2.2 AA rules) in a real browser,
with a senior leader (aggregates) and a team manager (links to the children)."""

from datetime import date

import pytest
from django.utils import timezone

from casework.models import StrategicRisk
from scorecard.models import KpiSnapshot, MeasureTarget

# One browser harness for the whole suite: the layout's axe test owns it.
from tests.casework.test_layout_accessibility import (  # noqa: F401
    _sign_in,
    _violations,
    browser_page,
)

pytestmark = pytest.mark.e2e


def test_scorecard_pages_pass_axe(transactional_db, cast, client, browser_page, live_server):  # noqa: F811
    for i, day in enumerate([date(2018, 3, 31), date(2018, 6, 30), date(2018, 9, 30)]):
        KpiSnapshot.objects.create(
            code="cp_count",
            scope_level="council",
            scope_id=0,
            date=day,
            value=700 + i,
            computed_at=timezone.now(),
        )
    MeasureTarget.objects.create(
        code="allocated_pct", effective_from=date(2018, 4, 1), target=95, tolerance=5
    )
    StrategicRisk.objects.create(
        title="Failure to protect",
        owner="DCS",
        quarter_end=date(2018, 9, 30),
        likelihood=3,
        impact=4,
    )
    page = browser_page
    _sign_in(page, live_server, cast.manager_a1, client)
    team = f"team:{cast.team_a1.pk}"
    urls = [
        f"/scorecard/2018-19-Q2/?scope={team}",
        "/scorecard/2018-19-Q2/?scope=council",
        f"/scorecard/2018-19-Q2/charts/?scope={team}",
        f"/scorecard/2018-19-Q2/allocated_pct/?scope={team}&cohort=denominator",
        f"/scorecard/2018-19-Q2/allocated_pct/?scope={team}&cohort=failing",
    ]
    for url in urls:
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        assert _violations(page) == [], url
