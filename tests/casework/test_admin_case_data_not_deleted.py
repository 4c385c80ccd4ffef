"""Case data is corrected in the admin but never deleted there: no delete page, no bulk action."""

import pytest
from django.urls import reverse

from casework.models import Child, Involvement, Referral


@pytest.mark.parametrize("model", [Child, Referral, Involvement], ids=lambda m: m.__name__)
def test_case_record_cannot_be_deleted_in_the_admin(cast, client, model):
    client.force_login(cast.admin)
    row = model.objects.filter(child=cast.child_a1).first() if model is not Child else cast.child_a1
    opts = model._meta
    delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403

    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert b"delete_selected" not in client.get(changelist).content
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=row.pk).exists()


def test_child_page_shows_its_involvements_referrals_and_visits(cast, client):
    client.force_login(cast.admin)
    response = client.get(reverse("admin:casework_child_change", args=[cast.child_a1.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for heading in ("Involvements", "Referrals", "CIN plans", "Care episodes", "Visits"):
        assert heading in body, heading
    assert (
        cast.worker_a1.name
        in client.get(reverse("admin:casework_child_changelist")).content.decode()
    )
