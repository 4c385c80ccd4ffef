"""One clock: every "today" comes from casework.reporting. With REPORTING_DATE set (the demo's
30 September 2018), a date after it is in the future, even though the real date is later."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.models import HealthCheck, Visit
from casework.reporting import reporting_date, reporting_now
from casework.services import health_check_record


def _visit(client, child, day: str, month: str, year: str):
    return client.post(
        reverse("visit_new", args=[child.public_id]),
        {
            "date_0": day,
            "date_1": month,
            "date_2": year,
            "visit_type": "cin",
            "child_seen": "yes",
            "seen_alone": "no",
        },
    )


@time_machine.travel("2026-12-07 10:00:00+00:00", tick=False)
def test_visit_dated_after_the_reporting_date_is_refused(cast, as_user):
    client = as_user(cast.social_worker)
    page = _visit(client, cast.child_a1, "15", "10", "2018").content.decode()
    assert "The date of the visit must be today or in the past (today is 30 September 2018)" in (
        page
    )
    assert 'href="#id_date_0"' in page
    assert not Visit.objects.exists()


@time_machine.travel("2026-12-07 10:00:00+00:00", tick=False)
def test_visit_on_the_reporting_date_is_accepted_and_written_up_that_day(cast, as_user):
    response = _visit(as_user(cast.social_worker), cast.child_a1, "30", "9", "2018")
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.recorded_at.date() == date(2018, 9, 30)


@time_machine.travel("2026-12-07 10:00:00+00:00", tick=False)
def test_health_check_default_today_is_the_reporting_date(cast):
    with pytest.raises(ValidationError, match="today is 30 September 2018"):
        health_check_record(
            child=cast.child_a1, kind=HealthCheck.Kind.values[0], date=date(2018, 10, 1)
        )


@time_machine.travel("2026-12-07 10:00:00+00:00", tick=False)
def test_without_a_reporting_date_the_clock_is_the_real_date(settings):
    settings.REPORTING_DATE = None
    assert reporting_date() == date(2026, 12, 7)
    assert reporting_now().date() == date(2026, 12, 7)
