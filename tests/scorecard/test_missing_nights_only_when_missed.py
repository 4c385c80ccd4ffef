"""The missed-nights warning counts only nights the nightly rollup really missed: not the nights
before figures began (a demo that rolled up only its quarter ends and its last day)."""

from datetime import date

from scorecard.queries import PageSnapshots

WEEK = (date(2018, 9, 24), date(2018, 9, 30))


def _read(*complete: date) -> PageSnapshots:
    return PageSnapshots(results={}, complete_council_dates=frozenset(complete))


def test_nights_before_the_first_complete_night_are_not_missed():
    assert _read(date(2018, 9, 30)).missing_between(*WEEK) == []


def test_a_gap_after_the_figures_began_is_missed():
    read = _read(date(2018, 9, 24), date(2018, 9, 25), date(2018, 9, 27), date(2018, 9, 30))
    assert read.missing_between(*WEEK) == [date(2018, 9, 26), date(2018, 9, 28), date(2018, 9, 29)]


def test_a_rollup_that_stopped_shows_from_the_night_it_stopped():
    assert _read(date(2018, 9, 24)).missing_between(*WEEK)[0] == date(2018, 9, 25)


def test_no_complete_night_at_all_counts_every_night():
    assert len(_read().missing_between(*WEEK)) == 7
