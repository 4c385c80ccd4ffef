"""Admin: targets and benchmarks are editable; snapshots and rollup runs are read-only."""

from datetime import date

import pytest

from scorecard.models import KpiSnapshot, MeasureTarget
from scorecard.rollup import rollup_dates_in_process


@pytest.fixture
def admin_client(cast, as_user):
    rollup_dates_in_process([date(2018, 9, 30)], codes=["open_children"])
    MeasureTarget.objects.create(code="cin_seen_pct", effective_from=date(2018, 4, 1), target=80)
    return as_user(cast.admin)


@pytest.mark.parametrize("model", ["measuretarget", "benchmark", "kpisnapshot", "rolluprun"])
def test_changelists_load(admin_client, model):
    response = admin_client.get(f"/manage/scorecard/{model}/")
    assert response.status_code == 200


def test_a_target_can_be_added(admin_client):
    response = admin_client.get("/manage/scorecard/measuretarget/add/")
    assert response.status_code == 200


def test_snapshots_cannot_be_added_or_changed(admin_client):
    snap = KpiSnapshot.objects.first()
    assert admin_client.get("/manage/scorecard/kpisnapshot/add/").status_code == 403
    response = admin_client.post(
        f"/manage/scorecard/kpisnapshot/{snap.pk}/change/", {"value": "999"}
    )
    assert response.status_code == 403
    snap.refresh_from_db()
    assert snap.value != 999
