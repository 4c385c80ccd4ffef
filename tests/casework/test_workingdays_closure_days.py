"""A council closure day is not a working day for any timescale once the calendar is rebuilt."""

from datetime import date

import pytest
from django.db.models import F

from casework import workingdays as wd
from casework.models import CalendarDay, CouncilClosureDay


@pytest.fixture
def fresh_calendar(db):
    """The test's rebuild is rolled back with its transaction; drop this process's copy too."""
    wd.clear_cache()
    yield
    wd.clear_cache()


def test_a_closure_day_stops_being_a_working_day_after_rebuild(fresh_calendar):
    closed = date(2018, 12, 27)  # a Thursday between Christmas and New Year
    assert wd.is_working_day(closed)
    before = wd.working_days_between(date(2018, 12, 24), date(2018, 12, 31))

    CouncilClosureDay.objects.create(
        date=closed, reason="Council closed between Christmas and New Year"
    )
    wd.rebuild()

    assert not wd.is_working_day(closed)
    assert wd.working_days_between(date(2018, 12, 24), date(2018, 12, 31)) == before - 1
    assert wd.add_working_days(date(2018, 12, 24), 1) == date(2018, 12, 28)
    row = CalendarDay.objects.get(date=closed)
    assert not row.is_working_day
    assert row.holiday_name == "Council closed between Christmas and New Year"


def test_another_process_sees_a_rebuild_once_its_copy_expires(fresh_calendar, monkeypatch):
    closed = date(2018, 12, 27)
    assert wd.is_working_day(closed)  # this process now holds a copy of the calendar
    # Another process adds the closure day and rebuilds the table.
    CouncilClosureDay.objects.create(date=closed, reason="Closed")
    expected = {
        d: n for d, _, n, _ in wd.build_rows(wd.CALENDAR_START, wd.CALENDAR_END, wd.closure_days())
    }
    CalendarDay.objects.filter(date=closed).update(is_working_day=False)
    CalendarDay.objects.filter(date__gte=closed).update(
        working_day_number=F("working_day_number") - 1
    )

    assert wd.is_working_day(closed)  # still this process's old copy
    monkeypatch.setattr(wd, "CACHE_SECONDS", 0.0)
    assert not wd.is_working_day(closed)
    assert wd.working_day_number(date(2019, 1, 2)) == expected[date(2019, 1, 2)]
