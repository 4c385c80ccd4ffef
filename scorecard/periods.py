"""Financial quarters and the period each measure is reported over.

English councils report by financial year (1 April to 31 March), so Q1 is April to June and Q4 is
January to March of the following calendar year. A quarter is written "2018-19-Q2" in URLs,
commands and exports, and "Q2 2018/19" on the page, as the committee report does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard.measures.base import Measure, Period, add_months

_LABEL = re.compile(r"^(?P<fy>\d{4})-(?P<fy2>\d{2})-Q(?P<q>[1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial quarter: `year` is the calendar year the financial year starts in (2018 for
    2018/19), `number` is 1-4."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"Quarter number must be 1-4, not {self.number}")

    @property
    def start(self) -> date:
        return add_months(date(self.year, 4, 1), 3 * (self.number - 1))

    @property
    def end(self) -> date:
        return add_months(self.start, 3) - timedelta(days=1)

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def label(self) -> str:
        """The machine form, "2018-19-Q2": round-trips through `Quarter.parse`."""
        return f"{self.year}-{(self.year + 1) % 100:02d}-Q{self.number}"

    @property
    def title(self) -> str:
        """The committee form, "Q2 2018/19"."""
        return f"Q{self.number} {self.year}/{(self.year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """ "2018-19-Q2" → Quarter(2018, 2). Raises ValueError on anything else."""
        match = _LABEL.match(text.strip())
        if not match:
            raise ValueError(f"Not a financial quarter (expected e.g. 2018-19-Q2): {text!r}")
        year = int(match["fy"])
        if (year + 1) % 100 != int(match["fy2"]):
            raise ValueError(f"Financial year {match['fy']}-{match['fy2']} is not consecutive")
        return cls(year, int(match["q"]))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        fy = day.year if day.month >= 4 else day.year - 1
        return cls(fy, (day.month - 4) % 12 // 3 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    def next(self) -> Quarter:
        return Quarter(self.year, self.number + 1) if self.number < 4 else Quarter(self.year + 1, 1)

    def back(self, count: int) -> list[Quarter]:
        """This quarter and the `count - 1` before it, oldest first (for trend charts)."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters[::-1]


def latest_complete_quarter(today: date) -> Quarter:
    """The last quarter that has ended on or before `today`."""
    quarter = Quarter.containing(today)
    return quarter if quarter.end == today else quarter.previous()


def is_quarter_end(day: date) -> bool:
    return Quarter.containing(day).end == day


def measure_period(measure: Measure, end: Quarter | date) -> Period:
    """The period a measure reports for a quarter (stocks as at its last day, flows over the
    measure's `flow_months` to it) or for an as-at date used as the end."""
    return measure.default_period(end.end if isinstance(end, Quarter) else end)


def previous_end(end: Quarter | date) -> Quarter | date:
    """The comparison point for direction of travel: the previous quarter, or three months
    before an as-at date (the report always compares with the quarter before)."""
    if isinstance(end, Quarter):
        return end.previous()
    return add_months(end, -3)


def end_date(end: Quarter | date) -> date:
    return end.end if isinstance(end, Quarter) else end


def month_ends(start: date, end: date) -> list[date]:
    """Every calendar month end in [start, end]."""
    days = []
    day = add_months(date(start.year, start.month, 1), 1) - timedelta(days=1)
    while day <= end:
        if day >= start:
            days.append(day)
        day = add_months(day.replace(day=1), 2) - timedelta(days=1)
    return days
