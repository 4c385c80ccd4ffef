"""Direction of travel: percentage change as the report writes it, arrow and improvement."""

from decimal import Decimal as D

from scorecard.measures.base import Better
from scorecard.rating import Direction, Rating, direction_of_travel, percent_change


def test_cp_count_up_by_12_8_percent_from_789_to_890_as_the_report_says():
    change = direction_of_travel(D(890), D(789), Better.NEITHER)
    assert change.pct == D("12.8")
    assert change.direction == Direction.UP
    assert change.sentence == "up by 12.8% from 789 to 890"
    assert change.improved is None  # no polarity: neither better nor worse


def test_a_fall_in_a_higher_is_better_percentage_is_not_an_improvement():
    change = direction_of_travel(D("63.8"), D("72.8"), Better.UP, Rating.RED)
    assert change.pct == D("-12.4")
    assert change.sentence == "down by 12.4% from 72.8 to 63.8"
    assert change.arrow == "↓"
    assert change.improved is False
    assert change.rating == Rating.RED


def test_a_fall_in_a_lower_is_better_count_is_an_improvement():
    change = direction_of_travel(D(50), D(53), Better.DOWN)
    assert change.direction == Direction.DOWN
    assert change.improved is True


def test_no_change_reads_unchanged():
    change = direction_of_travel(D("90.8"), D("90.8"), Better.UP)
    assert change.direction == Direction.SAME
    assert change.pct == D("0.0")
    assert change.improved is None
    assert change.sentence == "unchanged at 90.8"


def test_from_zero_there_is_a_direction_but_no_percentage():
    change = direction_of_travel(D(4), D(0), Better.DOWN)
    assert change.pct is None
    assert change.improved is False
    assert change.sentence == "up from 0 to 4"


def test_a_missing_value_gives_no_direction():
    assert direction_of_travel(None, D(5), Better.UP) is None
    assert direction_of_travel(D(5), None, Better.UP) is None


def test_percent_change_rounds_half_up_to_one_place():
    assert percent_change(D(8), D(9)) == D("12.5")
    assert percent_change(D(3), D(2)) == D("-33.3")
