"""Performance officers read import runs and quarantined records in the admin, and nothing else
of the case record."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import ImportRun, QuarantinedRecord


@pytest.fixture
def quarantined(cast):
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.SSDA903,
        filename="episodes.csv",
        digest="0" * 64,
        started_at=timezone.now(),
        outcome=ImportRun.Outcome.LOADED_WITH_QUARANTINE,
    )
    return QuarantinedRecord.objects.create(
        import_run=run, file="episodes.csv", row=7, table="episodes", record={}, reasons=["DEC"]
    )


def test_performance_officer_reads_import_runs_and_quarantine(cast, client, quarantined):
    cast.performance.is_staff = True
    cast.performance.save(update_fields=["is_staff"])
    client.force_login(cast.performance)
    assert client.get(reverse("admin:casework_importrun_changelist")).status_code == 200
    response = client.get(reverse("admin:casework_quarantinedrecord_changelist"))
    assert response.status_code == 200
    assert b"episodes.csv" in response.content
    change = reverse("admin:casework_quarantinedrecord_change", args=[quarantined.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:casework_child_changelist")).status_code == 403


def test_team_manager_with_staff_flag_cannot_read_import_runs(cast, client, quarantined):
    cast.manager_a1.is_staff = True
    cast.manager_a1.save(update_fields=["is_staff"])
    client.force_login(cast.manager_a1)
    assert client.get(reverse("admin:casework_importrun_changelist")).status_code == 403
