"""Targets and benchmarks: loaded from the seed CSV, versioned by the date they take effect."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from scorecard.models import Benchmark, MeasureTarget
from scorecard.queries import benchmarks_in_force, targets_in_force


def test_load_targets_reads_the_seed_csv_kept_in_the_repo(db):
    call_command("load_targets", stdout=io.StringIO())
    seen = MeasureTarget.objects.get(code="cin_seen_pct")
    assert (seen.target, seen.tolerance, seen.better) == (Decimal(80), Decimal(5), "up")
    assert seen.effective_from == date(2018, 4, 1)
    icpc = MeasureTarget.objects.get(code="icpc_15wd_pct")
    assert icpc.tolerance is None  # the report gives none: rating uses the documented default
    rereferral = Benchmark.objects.get(code="rereferral_12m_pct")
    assert (rereferral.label, rereferral.value) == ("Good/Outstanding authorities", Decimal("23.2"))


def test_load_targets_twice_changes_nothing(db):
    call_command("load_targets", stdout=io.StringIO())
    before = list(MeasureTarget.objects.values_list("pk", "code", "target", "tolerance"))
    benchmarks = Benchmark.objects.count()
    call_command("load_targets", stdout=io.StringIO())
    assert list(MeasureTarget.objects.values_list("pk", "code", "target", "tolerance")) == before
    assert Benchmark.objects.count() == benchmarks == 2
    # The report sets five targets; the local file adds the two section 47 / 17 visit targets.
    assert len(before) == 5 + 2


def test_the_target_in_force_is_the_latest_effective_on_or_before_the_date(db):
    MeasureTarget.objects.create(code="cin_seen_pct", effective_from=date(2017, 4, 1), target=75)
    MeasureTarget.objects.create(code="cin_seen_pct", effective_from=date(2018, 4, 1), target=80)
    MeasureTarget.objects.create(code="cin_seen_pct", effective_from=date(2019, 4, 1), target=85)
    assert targets_in_force(date(2017, 3, 31)) == {}
    assert targets_in_force(date(2018, 3, 31))["cin_seen_pct"].target == 75
    assert targets_in_force(date(2018, 4, 1))["cin_seen_pct"].target == 80
    assert targets_in_force(date(2018, 9, 30))["cin_seen_pct"].target == 80


def test_benchmarks_in_force_keep_one_figure_per_label(db):
    for label, day, value in [
        ("England", date(2017, 4, 1), 21),
        ("England", date(2018, 4, 1), 22),
        ("Statistical neighbours", date(2018, 4, 1), 24),
    ]:
        Benchmark.objects.create(
            code="rereferral_12m_pct",
            label=label,
            period="2017-18",
            value=value,
            effective_from=day,
        )
    found = benchmarks_in_force(date(2018, 9, 30))["rereferral_12m_pct"]
    assert [(b.label, b.value) for b in found] == [
        ("England", 22),
        ("Statistical neighbours", 24),
    ]


@pytest.mark.parametrize("tolerance", [Decimal(-1)])
def test_a_negative_tolerance_is_refused_by_the_database(db, tolerance):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        MeasureTarget.objects.create(
            code="x", effective_from=date(2018, 4, 1), target=1, tolerance=tolerance
        )
