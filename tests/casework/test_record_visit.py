"""Recording a visit: saved with the user's worker and the time of writing up; bad input shows a
GOV.UK error summary and saves nothing."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from casework.models import Visit
from tests import factories as f


def _post(client, child, **overrides):
    data = {
        "date_0": "3",
        "date_1": "9",
        "date_2": "2018",
        "visit_type": "cin",
        "child_seen": "yes",
        "seen_alone": "yes",
    }
    data.update(overrides)
    return client.post(reverse("visit_new", args=[child.public_id]), data)


@time_machine.travel("2018-10-01 09:30:00+01:00", tick=False)
def test_valid_visit_is_saved_and_redirects_to_the_visits_tab_with_a_banner(cast, as_user):
    client = as_user(cast.social_worker)
    response = _post(client, cast.child_a1)
    assert response.status_code == 302
    assert response.url == reverse("child_visits", args=[cast.child_a1.public_id])
    visit = Visit.objects.get()
    assert visit.child == cast.child_a1
    assert visit.worker == cast.worker_a1
    assert visit.date == date(2018, 9, 3)
    assert visit.visit_type == Visit.Type.CIN
    assert visit.child_seen is True and visit.seen_alone is True
    # Written up "now" on the app's clock: the demo's reporting date, at the current time of day.
    assert visit.recorded_at == timezone.now().replace(day=30, month=9)
    page = client.get(response.url).content.decode()
    assert "govuk-notification-banner--success" in page
    assert "Visit recorded" in page


def test_form_page_renders_govuk_fields(cast, as_user):
    body = (
        as_user(cast.social_worker)
        .get(reverse("visit_new", args=[cast.child_a1.public_id]))
        .content.decode()
    )
    assert 'class="govuk-date-input"' in body
    assert 'class="govuk-radios__input"' in body
    assert 'id="id_date_0"' in body
    assert "govuk-error-summary" not in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_0": "", "date_1": "", "date_2": ""}, "id_date_0", "Enter the date of the visit"),
        ({"date_0": "30", "date_1": "2", "date_2": "2018"}, "id_date_0", "must be a real date"),
        ({"date_0": "3", "date_1": "9", "date_2": "2999"}, "id_date_0", "today or in the past"),
        ({"date_0": "1", "date_1": "1", "date_2": "2001"}, "id_date_0", "date of birth"),
        ({"visit_type": ""}, "id_visit_type_0", "Select the type of visit"),
        ({"child_seen": ""}, "id_child_seen_0", "Select yes if the child was seen"),
    ],
)
def test_invalid_visit_shows_an_error_summary_linking_to_the_field_and_saves_nothing(
    cast, as_user, overrides, field, message
):
    response = _post(as_user(cast.social_worker), cast.child_a1, **overrides)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert f'href="#{field}"' in body
    assert message in body
    assert "govuk-form-group--error" in body
    assert "<title>Error: " in body
    assert not Visit.objects.exists()


def test_seen_alone_needs_the_child_seen(cast, as_user):
    response = _post(as_user(cast.social_worker), cast.child_a1, child_seen="no", seen_alone="yes")
    assert response.status_code == 200
    body = response.content.decode()
    assert "not seen cannot have been seen alone" in body
    assert 'href="#id_seen_alone_0"' in body
    assert not Visit.objects.exists()


def test_same_visit_twice_is_refused_with_a_clear_message(cast, as_user):
    f.VisitFactory(child=cast.child_a1, date=date(2018, 9, 3), visit_type=Visit.Type.CIN)
    response = _post(as_user(cast.social_worker), cast.child_a1)
    assert response.status_code == 200
    assert "already recorded for this child" in response.content.decode()
    assert Visit.objects.count() == 1


def test_entered_values_are_kept_after_an_error(cast, as_user):
    response = _post(as_user(cast.social_worker), cast.child_a1, visit_type="")
    body = response.content.decode()
    assert 'value="2018"' in body
    assert 'value="yes" checked' in body


def test_user_without_a_worker_record_cannot_record_a_visit(cast, as_user):
    response = _post(as_user(cast.admin), cast.child_a1)
    assert response.status_code == 403
    assert not Visit.objects.exists()
