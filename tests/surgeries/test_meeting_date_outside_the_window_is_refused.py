"""A surgery's meeting date must lie within SURGERY_DATE_MONTHS_BACK months before the app's date
and SURGERY_DATE_MONTHS_AHEAD months after it (defaults 1 and 3): further back or ahead, the
plan-a-surgery form answers 422 with a GOV.UK error on the date and nothing is created."""

import pytest

from surgeries.models import Surgery
from tests.conftest import date_input


def post(client, cast, day):
    return client.post(
        "/surgeries/meetings/new/",
        {"title": f"Surgery {day}", **date_input("date", day), "teams": [cast.team_a1.pk]},
    )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2016-09-30", "The meeting date must be on or after 30 August 2018"),
        ("2018-08-29", "The meeting date must be on or after 30 August 2018"),
        ("2018-12-31", "The meeting date must be on or before 30 December 2018"),
        ("2019-09-30", "The meeting date must be on or before 30 December 2018"),
    ],
)
def test_a_meeting_date_outside_the_window_is_refused(cast, as_user, day, message):
    response = post(as_user(cast.manager_a1), cast, day)
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert 'class="govuk-error-message"' in html
    assert not Surgery.objects.exists()


@pytest.mark.parametrize("day", ["2018-08-30", "2018-09-30", "2018-12-30"])
def test_a_meeting_date_at_the_edges_of_the_window_is_accepted(cast, as_user, day):
    assert post(as_user(cast.manager_a1), cast, day).status_code == 302
    assert Surgery.objects.get().date.isoformat() == day


def test_the_window_is_a_setting(cast, as_user, settings):
    settings.SURGERY_DATE_MONTHS_BACK = 0
    response = post(as_user(cast.manager_a1), cast, "2018-09-29")
    assert response.status_code == 422
    assert "The meeting date must be on or after 30 September 2018" in response.content.decode()
