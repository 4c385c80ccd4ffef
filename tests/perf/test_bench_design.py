"""The bench's own design (perf/bench.py): what runs alternately with what, how a backfill's
month ends are paired with their floor, and how a goal it did not fully measure is reported.
The timings are faked: these tests check the arithmetic and the order, not the machine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from perf import bench


def test_alternate_many_warms_each_path_once_then_runs_them_in_turn() -> None:
    calls: list[str] = []
    runs = {name: (lambda n=name: calls.append(n)) for name in ("xl", "floor", "l")}
    timings = bench.alternate_many(runs, repetitions=5)
    assert calls == ["xl", "floor", "l"] * 6  # the warm-up round, then five
    assert all(len(t.samples) == 5 for t in timings.values())


@pytest.fixture
def fake_backfill(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, date]]]:
    """The backfill's rollup and floor replaced by recorders; each rollup 'takes' 2 s and each
    floor 1 s (the warm-up is not timed)."""
    calls: list[tuple[str, date]] = []

    def rollup(days: list[date], **kwargs: object) -> None:
        calls.extend(("rollup", d) for d in days)

    def reference(day: date, codes: list[str]) -> None:
        calls.append(("reference", day))

    def timed(fn: Callable[[], object]) -> float:
        fn()
        return 2.0 if calls[-1][0] == "rollup" else 1.0

    monkeypatch.setattr("scorecard.rollup.rollup_dates_in_process", rollup)
    monkeypatch.setattr(bench, "reference_all", reference)
    monkeypatch.setattr(bench, "reference_codes", lambda: ["cin_count"])
    monkeypatch.setattr(bench, "timed", timed)
    yield calls


def test_backfill_pairs_each_month_end_with_its_reference(
    fake_backfill: list[tuple[str, date]],
) -> None:
    goal = bench.suite_backfill(months=84, repetitions=5)
    dates = [d for kind, d in fake_backfill[2:] if kind == "rollup"]
    assert len(dates) == 84
    assert dates[0] == date(2011, 10, 31) and dates[-1] == bench.REPORT_DATE
    # Warm-up on the latest month end, then rollup and reference of the same day, in turn.
    assert fake_backfill[:2] == [("rollup", bench.REPORT_DATE), ("reference", bench.REPORT_DATE)]
    pairs = fake_backfill[2:]
    assert all(pairs[i][1] == pairs[i + 1][1] for i in range(0, len(pairs), 2))
    assert goal.status == "pass"
    assert goal.figures["ratio"] == 2.0
    assert goal.figures["rollup_total_s"] == 168.0
    assert len(goal.figures["per_month"]) == 84


def test_backfill_over_fewer_month_ends_than_the_goal_is_not_reported_as_a_pass(
    fake_backfill: list[tuple[str, date]],
) -> None:
    goal = bench.suite_backfill(months=3, repetitions=5)
    assert goal.status == "not measured"
    assert "the goal needs 84" in goal.detail


def test_backfill_breach_is_reported_whatever_the_number_of_month_ends(
    fake_backfill: list[tuple[str, date]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_rollup(fn: Callable[[], object]) -> float:
        fn()
        return 4.0 if fake_backfill[-1][0] == "rollup" else 1.0

    monkeypatch.setattr(bench, "timed", slow_rollup)
    goal = bench.suite_backfill(months=3, repetitions=5)
    assert goal.status == "breach"
    assert goal.figures["ratio"] == 4.0


def test_backfill_in_two_processes_pairs_every_month_end_once(
    fake_backfill: list[tuple[str, date]],
) -> None:
    goal = bench.suite_backfill(months=12, repetitions=5, jobs=2)
    months = [m["date"] for m in goal.figures["per_month"]]
    assert len(months) == len(set(months)) == 12
    assert goal.figures["ratio"] == 2.0 and goal.figures["jobs"] == 2
