"""Drill-downs start from the user's scope: counts match the scorecard figure for that scope,
anything outside the user's scope is 404, and every view is audited."""

import re
from datetime import date

import pytest

from accounts.models import AccessEvent
from scorecard.measures import registry
from scorecard.measures.base import MeasureScope
from scorecard.periods import Quarter, measure_period
from tests import factories as f

pytestmark = pytest.mark.django_db

Q2 = Quarter(2018, 2)


def _url(code: str) -> str:
    return f"/scorecard/2018-19-Q2/{code}/"


def _add_unallocated_child(team):
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=team, referral_date=date(2018, 8, 1))
    return child


def test_team_manager_drilldown_lists_own_teams_children(cast, as_user):
    _add_unallocated_child(cast.team_a1)
    response = as_user(cast.manager_a1).get(
        _url("open_children"), {"scope": f"team:{cast.team_a1.pk}"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/children/{cast.child_a1.public_id}/" in html
    assert str(cast.child_a2.public_id) not in html
    assert str(cast.child_b1.public_id) not in html
    assert cast.child_a1.la_child_id in html


@pytest.mark.parametrize("cohort", ["numerator", "denominator"])
def test_drilldown_counts_equal_the_measure_result_for_the_scope(cast, as_user, cohort):
    _add_unallocated_child(cast.team_a1)
    measure = registry.get("allocated_pct")
    scope = MeasureScope("team", cast.team_a1.pk)
    result = measure.result(measure_period(measure, Q2), scope)
    assert (result.numerator, result.denominator) == (1, 2)
    response = as_user(cast.manager_a1).get(
        _url("allocated_pct"), {"scope": f"team:{cast.team_a1.pk}", "cohort": cohort}
    )
    expected = result.numerator if cohort == "numerator" else result.denominator
    assert response.context["count"] == expected
    event = AccessEvent.objects.get(action="drilldown")
    assert event.count == expected
    assert event.filters["cohort"] == cohort


def test_failing_cohort_lists_the_exceptions(cast, as_user):
    unallocated = _add_unallocated_child(cast.team_a1)
    response = as_user(cast.manager_a1).get(
        _url("allocated_pct"), {"scope": f"team:{cast.team_a1.pk}", "cohort": "failing"}
    )
    assert response.context["count"] == 1
    assert f"/children/{unallocated.public_id}/" in response.content.decode()


def test_council_drilldown_for_performance_officer_matches_council_figure(cast, as_user):
    measure = registry.get("open_children")
    result = measure.result(measure_period(measure, Q2))
    response = as_user(cast.performance).get(_url("open_children"), {"scope": "council"})
    assert response.context["count"] == result.value == 3


def test_other_team_manager_gets_404(cast, as_user):
    client = as_user(cast.manager_b1)
    response = client.get(_url("open_children"), {"scope": f"team:{cast.team_a1.pk}"})
    assert response.status_code == 404
    refused = AccessEvent.objects.get(action="refused")
    assert refused.status_code == 404
    assert refused.child_ids == []


def test_team_manager_council_or_area_drilldown_is_404(cast, as_user):
    client = as_user(cast.manager_a1)
    assert client.get(_url("open_children"), {"scope": "council"}).status_code == 404
    area = {"scope": f"service_area:{cast.area_a.pk}"}
    assert client.get(_url("open_children"), area).status_code == 404


def test_head_of_service_drills_into_own_area_only(cast, as_user):
    client = as_user(cast.chair_a)
    own = client.get(_url("open_children"), {"scope": f"service_area:{cast.area_a.pk}"})
    assert own.status_code == 200
    assert own.context["count"] == 2
    other = client.get(_url("open_children"), {"scope": f"service_area:{cast.area_b.pk}"})
    assert other.status_code == 404


def test_senior_leader_drilldown_is_404(cast, as_user):
    client = as_user(cast.leader)
    assert client.get(_url("open_children"), {"scope": "council"}).status_code == 404
    assert client.get(f"{_url('open_children')}export.csv", {"scope": "council"}).status_code == 404


def test_social_worker_drills_into_own_caseload_only(cast, as_user):
    client = as_user(cast.social_worker)
    own = client.get(_url("open_children"), {"scope": f"worker:{cast.worker_a1.pk}"})
    assert own.status_code == 200
    assert own.context["count"] == 1
    team = client.get(_url("open_children"), {"scope": f"team:{cast.team_a1.pk}"})
    assert team.status_code == 404
    other = client.get(_url("open_children"), {"scope": f"worker:{cast.worker_a2.pk}"})
    assert other.status_code == 404


def test_bad_cohort_or_measure_is_404(cast, as_user):
    client = as_user(cast.performance)
    scope = {"scope": "council"}
    assert client.get(_url("no_such_measure"), scope).status_code == 404
    assert client.get(_url("open_children"), {**scope, "cohort": "everyone"}).status_code == 404
    # A count has no denominator list.
    assert client.get(_url("open_children"), {**scope, "cohort": "denominator"}).status_code == 404


def test_drilldown_audit_names_the_children_shown(cast, as_user):
    as_user(cast.manager_a1).get(_url("open_children"), {"scope": f"team:{cast.team_a1.pk}"})
    event = AccessEvent.objects.get(action="drilldown")
    assert event.child_ids == [cast.child_a1.pk]
    assert event.user == cast.manager_a1
    assert event.filters["code"] == "open_children"


@pytest.mark.parametrize("code", [m.code for m in registry.all_measures()])
def test_every_measure_drills_down_at_council_scope(cast, as_user, code):
    measure = registry.get(code)
    result = measure.result(measure_period(measure, Q2))
    response = as_user(cast.performance).get(_url(code), {"scope": "council"})
    assert response.status_code == 200
    expected = result.numerator if result.numerator is not None else result.value
    assert response.context["count"] == expected


@pytest.mark.parametrize("sort", ["child", "-team", "worker", "-due_date", "basis_date"])
def test_drilldown_sorts_by_each_column(cast, as_user, sort):
    response = as_user(cast.performance).get(
        _url("allocated_pct"), {"scope": "council", "cohort": "denominator", "sort": sort}
    )
    assert response.status_code == 200
    assert response.context["count"] == 3


def test_exceptions_list_says_why_each_row_is_there(cast, as_user):
    _add_unallocated_child(cast.team_a1)
    response = as_user(cast.performance).get(
        _url("allocated_pct"), {"scope": "council", "cohort": "failing"}
    )
    html = response.content.decode()
    assert re.search(r">\s*Why\s*<", html)


@pytest.mark.parametrize("code", [m.code for m in registry.all_measures()])
def test_every_measure_drills_down_for_a_team_manager(cast, as_user, code):
    response = as_user(cast.manager_a1).get(_url(code), {"scope": f"team:{cast.team_a1.pk}"})
    assert response.status_code == 200


def test_drilldown_fragment_for_htmx_is_the_results_only(cast, as_user):
    response = as_user(cast.performance).get(
        _url("open_children"), {"scope": "council"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="drilldown-results"')
    assert "govuk-table" in html
    assert "HX-Request" in response["Vary"]
    assert AccessEvent.objects.filter(action="drilldown").count() == 1
