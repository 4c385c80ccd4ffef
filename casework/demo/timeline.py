"""Date helpers for the generator: month and quarter ends, schedules, working days, exact draws."""

from __future__ import annotations

import bisect
import calendar
import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from casework import workingdays


class GeneratorRandom(random.Random):
    """The generator's random numbers: `random.Random` with a leaner `randint`. The standard one
    goes through `randrange`'s argument checks on every call, a tenth of the generator's time;
    this draws the same number from the same state (a + _randbelow(b - a + 1))."""

    def randint(self, a: int, b: int) -> int:
        width = b - a + 1
        if width <= 0:
            raise ValueError(f"empty range in randint({a}, {b})")
        return a + self._randbelow(width)  # type: ignore[attr-defined]


_MONTH_ENDS: dict[int, date] = {}


def _month_end(year: int, month: int) -> date:
    key = year * 12 + month
    end = _MONTH_ENDS.get(key)
    if end is None:
        end = _MONTH_ENDS[key] = date(year, month, calendar.monthrange(year, month)[1])
    return end


def month_end(day: date) -> date:
    return _month_end(day.year, day.month)


def month_ends(start: date, end: date) -> list[date]:
    """Month ends from the one on or after `start` to `end` inclusive."""
    out, day = [], month_end(start)
    while day <= end:
        out.append(day)
        day = month_end(day + timedelta(days=1))
    return out


def quarter_ends(start: date, end: date) -> list[date]:
    return [d for d in month_ends(start, end) if d.month in (3, 6, 9, 12)]


def quarter_of(day: date) -> date:
    """The quarter end of the financial quarter holding `day`."""
    return _month_end(day.year, ((day.month - 1) // 3 + 1) * 3)


class Schedule:
    """A value over time, linear between dated points and flat outside them."""

    def __init__(self, points: Mapping[date, float], quarterly: bool = False):
        self.days = sorted(points)
        self.values = [points[d] for d in self.days]
        # A flow's rate is the quarter's: every day of a quarter reads its quarter end's value.
        self.quarterly = quarterly

    def __call__(self, day: date) -> float:
        if self.quarterly:
            day = quarter_of(day)
        i = bisect.bisect_right(self.days, day)
        if i == 0:
            return self.values[0]
        if i == len(self.days):
            return self.values[-1]
        d0, d1 = self.days[i - 1], self.days[i]
        v0, v1 = self.values[i - 1], self.values[i]
        return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days


def known[T](value: T | None) -> T:
    """A value the generator has set by this stage (a journey's referral, the end of a closed
    spell...): narrows the Optional for the type checker and fails loudly if it is not set."""
    if value is None:
        raise ValueError("the generator expected this value to be set by now")
    return value


def rand_day(rng: random.Random, lo: date, hi: date) -> date:
    """A day in [lo, hi] (lo if the range is empty)."""
    span = (hi - lo).days
    return lo + timedelta(days=rng.randint(0, span)) if span > 0 else lo


def exact_flags(n: int, share: float, rng: random.Random) -> list[bool]:
    """n flags with exactly round(n * share) True, shuffled: a controlled draw instead of n coin
    tosses, so a small cohort still hits its rate."""
    k = max(0, min(n, round(n * share)))
    flags = [True] * k + [False] * (n - k)
    rng.shuffle(flags)
    return flags


def pick(rng: random.Random, items: Sequence, k: int) -> list:
    return rng.sample(list(items), max(0, min(k, len(items))))


# --- working days (the app's own calendar) -------------------------------------------------------


def wd_between(start: date, end: date) -> int:
    return workingdays.working_days_between(start, end)


def add_wd(day: date, n: int) -> date:
    if n <= 0:
        return day
    return workingdays.add_working_days(day, n)


def sub_wd(day: date, n: int) -> date:
    """The earliest day S with wd_between(S, day) <= n."""
    return workingdays.subtract_working_days(day, n)


def next_working_day(day: date) -> date:
    while not workingdays.is_working_day(day):
        day += timedelta(days=1)
    return day
