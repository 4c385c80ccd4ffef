"""The drafted narrative's sentence rules, with hand-made numbers: percentage change computed
from the two figures stated, the verb by direction and the judgement by polarity, the rating in
words, the pointer to the figure, "no figure" in words, and the summary's choices."""

from datetime import date
from decimal import Decimal

from scorecard import narrative
from scorecard.narrative import Facts
from scorecard.rating import Rating

STOCK = {"kind": "stock", "period_start": date(2018, 9, 30), "period_end": date(2018, 9, 30)}
QUARTER = {"kind": "flow", "period_start": date(2018, 7, 1), "period_end": date(2018, 9, 30)}


def _count(code="cp_count", value=890, previous=789, better="", **extra) -> Facts:
    fields = {"title": "Children subject to a child protection plan", **STOCK, **extra}
    return Facts(
        code=code,
        unit="count",
        better=better,
        value=None if value is None else Decimal(value),
        previous=None if previous is None else Decimal(previous),
        **fields,
    )


def _percent(code="assessment_45d_pct", value="81", **extra) -> Facts:
    fields = {
        "title": "Assessments completed within 45 working days",
        "unit": "percent",
        "better": "up",
        "numerator": 1630,
        "target": Decimal(85),
        "tolerance": Decimal(5),
        "rating": Rating.ACCEPTABLE,
        "previous": None,
        **QUARTER,
        **extra,
    }
    return Facts(code=code, value=None if value is None else Decimal(value), **fields)


def test_a_count_that_kept_rising_continued_to_increase_and_points_to_its_figure():
    facts = _count(earlier=(Decimal(700),), figure=10)
    assert narrative.measure_sentences(facts)[0] == (
        "The number of children subject to protection plans continued to increase this quarter, "
        "up by 12.8% from 789 to 890 (see Fig. 10)."
    )


def test_the_change_is_computed_from_the_numbers_never_copied():
    facts = _count(code="cin_count", value=1996, previous=2287)
    assert "down by 12.7% from 2,287 to 1,996" in narrative.measure_paragraph(facts)


def test_a_first_change_increased_rather_than_continued():
    text = narrative.measure_paragraph(_count(earlier=(Decimal(800),)))
    assert "continued" not in text and " increased this quarter" in text


def test_polarity_decides_improvement_or_decline():
    fewer_heavy_caseloads = narrative.measure_paragraph(
        _count(code="sw_over_20", value=50, previous=53, better="down")
    )
    assert "reduced this quarter, down by 5.7% from 53 to 50, an improvement." in (
        fewer_heavy_caseloads
    )
    more_moves = narrative.measure_paragraph(
        _count(code="cic_3plus_placements", value=49, previous=27, better="down")
    )
    assert "up by 81.5% from 27 to 49, a decline." in more_moves


def test_a_percentage_states_its_count_and_its_rating_against_target():
    facts = _percent(figure=7)
    assert narrative.measure_sentences(facts)[0] == (
        "81% (1,630) of all assessments completed in Quarter 2 were within 45 working days, "
        "within tolerance of the 85% target (see Fig. 7)."
    )


def test_rating_words_follow_the_report_key():
    def words(rating, value="81"):
        return narrative.rating_words(_percent(rating=rating, value=value))

    assert words(Rating.GOOD, "91") == "above the 85% target"
    assert words(Rating.GOOD, "85") == "meeting the 85% target"
    assert words(Rating.YELLOW) == "just below tolerance of the 85% target"
    assert words(Rating.AMBER) == "below tolerance of the 85% target"
    assert words(Rating.RED) == "well below the 85% target"
    assert narrative.rating_words(_percent(rating=None, target=None)) == ""


def test_a_percentage_change_is_relative_as_the_report_shows_it():
    facts = _percent(
        code="cp_seen_10wd_pct", value="63.8", previous=Decimal("72.8"), rating=None, target=None
    )
    text = narrative.measure_paragraph(facts)
    assert "This is a decline on last quarter, down by 12.4% from 72.8% to 63.8%." in text


def test_a_stock_percentage_is_at_the_end_of_the_month():
    facts = _percent(code="cin_seen_pct", value="79", numerator=1573, **STOCK)
    assert "79% (1,573) of children in need had been seen within timescale at the end of " in (
        narrative.measure_paragraph(facts)
    )
    assert "September 2018" in narrative.measure_paragraph(facts)


def test_no_data_is_said_in_words():
    assert narrative.measure_sentences(_count(value=None, figure=10)) == [
        "There is no figure for children subject to a child protection plan at the end of "
        "September 2018 (see Fig. 10)."
    ]
    first_quarter = narrative.measure_paragraph(_count(previous=None))
    assert "There were 890 children subject to protection plans" in first_quarter
    assert "no figure for the previous quarter" in first_quarter


def test_a_change_from_zero_has_no_percentage():
    assert narrative.change_words(Decimal(0), Decimal(4), "count") == "up from 0 to 4"
    assert narrative.change_words(Decimal(11), Decimal(11), "count") == "unchanged at 11"


def test_a_run_of_quarters_gives_the_change_since_it_began():
    facts = _count(code="cin_count", value=1996, previous=2150, earlier=(Decimal(2287),))
    text = narrative.measure_paragraph(facts)
    assert "continued to reduce this quarter, down by 7.2% from 2,150 to 1,996" in text
    assert "Over the last two quarters it is down by 12.7% from 2,287 to 1,996." in text


def test_a_benchmark_is_compared_by_polarity():
    facts = _percent(
        code="cp_lt_2y_pct",
        value="99.3",
        rating=None,
        target=None,
        benchmark=Decimal("97.8"),
        benchmark_label="Good/Outstanding authorities",
        **STOCK,
    )
    assert "Performance is better than Good/Outstanding authorities (97.8%)." in (
        narrative.measure_paragraph(facts)
    )


def test_the_summary_names_the_three_furthest_below_target_by_tolerances():
    icpc = _percent(
        code="icpc_15wd_pct", title="ICPCs", value="62", target=Decimal(80), rating=Rating.RED
    )
    plans = _percent(
        code="cin_plan_le_1y_pct",
        title="Plans",
        value="91.9",
        target=Decimal(97),
        rating=Rating.YELLOW,
    )
    seen = _percent(code="cin_seen_pct", title="Seen", value="79", target=Decimal(80))
    small = _percent(code="x", title="Small", value="84.5", target=Decimal(85))
    good = _percent(code="y", title="Good", value="90", target=Decimal(85), rating=Rating.GOOD)
    worst = narrative.furthest_below_target([small, seen, good, plans, icpc])
    assert [f.code for f in worst] == ["icpc_15wd_pct", "cin_plan_le_1y_pct", "cin_seen_pct"]
    summary = narrative.summary_paragraphs([small, seen, good, plans, icpc])
    assert summary[0].startswith("Of the 5 measures with a target, 1 met or exceeded it")
    assert summary[1].startswith("The three measures furthest below target are icpcs (62%")


def test_the_summary_names_the_largest_movements_and_missing_figures():
    up = _count(code="a", title="A", value=20, previous=10, better="up")
    down = _count(code="b", title="B", value=95, previous=100, better="down")
    none = _count(code="c", title="C", value=None)
    summary = narrative.summary_paragraphs([down, up, none])
    movements = next(p for p in summary if p.startswith("The largest movements"))
    assert movements.index("a, up by 100%") < movements.index("b, down by 5%")
    assert summary[-1] == "There is no figure this quarter for c."
