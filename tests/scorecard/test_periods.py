"""Financial quarters and measure periods."""

from datetime import date

import pytest

from scorecard.measures.base import Kind, Measure, Period, Unit
from scorecard.periods import (
    Quarter,
    is_quarter_end,
    latest_complete_quarter,
    measure_period,
    month_ends,
    previous_end,
)


def test_q2_2018_19_is_july_to_september_2018():
    quarter = Quarter.parse("2018-19-Q2")
    assert (quarter.start, quarter.end) == (date(2018, 7, 1), date(2018, 9, 30))
    assert quarter.label == "2018-19-Q2"
    assert quarter.title == "Q2 2018/19"


def test_q4_is_january_to_march_of_the_next_calendar_year():
    quarter = Quarter.parse("2018-19-Q4")
    assert (quarter.start, quarter.end) == (date(2019, 1, 1), date(2019, 3, 31))


def test_q4_of_a_leap_year_ends_31_march_and_q3_ends_31_december():
    assert Quarter.parse("2019-20-Q4").end == date(2020, 3, 31)
    assert Quarter.parse("2019-20-Q3").end == date(2019, 12, 31)


@pytest.mark.parametrize("text", ["2018-Q2", "2018-20-Q2", "2018-19-Q5", "Q2 2018/19", ""])
def test_bad_labels_are_refused(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2018, 4, 1), "2018-19-Q1"),
        (date(2018, 6, 30), "2018-19-Q1"),
        (date(2018, 7, 1), "2018-19-Q2"),
        (date(2018, 12, 31), "2018-19-Q3"),
        (date(2019, 1, 1), "2018-19-Q4"),
        (date(2019, 3, 31), "2018-19-Q4"),
    ],
)
def test_quarter_containing_a_date(day, label):
    assert Quarter.containing(day).label == label


def test_previous_of_q1_is_q4_of_the_year_before_and_back_round_trips():
    assert Quarter.parse("2018-19-Q1").previous().label == "2017-18-Q4"
    assert Quarter.parse("2017-18-Q4").next().label == "2018-19-Q1"
    assert [q.label for q in Quarter.parse("2018-19-Q2").back(3)] == [
        "2017-18-Q4",
        "2018-19-Q1",
        "2018-19-Q2",
    ]


def test_latest_complete_quarter_includes_a_quarter_ending_today():
    assert latest_complete_quarter(date(2018, 9, 30)).label == "2018-19-Q2"
    assert latest_complete_quarter(date(2018, 9, 29)).label == "2018-19-Q1"


def test_quarter_ends():
    assert is_quarter_end(date(2018, 9, 30))
    assert not is_quarter_end(date(2018, 8, 31))


class _Stock(Measure):
    code, title, section, unit, rule = "s", "S", "T", Unit.COUNT, "r"


class _Flow12(Measure):
    code, title, section, unit, rule = "f", "F", "T", Unit.PERCENT, "r"
    kind = Kind.FLOW
    flow_months = 12


def test_a_stock_is_measured_at_the_quarter_end():
    assert measure_period(_Stock(), Quarter.parse("2018-19-Q2")) == Period(
        date(2018, 9, 30), date(2018, 9, 30)
    )


def test_a_flow_covers_its_months_to_the_quarter_end():
    assert measure_period(_Flow12(), Quarter.parse("2018-19-Q2")) == Period(
        date(2017, 10, 1), date(2018, 9, 30)
    )


def test_an_as_at_date_is_used_as_the_end():
    assert measure_period(_Flow12(), date(2018, 8, 15)).end == date(2018, 8, 15)


def test_previous_end_is_the_previous_quarter_or_three_months_before():
    assert previous_end(Quarter.parse("2018-19-Q2")) == Quarter.parse("2018-19-Q1")
    assert previous_end(date(2018, 8, 31)) == date(2018, 5, 31)


def test_month_ends_in_a_range():
    assert month_ends(date(2018, 1, 15), date(2018, 4, 30)) == [
        date(2018, 1, 31),
        date(2018, 2, 28),
        date(2018, 3, 31),
        date(2018, 4, 30),
    ]
