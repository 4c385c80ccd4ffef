"""The scorecard page: every role reads the aggregates; only child-level roles whose scope covers
the chosen scope get links to the children behind the numbers."""

from datetime import date

import pytest

from scorecard.models import MeasureTarget
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGE = "/scorecard/2018-19-Q2/"
DRILL = "/scorecard/2018-19-Q2/open_children/"


def test_scorecard_root_redirects_to_the_reporting_quarter(cast, as_user):
    response = as_user(cast.leader).get("/scorecard/")
    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_picker_redirects_to_the_chosen_quarter_and_scope(cast, as_user):
    response = as_user(cast.leader).get(
        "/scorecard/", {"quarter": "2018-19-Q1", "scope": f"team:{cast.team_b1.pk}"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/scorecard/2018-19-Q1/?scope=team%3A{cast.team_b1.pk}"


@pytest.mark.parametrize(
    "role",
    [
        "social_worker",
        "team_manager",
        "head_of_service",
        "senior_leader",
        "performance_officer",
        "administrator",
    ],
)
def test_every_role_sees_the_scorecard_by_section(cast, as_user, role):
    response = as_user(cast.users()[role]).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="govuk-heading-m" id="section-1">Caseload</h2>' in html
    assert "Children open to social care" in html
    assert "Q2 2018/19" in html


def test_senior_leader_sees_numbers_but_no_drilldown_links(cast, as_user):
    client = as_user(cast.leader)
    html = client.get(PAGE).content.decode()
    assert 'id="measure-open_children"' in html
    assert "/scorecard/2018-19-Q2/open_children/" not in html
    assert "These are aggregate figures." in html
    assert client.get(DRILL, {"scope": "council"}).status_code == 404


def test_performance_officer_gets_drilldown_links_at_council_scope(cast, as_user):
    html = as_user(cast.performance).get(PAGE).content.decode()
    assert f"{DRILL}?scope=council&amp;cohort=numerator" in html


def test_team_manager_opens_on_own_team_with_links(cast, as_user):
    html = as_user(cast.manager_a1).get(PAGE).content.decode()
    assert f"{DRILL}?scope=team:{cast.team_a1.pk}&amp;cohort=numerator" in html


def test_team_manager_sees_another_teams_aggregates_without_links(cast, as_user):
    html = as_user(cast.manager_a1).get(PAGE, {"scope": f"team:{cast.team_b1.pk}"}).content
    html = html.decode()
    assert 'id="measure-open_children"' in html
    assert "/scorecard/2018-19-Q2/open_children/" not in html


def test_other_workers_scorecard_is_404(cast, as_user):
    response = as_user(cast.manager_b1).get(PAGE, {"scope": f"worker:{cast.worker_a1.pk}"})
    assert response.status_code == 404


def test_unknown_quarter_and_scope_are_404(cast, as_user):
    client = as_user(cast.performance)
    assert client.get("/scorecard/2018-20-Q2/").status_code == 404
    assert client.get(PAGE, {"scope": "team:999999"}).status_code == 404
    assert client.get(PAGE, {"scope": "team:abc"}).status_code == 404


def test_rating_tag_says_its_word(cast, as_user):
    MeasureTarget.objects.create(
        code="allocated_pct", effective_from=date(2018, 4, 1), target=95, tolerance=5
    )
    # Open children has no polarity of its own; the target row gives it one.
    MeasureTarget.objects.create(
        code="open_children", effective_from=date(2018, 4, 1), target=50, tolerance=1, better="up"
    )
    html = as_user(cast.leader).get(PAGE, {"scope": "council"}).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Good</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in html


def test_direction_of_travel_in_words(cast, as_user):
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 8, 1))
    html = as_user(cast.leader).get(PAGE, {"scope": "council"}).content.decode()
    # 3 children open at the end of June, 4 at the end of September.
    assert "up by 33.3% from 3 to 4" in html


def test_percent_shows_numerator_and_denominator(cast, as_user):
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 8, 1))
    html = as_user(cast.leader).get(PAGE, {"scope": "council"}).content.decode()
    row = html[html.index('id="measure-allocated_pct"') :]
    row = row[: row.index("</tr>")]
    assert "75%" in row
    assert "3" in row and "of" in row and "4" in row


def test_missing_rollups_show_a_notice(cast, as_user):
    html = as_user(cast.leader).get(PAGE).content.decode()
    assert "The nightly figures are missing" in html


def test_scorecard_fragment_for_htmx(cast, as_user):
    response = as_user(cast.leader).get(PAGE, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="scorecard-results">')
    assert "HX-Request" in response["Vary"]


def test_quarter_picker_offers_recent_quarters_and_keeps_the_one_shown(cast, as_user):
    response = as_user(cast.leader).get("/scorecard/2015-16-Q1/")
    labels = [q.label for q in response.context["quarter_choices"]]
    assert labels[0] == "2018-19-Q2"
    assert "2016-17-Q3" in labels
    assert labels[-1] == "2015-16-Q1"
    assert '<option value="2015-16-Q1" selected>' in response.content.decode()
