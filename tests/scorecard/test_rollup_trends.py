"""Trends read the rollup's quarter-end snapshots for every code in one query."""

from datetime import date
from decimal import Decimal

from scorecard.measures.base import COUNCIL, MeasureScope
from scorecard.periods import Quarter
from scorecard.queries import trend, trends
from scorecard.rollup import rollup_dates_in_process
from tests.scorecard.rollup_data import add_children

ENDS = [q.end for q in Quarter.parse("2018-19-Q2").back(3)]  # 31 Mar, 30 Jun, 30 Sep 2018


def test_trends_give_each_code_its_quarter_end_values_oldest_first(cast, django_assert_num_queries):
    add_children(cast, 2)
    rollup_dates_in_process(ENDS, codes=["open_children", "cic_count"])
    with django_assert_num_queries(1):
        series = trends(COUNCIL, ENDS)
    assert [day for day, _ in series["open_children"]] == ENDS
    assert series["open_children"][-1][1] == Decimal(9)
    assert set(series) == {"open_children", "cic_count"}


def test_a_missing_quarter_is_a_gap_not_a_zero(cast):
    rollup_dates_in_process([ENDS[0], ENDS[2]], codes=["open_children"])
    assert [day for day, _ in trend("open_children", quarters=3)] == [ENDS[0], ENDS[2]]


def test_a_team_trend_reads_that_teams_rows(cast):
    rollup_dates_in_process([ENDS[2]], codes=["open_children"])
    team = MeasureScope("team", cast.team_b1.pk)
    assert trend("open_children", team, quarters=1, last=Quarter.containing(date(2018, 9, 30))) == [
        (ENDS[2], Decimal(1))
    ]
