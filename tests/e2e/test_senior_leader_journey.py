"""A senior leader reads the 2018/19 Q2 scorecard, changes its scope to a team and opens the
charts; child-level pages (a drill-down's list of children, a child's record) answer 404."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in

pytestmark = pytest.mark.e2e


def test_senior_leader_reads_the_scorecard_but_not_the_children(page, live_server, council):
    from casework.models import Child, Team

    sign_in(page, "demo-leader", council.password, start="/scorecard/2018-19-Q2/")
    expect(page.locator("h1")).to_have_text("Performance scorecard")
    expect(page.locator("main")).to_contain_text("Q2 2018/19")
    check_page(page, "leader-scorecard-council")

    team = Team.objects.filter(service_area__name="Safeguarding").order_by("name").first()
    page.get_by_label("Council, service area or team").select_option(label=team.name)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"/scorecard/2018-19-Q2/\?.*scope=team%3A{team.pk}"))
    expect(page.get_by_label("Council, service area or team")).to_have_value(f"team:{team.pk}")
    check_page(page, "leader-scorecard-team")
    # Aggregates only: no link from a figure to the children behind it.
    expect(page.get_by_role("link", name=re.compile("^Exceptions"))).to_have_count(0)

    page.goto(f"/scorecard/2018-19-Q2/charts/?scope=team:{team.pk}")
    check_page(page, "leader-charts-team")

    drilldown = f"/scorecard/2018-19-Q2/allocated_pct/?scope=team:{team.pk}&cohort=failing"
    response = page.goto(drilldown)
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    check_page(page, "leader-drilldown-404")

    child = Child.objects.order_by("pk").first()
    response = page.goto(f"/children/{child.public_id}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
