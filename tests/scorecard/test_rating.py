"""Rating against target and tolerance, at every boundary, both polarities."""

from decimal import Decimal as D

import pytest

from scorecard.measures.base import Better, Unit
from scorecard.rating import Rating, effective_tolerance, rate


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("90", Rating.GOOD),  # beats the target
        ("85", Rating.GOOD),  # exactly on target
        ("84.9", Rating.ACCEPTABLE),
        ("80", Rating.ACCEPTABLE),  # shortfall == 1 tolerance
        ("79.9", Rating.YELLOW),
        ("75", Rating.YELLOW),  # shortfall == 2 tolerances
        ("74.9", Rating.AMBER),
        ("70", Rating.AMBER),  # shortfall == 3 tolerances
        ("69.9", Rating.RED),
        ("0", Rating.RED),
    ],
)
def test_higher_is_better_boundaries(value, expected):
    assert rate(D(value), D(85), D(5), Better.UP) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", Rating.GOOD),
        ("20", Rating.GOOD),
        ("22", Rating.ACCEPTABLE),
        ("22.1", Rating.YELLOW),
        ("24", Rating.YELLOW),
        ("24.1", Rating.AMBER),
        ("26", Rating.AMBER),
        ("26.1", Rating.RED),
    ],
)
def test_lower_is_better_boundaries(value, expected):
    assert rate(D(value), D(20), D(2), Better.DOWN) == expected


def test_the_reports_own_figures_rate_as_the_report_says():
    # CIN seen 79% against 80 (tolerance 5): "within tolerance of target".
    assert rate(D("79"), D(80), D(5), Better.UP) == Rating.ACCEPTABLE
    # Single assessments 81% against 85 (tolerance 5).
    assert rate(D("81"), D(85), D(5), Better.UP) == Rating.ACCEPTABLE
    # Review conferences 91% against 90.
    assert rate(D("91"), D(90), None, Better.UP) == Rating.GOOD


def test_no_target_means_no_rating():
    assert rate(D("50"), None, D(5), Better.UP) is None


def test_no_value_means_no_rating():
    assert rate(None, D(80), D(5), Better.UP) is None


def test_no_polarity_means_no_rating():
    assert rate(D("50"), D(80), D(5), Better.NEITHER) is None


def test_missing_tolerance_defaults_to_5_points_for_percentages():
    assert effective_tolerance(D(80), None, Unit.PERCENT) == D(5)
    assert rate(D("75"), D(80), None, Better.UP, Unit.PERCENT) == Rating.ACCEPTABLE
    assert rate(D("74.9"), D(80), None, Better.UP, Unit.PERCENT) == Rating.YELLOW


def test_missing_tolerance_defaults_to_5_percent_of_a_count_target_at_least_1():
    assert effective_tolerance(D(200), None, Unit.COUNT) == D(10)
    assert effective_tolerance(D(6), None, Unit.COUNT) == D(1)
    assert rate(D(210), D(200), None, Better.DOWN, Unit.COUNT) == Rating.ACCEPTABLE
    assert rate(D(211), D(200), None, Better.DOWN, Unit.COUNT) == Rating.YELLOW


def test_zero_tolerance_makes_any_shortfall_red():
    assert rate(D("80"), D(80), D(0), Better.UP) == Rating.GOOD
    assert rate(D("79.9"), D(80), D(0), Better.UP) == Rating.RED


def test_ratings_carry_a_text_label_so_colour_is_not_the_only_signal():
    assert [r.label for r in Rating] == ["Good", "Acceptable", "Yellow", "Amber", "Red"]
