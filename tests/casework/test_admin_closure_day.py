"""Adding or removing a council closure day in the admin changes working-day results at once."""

from datetime import date

import pytest
from django.urls import reverse

from casework import workingdays as wd
from casework.models import CalendarDay, CouncilClosureDay

CLOSED = date(2018, 12, 27)


@pytest.fixture
def fresh_calendar(db):
    wd.clear_cache()
    yield
    wd.clear_cache()


def test_closure_day_added_in_admin_is_not_a_working_day(cast, client, fresh_calendar):
    client.force_login(cast.admin)
    assert wd.add_working_days(date(2018, 12, 24), 1) == CLOSED

    response = client.post(
        reverse("admin:casework_councilclosureday_add"),
        {"date": "27/12/2018", "reason": "Council closed between Christmas and New Year"},
    )
    assert response.status_code == 302, response.content[:2000]

    assert not CalendarDay.objects.get(date=CLOSED).is_working_day
    assert wd.add_working_days(date(2018, 12, 24), 1) == date(2018, 12, 28)


def test_closure_day_deleted_in_admin_is_a_working_day_again(cast, client, fresh_calendar):
    client.force_login(cast.admin)
    day = CouncilClosureDay.objects.create(date=CLOSED, reason="Closed")
    wd.rebuild()
    assert not wd.is_working_day(CLOSED)

    response = client.post(
        reverse("admin:casework_councilclosureday_delete", args=[day.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=CLOSED).is_working_day
    assert wd.is_working_day(CLOSED)


def test_bulk_delete_of_closure_days_also_rebuilds(cast, client, fresh_calendar):
    client.force_login(cast.admin)
    day = CouncilClosureDay.objects.create(date=CLOSED, reason="Closed")
    wd.rebuild()
    response = client.post(
        reverse("admin:casework_councilclosureday_changelist"),
        {"action": "delete_selected", "_selected_action": [day.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert wd.is_working_day(CLOSED)
