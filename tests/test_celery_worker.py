"""A task sent through Redis runs in a real Celery worker, and what it writes is in the database."""

from datetime import date

import pytest

from casework import workingdays as wd
from casework.models import CalendarDay, CouncilClosureDay
from casework.tasks import calendar_rebuild

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_calendar_rebuild_round_trips_through_redis_to_the_worker(celery_worker_process):
    closed = date(2018, 12, 27)
    assert CalendarDay.objects.get(date=closed).is_working_day
    CouncilClosureDay.objects.create(date=closed, reason="Council closed")  # committed

    result = calendar_rebuild.delay()
    rows = result.get(timeout=celery_worker_process.timeout)

    assert result.successful()
    assert rows == CalendarDay.objects.count()
    assert not CalendarDay.objects.get(date=closed).is_working_day
    wd.clear_cache()
    assert wd.add_working_days(date(2018, 12, 24), 1) == date(2018, 12, 28)


def test_running_the_task_twice_gives_the_same_calendar(celery_worker_process):
    first = calendar_rebuild.delay().get(timeout=celery_worker_process.timeout)
    numbers = list(CalendarDay.objects.values_list("date", "working_day_number"))
    second = calendar_rebuild.delay().get(timeout=celery_worker_process.timeout)
    assert first == second
    assert list(CalendarDay.objects.values_list("date", "working_day_number")) == numbers
