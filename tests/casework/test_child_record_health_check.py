"""Recording a health assessment, dental or development check from the Health tab."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import HealthCheck
from tests import factories as f


def _post(client, child, **overrides):
    data = {"kind": "dental", "date_0": "14", "date_1": "8", "date_2": "2018"}
    data.update(overrides)
    return client.post(reverse("health_check_new", args=[child.public_id]), data)


def test_valid_check_is_saved_and_listed_on_the_health_tab(cast, as_user):
    client = as_user(cast.manager_a1)
    response = _post(client, cast.child_a1)
    assert response.status_code == 302
    assert response.url == reverse("child_health", args=[cast.child_a1.public_id])
    check = HealthCheck.objects.get()
    assert (check.child, check.kind, check.date) == (cast.child_a1, "dental", date(2018, 8, 14))
    page = client.get(response.url).content.decode()
    assert "Check recorded" in page
    assert "Dental check" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": ""}, "Select the type of check"),
        ({"date_2": ""}, "must be a real date"),
        ({"date_2": "2999"}, "today or in the past"),
        ({"date_2": "2009"}, "date of birth"),
    ],
)
def test_invalid_check_shows_the_error_summary_and_saves_nothing(cast, as_user, overrides, message):
    response = _post(as_user(cast.manager_a1), cast.child_a1, **overrides)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert not HealthCheck.objects.exists()


def test_duplicate_check_is_refused(cast, as_user):
    f.HealthCheckFactory(child=cast.child_a1, kind="dental", date=date(2018, 8, 14))
    response = _post(as_user(cast.manager_a1), cast.child_a1)
    assert response.status_code == 200
    assert "already recorded for this child" in response.content.decode()
    assert HealthCheck.objects.count() == 1
