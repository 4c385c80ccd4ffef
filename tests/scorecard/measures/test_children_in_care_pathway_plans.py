"""pathway_plan_in_place_pct and pathway_plan_current_pct for care leavers owed a plan."""

from datetime import date

import pytest

from casework.models import CareLeaver
from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

D = Period.as_at_date(date(2018, 9, 30))


def leaver(**kw):
    return f.CareLeaverFactory(**kw).child


def rows(code: str) -> dict:
    return {r.child_id: r for r in get(code).rows(D)}


@pytest.mark.django_db
def test_plan_in_place_counts_eligible_categories_with_a_plan_dated_by_the_date():
    has_plan = leaver(pathway_plan_date=date(2018, 1, 10))
    no_plan = leaver()
    plan_after = leaver(pathway_plan_date=date(2018, 10, 1))
    qualifying = leaver(
        eligibility=CareLeaver.Eligibility.QUALIFYING, pathway_plan_date=date(2018, 1, 10)
    )
    ended = leaver(end_date=date(2018, 9, 30), pathway_plan_date=date(2018, 1, 10))
    got = rows("pathway_plan_in_place_pct")
    assert set(got) == {has_plan.pk, no_plan.pk, plan_after.pk}
    assert got[has_plan.pk].in_numerator is True
    assert got[no_plan.pk].in_numerator is False
    assert got[plan_after.pk].in_numerator is False
    assert qualifying.pk not in got and ended.pk not in got
    failing = set(get("pathway_plan_in_place_pct").failing(D).values_list("child_id", flat=True))
    assert failing == {no_plan.pk, plan_after.pk}


@pytest.mark.django_db
def test_eligible_young_person_still_in_care_is_owed_a_plan():
    child = leaver(eligibility=CareLeaver.Eligibility.ELIGIBLE, pathway_plan_date=date(2018, 5, 1))
    f.CareEpisodeFactory(child=child, start_date=date(2016, 1, 4))
    assert rows("pathway_plan_in_place_pct")[child.pk].in_numerator is True


@pytest.mark.django_db
def test_plan_is_current_when_reviewed_in_the_6_months_to_the_date():
    reviewed = leaver(pathway_plan_date=date(2017, 1, 10), latest_review_date=date(2018, 3, 31))
    lapsed = leaver(pathway_plan_date=date(2017, 1, 10), latest_review_date=date(2018, 3, 29))
    new_plan = leaver(pathway_plan_date=date(2018, 5, 1))
    no_plan = leaver()
    got = rows("pathway_plan_current_pct")
    assert set(got) == {reviewed.pk, lapsed.pk, new_plan.pk}
    assert no_plan.pk not in got
    assert (got[reviewed.pk].in_numerator, got[reviewed.pk].due_date) == (True, date(2018, 9, 30))
    assert got[reviewed.pk].basis_date == date(2018, 3, 31)
    assert (got[lapsed.pk].in_numerator, got[lapsed.pk].due_date) == (False, date(2018, 9, 29))
    assert got[new_plan.pk].basis_date == date(2018, 5, 1)
    assert got[new_plan.pk].in_numerator is True
    denominator = get("pathway_plan_current_pct").result(D).denominator
    assert denominator == get("pathway_plan_in_place_pct").result(D).numerator


@pytest.mark.django_db
def test_young_person_with_only_a_personal_adviser_belongs_to_the_advisers_team(cast):
    adviser = f.WorkerFactory(team=cast.team_b1, role="personal_adviser")
    child = leaver(personal_adviser=adviser, pathway_plan_date=date(2018, 5, 1))
    got = rows("pathway_plan_in_place_pct")[child.pk]
    assert (got.worker_id, got.team_id) == (adviser.pk, cast.team_b1.pk)
    measure = get("pathway_plan_in_place_pct")
    assert measure.result(D, MeasureScope("service_area", cast.area_b.pk)).denominator == 1
    assert measure.result(D, MeasureScope("team", cast.team_a1.pk)).denominator == 0
