"""The committee report, its edit page and the background render's page pass axe (WCAG 2.2 AA
rules) in a real browser, for the performance officer who edits and publishes."""

from datetime import date

import pytest
from django.core.management import call_command

from casework.models import StrategicRisk

# One browser harness for the whole suite: the layout's axe test owns it.
from tests.casework.test_layout_accessibility import (  # noqa: F401
    _sign_in,
    _violations,
    browser_page,
)

pytestmark = pytest.mark.e2e


def test_report_pages_pass_axe(transactional_db, cast, client, browser_page, live_server):  # noqa: F811
    call_command("rollup_kpis", date=date(2018, 9, 30))
    StrategicRisk.objects.create(
        title="Failure to protect",
        owner="DCS",
        quarter_end=date(2018, 9, 30),
        likelihood=3,
        impact=4,
    )
    page = browser_page
    _sign_in(page, live_server, cast.performance, client)
    for url in (
        "/scorecard/2018-19-Q2/report/?scope=council",
        "/scorecard/2018-19-Q2/report/edit/?scope=council",
        # No snapshot for this quarter: the page offering a background render.
        "/scorecard/2018-19-Q1/report.pdf?scope=council",
    ):
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        assert _violations(page) == [], url
