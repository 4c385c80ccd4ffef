"""Where the rollup stored the children behind a quarter-end figure, the drill-down can list them
as reported, so a committee figure is reproduced after the record changed; still within the
user's scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AccessEvent
from scorecard.models import KpiSnapshot, SnapshotCohort
from tests import factories as f

pytestmark = pytest.mark.django_db

QUARTER_END = date(2018, 9, 30)


def _stored(code, level, scope_id, numerator, denominator=()):
    snapshot = KpiSnapshot.objects.create(
        code=code,
        scope_level=level,
        scope_id=scope_id,
        date=QUARTER_END,
        value=Decimal(len(numerator)),
        computed_at=timezone.now(),
    )
    SnapshotCohort.objects.create(
        snapshot=snapshot,
        subject="child",
        numerator_ids=sorted(numerator),
        denominator_ids=sorted(denominator),
        child_ids=sorted(set(numerator) | set(denominator)),
    )


def _late_entry(team):
    """A child recorded after the rollup ran, backdated into the quarter."""
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=team, referral_date=date(2018, 8, 1))
    return child


def test_as_reported_list_reproduces_the_stored_figure(cast, as_user):
    _stored("open_children", "team", cast.team_a1.pk, [cast.child_a1.pk])
    late = _late_entry(cast.team_a1)
    client = as_user(cast.manager_a1)
    url = "/scorecard/2018-19-Q2/open_children/"
    scope = {"scope": f"team:{cast.team_a1.pk}"}
    live = client.get(url, scope)
    assert live.context["count"] == 2
    assert "See the list as reported at the quarter end" in live.content.decode()
    reported = client.get(url, {**scope, "as_reported": "1"})
    assert reported.context["count"] == 1
    html = reported.content.decode()
    assert f"/children/{cast.child_a1.public_id}/" in html
    assert str(late.public_id) not in html
    assert "See the list calculated now" in html
    event = AccessEvent.objects.filter(action="drilldown").latest("at")
    assert event.filters["as_reported"] == "1"


def test_as_reported_list_stays_within_the_users_scope(cast, as_user):
    # A council cohort holds children of every team; a team manager cannot drill into it,
    # and the council list for the performance officer holds them all.
    _stored("open_children", "council", 0, [cast.child_a1.pk, cast.child_b1.pk])
    url = "/scorecard/2018-19-Q2/open_children/"
    params = {"scope": "council", "as_reported": "1"}
    assert as_user(cast.manager_a1).get(url, params).status_code == 404
    assert as_user(cast.performance).get(url, params).context["count"] == 2


def test_as_reported_failing_is_the_wrong_side_of_a_percentage(cast, as_user):
    unallocated = _late_entry(cast.team_a1)
    _stored(
        "allocated_pct",
        "council",
        0,
        numerator=[cast.child_a1.pk],
        denominator=[cast.child_a1.pk, unallocated.pk],
    )
    response = as_user(cast.performance).get(
        "/scorecard/2018-19-Q2/allocated_pct/",
        {"scope": "council", "cohort": "failing", "as_reported": "1"},
    )
    assert response.context["count"] == 1
    assert f"/children/{unallocated.public_id}/" in response.content.decode()


def test_as_reported_export_lists_the_stored_children(cast, as_user):
    _stored("open_children", "team", cast.team_a1.pk, [cast.child_a1.pk])
    _late_entry(cast.team_a1)
    response = as_user(cast.manager_a1).get(
        "/scorecard/2018-19-Q2/open_children/export.csv",
        {"scope": f"team:{cast.team_a1.pk}", "as_reported": "1"},
    )
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert cast.child_a1.la_child_id in lines[1]


def test_no_stored_cohort_offers_no_as_reported_link(cast, as_user):
    response = as_user(cast.performance).get(
        "/scorecard/2018-19-Q2/open_children/", {"scope": "council"}
    )
    assert "as reported" not in response.content.decode()


def test_event_measures_have_no_as_reported_list(cast, as_user):
    response = as_user(cast.performance).get(
        "/scorecard/2018-19-Q2/icpc_15wd_pct/", {"scope": "council", "as_reported": "1"}
    )
    assert response.status_code == 404


def test_as_reported_denominator_with_an_empty_numerator(cast, as_user):
    _stored("allocated_pct", "council", 0, numerator=[], denominator=[cast.child_a1.pk])
    response = as_user(cast.performance).get(
        "/scorecard/2018-19-Q2/allocated_pct/",
        {"scope": "council", "cohort": "denominator", "as_reported": "1"},
    )
    assert response.context["count"] == 1
    assert response.context["table"].page.object_list.data[0]["in_numerator"] is False
