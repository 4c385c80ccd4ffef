"""The default synthetic council (seed 1, scale 1) reproduces the seed report: every figure of
the seed scorecard and every earlier value it quotes, computed by the app's own measures, within
tolerance (counts within 1%, or 2 under 200; percentages within 1 point)."""

import csv
from datetime import date
from decimal import Decimal

import pytest

from scorecard.measures import Period, get
from scorecard.measures.base import Kind
from scorecard.services import SEED_CSV
from tests.demo.conftest import seed


def _period(text: str) -> Period:
    if text.startswith("at "):
        return Period.as_at_date(date.fromisoformat(text[3:]))
    start, end = text.split("..")
    return Period(date.fromisoformat(start), date.fromisoformat(end))


def expected_figures() -> list[tuple[str, str, Period, float]]:
    """(code, unit, period, value) for each figure and each earlier value of the seed CSV."""
    figures = []
    with open(SEED_CSV, newline="") as handle:
        for row in csv.DictReader(handle):
            measure = get(row["code"])
            figures.append((row["code"], row["unit"], _period(row["period"]), float(row["value"])))
            for part in filter(None, row["earlier"].split(";")):
                key, value = part.split("=")
                if ".." in key:
                    period = _period(key)
                else:
                    day = date.fromisoformat(key)
                    flow = measure.kind == Kind.FLOW
                    period = measure.default_period(day) if flow else Period.as_at_date(day)
                figures.append((row["code"], row["unit"], period, float(value)))
    return figures


def within_tolerance(unit: str, expected: float, got: Decimal | None) -> bool:
    if got is None:
        return False
    if unit == "percent":
        return abs(float(got) - expected) <= 1.0
    return abs(float(got) - expected) <= (2 if expected < 200 else expected * 0.01)


@pytest.mark.slow
@pytest.mark.django_db
def test_default_council_reproduces_every_seed_figure():
    seed(scale=1.0, seed=1)
    misses = []
    figures = expected_figures()
    assert len(figures) > 70
    for code, unit, period, expected in figures:
        got = get(code).result(period).value
        if not within_tolerance(unit, expected, got):
            misses.append(f"{code} {period.label()}: expected {expected}, got {got}")
    assert not misses, "\n".join(misses)
