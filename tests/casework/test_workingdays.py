"""Working days follow England & Wales bank holidays and the DfE convention: the working days
between S and E are those after S up to and including E."""

from datetime import date

import pytest

from casework import workingdays as wd

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day",
    [date(2018, 9, 29), date(2018, 9, 30)],  # Saturday, Sunday
    ids=["saturday", "sunday"],
)
def test_weekends_are_not_working_days(day):
    assert not wd.is_working_day(day)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2018, 3, 30), "Good Friday"),
        (date(2018, 4, 2), "Easter Monday"),
        (date(2018, 12, 25), "Christmas Day"),
        (date(2018, 12, 26), "Boxing Day"),
        (date(2020, 12, 28), "Boxing Day (observed)"),
        (date(2022, 12, 27), "Christmas Day (observed)"),
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
    ],
)
def test_bank_holidays_including_substitute_and_one_off_days_are_not_working_days(day, name):
    assert not wd.is_working_day(day)
    assert wd.bank_holidays(day.year, day.year)[day] == name


def test_ordinary_weekdays_around_the_holidays_are_working_days():
    for day in (date(2018, 3, 29), date(2018, 4, 3), date(2020, 12, 29), date(2022, 9, 20)):
        assert wd.is_working_day(day), day


def test_a_day_counts_from_the_day_after_the_start_up_to_and_including_the_end():
    # Monday to Tuesday is one working day; the same day is none.
    assert wd.working_days_between(date(2018, 9, 3), date(2018, 9, 4)) == 1
    assert wd.working_days_between(date(2018, 9, 3), date(2018, 9, 3)) == 0
    # Friday to Monday: the weekend does not count.
    assert wd.working_days_between(date(2018, 9, 7), date(2018, 9, 10)) == 1
    # Ending on a Sunday counts only up to the Friday.
    assert wd.working_days_between(date(2018, 9, 3), date(2018, 9, 9)) == 4


def test_easter_2018_skips_good_friday_and_easter_monday():
    # Thursday 29 March to Tuesday 3 April 2018: only the Tuesday is a working day.
    assert wd.working_days_between(date(2018, 3, 29), date(2018, 4, 3)) == 1
    assert wd.add_working_days(date(2018, 3, 29), 1) == date(2018, 4, 3)
    assert wd.subtract_working_days(date(2018, 4, 3), 1) == date(2018, 3, 29)


def test_christmas_with_substitute_days():
    # 2020: Christmas Friday, Boxing Day Saturday -> substitute Monday 28th.
    assert wd.add_working_days(date(2020, 12, 24), 1) == date(2020, 12, 29)
    # 2022: Christmas Sunday -> substitute Tuesday 27th; Boxing Day Monday 26th.
    assert wd.add_working_days(date(2022, 12, 23), 1) == date(2022, 12, 28)
    assert wd.working_days_between(date(2022, 12, 23), date(2022, 12, 30)) == 3


def test_state_funeral_2022_is_skipped():
    assert wd.add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)
    assert wd.working_days_between(date(2022, 9, 16), date(2022, 9, 20)) == 1


def test_a_start_on_a_weekend_counts_from_the_next_working_day():
    assert wd.add_working_days(date(2018, 9, 8), 1) == date(2018, 9, 10)
    assert wd.working_days_between(date(2018, 9, 8), date(2018, 9, 10)) == 1


def test_add_then_count_round_trips_and_subtract_gives_the_earliest_start():
    start = date(2018, 1, 1)
    for offset in range(0, 400, 7):
        day = date.fromordinal(start.toordinal() + offset)
        for n in (1, 5, 10, 15, 20, 45):
            due = wd.add_working_days(day, n)
            assert wd.is_working_day(due)
            assert wd.working_days_between(day, due) == n
            earliest = wd.subtract_working_days(due, n)
            assert wd.working_days_between(earliest, due) <= n
            day_before = date.fromordinal(earliest.toordinal() - 1)
            assert wd.working_days_between(day_before, due) > n


def test_a_count_ending_before_it_starts_is_negative():
    assert wd.working_days_between(date(2018, 9, 10), date(2018, 9, 3)) == -5


def test_within_n_working_days_is_a_count_of_at_most_n():
    # A referral on Monday 3 Sept 2018 seen by Monday 10 Sept is within 5 working days; seen on
    # Tuesday 11 Sept it is not.
    referral = date(2018, 9, 3)
    assert wd.working_days_between(referral, date(2018, 9, 10)) <= 5
    assert wd.working_days_between(referral, date(2018, 9, 11)) > 5
    assert wd.add_working_days(referral, 5) == date(2018, 9, 10)
