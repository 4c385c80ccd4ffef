"""Rating a value against its target, and the direction of travel since the previous quarter.

The committee report's key (DESIGN.md section 6):

- **Good**: meets or beats the target.
- **Acceptable**: short of the target by no more than the tolerance.
- **Yellow / Amber / Red**: below tolerance, graded by the shortfall: up to 2 tolerances Yellow,
  up to 3 Amber, beyond that Red.

The shortfall is measured in the value's own unit (percentage points for percentages), in the
direction the measure improves. A measure with no target, or no polarity, has no rating.

**Missing tolerance.** The report's own tolerances are 5 percentage points on 80-97% targets, so a
target with no tolerance uses `DEFAULT_TOLERANCE_POINTS` (5 points) for percentages and
`DEFAULT_TOLERANCE_FRACTION` (5% of the target, at least 1) for counts. A tolerance of 0 is a
real setting: anything short of target is then Red.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from scorecard.measures.base import Better, Unit

DEFAULT_TOLERANCE_POINTS = Decimal(5)
DEFAULT_TOLERANCE_FRACTION = Decimal("0.05")
YELLOW_TOLERANCES = 2
AMBER_TOLERANCES = 3


class Rating(StrEnum):
    GOOD = "good"
    ACCEPTABLE = "acceptable"
    YELLOW = "yellow"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return RATING_LABELS[self]

    @property
    def below_target(self) -> bool:
        return self in (Rating.YELLOW, Rating.AMBER, Rating.RED)


RATING_LABELS = {
    Rating.GOOD: "Good",
    Rating.ACCEPTABLE: "Acceptable",
    Rating.YELLOW: "Yellow",
    Rating.AMBER: "Amber",
    Rating.RED: "Red",
}


def effective_tolerance(target: Decimal, tolerance: Decimal | None, unit: Unit | str) -> Decimal:
    """The tolerance to rate with: the one set, else the documented default."""
    if tolerance is not None:
        return Decimal(tolerance)
    if unit == Unit.PERCENT:
        return DEFAULT_TOLERANCE_POINTS
    return max(Decimal(1), (abs(Decimal(target)) * DEFAULT_TOLERANCE_FRACTION))


def shortfall(value: Decimal, target: Decimal, better: Better | str) -> Decimal:
    """How far the value is on the wrong side of the target (≤ 0 means met or beaten)."""
    if better == Better.UP:
        return Decimal(target) - Decimal(value)
    return Decimal(value) - Decimal(target)


def rate(
    value: Decimal | int | None,
    target: Decimal | int | None,
    tolerance: Decimal | int | None,
    better: Better | str,
    unit: Unit | str = Unit.PERCENT,
) -> Rating | None:
    """The rating of `value`, or None when there is no value, no target or no polarity."""
    if value is None or target is None or better not in (Better.UP, Better.DOWN):
        return None
    tol = effective_tolerance(
        Decimal(target), None if tolerance is None else Decimal(tolerance), unit
    )
    gap = shortfall(Decimal(value), Decimal(target), better)
    if gap <= 0:
        return Rating.GOOD
    if gap <= tol:
        return Rating.ACCEPTABLE
    if gap <= YELLOW_TOLERANCES * tol:
        return Rating.YELLOW
    if gap <= AMBER_TOLERANCES * tol:
        return Rating.AMBER
    return Rating.RED


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"


@dataclass(frozen=True)
class Change:
    """Direction of travel from the previous value to the current one.

    `pct` is the percentage change of the value itself (for a percentage measure, the relative
    change of the percentage, as the report does: "down by 12.4% from 72.8 to 63.8"); None when
    the previous value is 0. `improved` is None when the measure has no polarity or nothing
    moved. `rating` is the current rating, which colours the arrow."""

    previous: Decimal
    current: Decimal
    pct: Decimal | None
    direction: Direction
    improved: bool | None
    rating: Rating | None

    @property
    def arrow(self) -> str:
        return {Direction.UP: "↑", Direction.DOWN: "↓", Direction.SAME: "→"}[self.direction]

    @property
    def sentence(self) -> str:
        """ "up by 12.8% from 789 to 890", "unchanged at 90.8", "up from 0 to 4"."""
        prev, cur = _plain(self.previous), _plain(self.current)
        if self.direction == Direction.SAME:
            return f"unchanged at {cur}"
        word = self.direction.value
        if self.pct is None:
            return f"{word} from {prev} to {cur}"
        return f"{word} by {_plain(abs(self.pct))}% from {prev} to {cur}"


def _plain(number: Decimal) -> str:
    """Decimal without trailing zeros or exponent: 890, 72.8."""
    text = format(number.normalize(), "f")
    return text


def percent_change(previous: Decimal, current: Decimal) -> Decimal | None:
    """Signed percentage change to 1 decimal place, half up; None from a previous value of 0."""
    if previous == 0:
        return None
    return (Decimal(100) * (current - previous) / abs(previous)).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )


def direction_of_travel(
    current: Decimal | int | None,
    previous: Decimal | int | None,
    better: Better | str,
    rating: Rating | None = None,
) -> Change | None:
    """The change since the previous value, or None when either value is missing."""
    if current is None or previous is None:
        return None
    cur, prev = Decimal(current), Decimal(previous)
    if cur > prev:
        direction = Direction.UP
    elif cur < prev:
        direction = Direction.DOWN
    else:
        direction = Direction.SAME
    improved: bool | None = None
    if direction != Direction.SAME and better in (Better.UP, Better.DOWN):
        improved = (direction == Direction.UP) == (better == Better.UP)
    return Change(prev, cur, percent_change(prev, cur), direction, improved, rating)
