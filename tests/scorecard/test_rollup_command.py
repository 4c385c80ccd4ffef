"""`manage.py rollup_kpis`: one date, every day of a range, or a range's month ends, in process."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from scorecard.models import KpiSnapshot, RollupRun
from scorecard.rollup import rollup_codes


def rollup(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("rollup_kpis", *args, "--codes", "open_children", stdout=out, **kwargs)
    return out.getvalue()


def council_dates() -> list[date]:
    rows = KpiSnapshot.objects.filter(scope_level="council").order_by("date")
    return list(rows.values_list("date", flat=True))


def test_one_date(cast):
    assert "succeeded" in rollup("--date", "2018-09-30")
    assert council_dates() == [date(2018, 9, 30)]


def test_month_ends_with_the_generators_keyword_names(cast):
    # The synthetic-council generator calls it like this, with dates rather than text.
    rollup(from_=date(2018, 6, 15), to=date(2018, 9, 20), month_ends=True)
    assert council_dates() == [
        date(2018, 6, 30),
        date(2018, 7, 31),
        date(2018, 8, 31),
        date(2018, 9, 20),  # the last day itself, so the latest date has figures
    ]
    run = RollupRun.objects.get()
    assert (run.date_from, run.date_to, run.month_ends) == (
        date(2018, 6, 30),
        date(2018, 9, 20),
        True,
    )


def test_every_day_of_a_range(cast):
    rollup("--from", "2018-09-28", "--to", "2018-09-30")
    assert council_dates() == [date(2018, 9, 28), date(2018, 9, 29), date(2018, 9, 30)]


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--from", "2018-09-28"),
        ("--date", "2018-09-30", "--from", "2018-09-28", "--to", "2018-09-30"),
        ("--from", "2018-09-30", "--to", "2018-09-28"),
    ],
)
def test_bad_options_are_refused(db, args):
    with pytest.raises(CommandError):
        rollup(*args)


def test_an_unknown_code_is_refused(db):
    with pytest.raises(CommandError, match="no_such"):
        call_command(
            "rollup_kpis", "--date", "2018-09-30", "--codes", "no_such", stdout=io.StringIO()
        )


def test_without_codes_every_registered_measure_is_rolled_up(db):
    assert "open_children" in rollup_codes()


def test_missing_since_backfills_only_the_missed_nights(cast, monkeypatch):
    from scorecard.measures import registry

    monkeypatch.setattr(registry, "all_measures", lambda: [registry.get("open_children")])
    rollup("--date", "2018-09-28")
    rollup("--date", "2018-09-30")
    rollup("--missing-since", "2018-09-27")  # until the reporting date, 2018-09-30
    assert council_dates() == [date(2018, 9, d) for d in (27, 28, 29, 30)]
    assert RollupRun.objects.order_by("-pk").first().date_from == date(2018, 9, 27)
    assert "No missing dates" in rollup("--missing-since", "2018-09-27")
