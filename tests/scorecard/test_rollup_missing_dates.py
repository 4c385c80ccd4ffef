"""A missed night is visible: dates without a complete council snapshot are listed."""

from datetime import date

from scorecard.measures import registry
from scorecard.models import KpiSnapshot
from scorecard.queries import missing_rollup_dates
from scorecard.rollup import rollup_dates_in_process


def test_dates_without_every_measure_at_council_are_missing(db, monkeypatch):
    codes = ["open_children", "cin_count"]
    monkeypatch.setattr(registry, "all_measures", lambda: [registry.get(code) for code in codes])
    rollup_dates_in_process([date(2018, 9, 27), date(2018, 9, 29)], codes=codes)
    rollup_dates_in_process([date(2018, 9, 28)], codes=["open_children"])  # half a night
    assert missing_rollup_dates(date(2018, 9, 26), date(2018, 9, 30)) == [
        date(2018, 9, 26),
        date(2018, 9, 28),
        date(2018, 9, 30),
    ]


def test_until_defaults_to_the_reporting_date_when_one_is_set(db, settings):
    settings.REPORTING_DATE = date(2018, 9, 30)
    assert missing_rollup_dates(date(2018, 9, 29)) == [date(2018, 9, 29), date(2018, 9, 30)]
    assert not KpiSnapshot.objects.exists()
