"""Charts are valid SVG images with a title and a data table, and escape their text."""

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from casework.models import StrategicRisk
from scorecard import charts
from scorecard.models import KpiSnapshot

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["Q1 2017/18", "Q2 2017/18", "Q3 2017/18", "Q4 2017/18", "Q1 2018/19", "Q2 2018/19"]


def _parse(chart: charts.Chart) -> ElementTree.Element:
    root = ElementTree.fromstring(str(chart.svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    labelledby = root.get("aria-labelledby")
    assert labelledby is not None
    ids = labelledby.split()
    assert title.get("id") in ids
    for element in root.iter():
        assert element.get("style") is None  # CSP: no inline style
    return root


def _figures(series=None, risks=()):
    series = series or {
        "open_children": [3900, 3950, 3922, 3930, 3910, 3922],
        "allocated_pct": [98.5, 99, 99.1, 98.9, 99.2, 99.3],
        "s17_seen_timely_pct": [70, 72, 75, 78, 80.7, 82.1],
        "s47_seen_timely_pct": [60, 65, 70, 72, 74.7, 71.8],
        "cin_count": [2300, 2287, 2100, 2050, 2000, 1996],
        "cp_count": [700, 740, 760, 789, 789, 890],
        "cic_count": [633, 640, 650, 660, 678, 670],
        "assessment_45d_pct": [86, 84, 85, 83, 82, 81],
        "open_assessment_in_time_pct": [85, 90, 91, 90, None, 89],
        "cin_seen_pct": [80, 81, 75, 79, 78, 79],
        "cp_seen_10wd_pct": [80, 78, 76, 75, 72.8, 63.8],
        "cp_repeat_pct": [20, 21, 22, 25, 27, 29.2],
        "cic_s20": [230, 225, 220, 215, 210, 207],
        "cic_out_of_county": [102, 110, 120, 128, 135, 147],
    }
    return charts.report_figures(
        labels=LABELS,
        series=series,
        targets={"assessment_45d_pct": Decimal(85), "cin_seen_pct": Decimal(80)},
        funnel=[("Contacts", 2000), ("Referrals", 1440), ("Assessments", 1040)],
        caseloads=[("1 to 10", 80), ("11 to 15", 90), ("16 to 20", 58), ("21 to 25", 44)],
        risks=list(risks),
        quarter_title="Q2 2018/19",
    )


def test_every_report_figure_is_a_valid_svg_with_a_title():
    figures = _figures(risks=[StrategicRisk(title="Harm", owner="DCS", likelihood=3, impact=4)])
    slugs = [c.slug for c in figures]
    for expected in (
        "open-by-category",
        "caseload-distribution",
        "allocation",
        "front-door-funnel",
        "s17-visits",
        "s47-visits",
        "assessment-timeliness",
        "open-assessments",
        "cin-visits",
        "cp-numbers",
        "cp-visits",
        "repeat-plans",
        "children-in-care",
        "section-20",
        "out-of-county",
        "risk-matrix",
    ):
        assert expected in slugs
    for chart in figures:
        _parse(chart)
        assert chart.header and chart.rows
        assert chart.has_data


def test_a_gap_in_the_series_reads_no_data_in_the_table():
    open_assessments = next(c for c in _figures() if c.slug == "open-assessments")
    assert open_assessments.rows[4] == ["Q1 2018/19", "no data"]


def test_the_report_numbers_its_sixteen_figures_as_the_seed_report_does():
    slugs = [c.slug for c in _figures()]
    assert len(slugs) == 16
    assert slugs.index("cp-numbers") + 1 == 10
    assert slugs.index("risk-matrix") + 1 == 16


def test_category_chart_derives_care_leavers_from_open_children():
    chart = next(c for c in _figures() if c.slug == "open-by-category")
    assert chart.header == [
        "Quarter",
        "Child in need",
        "Child protection",
        "Child in care",
        "Care leaver",
    ]
    assert chart.rows[-1] == ["Q2 2018/19", "1,996", "890", "670", "366"]


def test_a_chart_without_data_says_no_data():
    chart = charts.line_chart("empty", "Nothing yet", LABELS, [charts.Series("X", [None] * 6)])
    root = _parse(chart)
    assert not chart.has_data
    assert "No data" in "".join(root.itertext())


def test_risk_titles_are_escaped_and_levels_are_words():
    risk = StrategicRisk(
        title='Failure to protect <script>alert("x")</script> & more',
        owner="Director",
        likelihood=3,
        impact=4,
    )
    chart = charts.risk_matrix("risks", "Strategic risks", [risk])
    root = _parse(chart)
    assert "<script>" not in str(chart.svg)
    assert risk.title in "".join(root.itertext())
    assert chart.rows == [["1", risk.title, "Director", "3", "4", "12", "Moderate"]]
    text = "".join(root.itertext())
    assert "25 High" in text and "1 Low" in text


def test_sparkline_is_an_svg_image_with_its_values():
    spark = charts.sparkline(
        "trend-x", "CP visits", [Decimal("72.8"), None, Decimal("63.8")], "percent"
    )
    root = ElementTree.fromstring(str(spark.svg))
    assert root.get("role") == "img"
    assert "72.8%, 63.8%" in root.find(f"{SVG}title").text


@pytest.mark.django_db
def test_charts_page_shows_each_figure_with_its_data_table(cast, as_user):
    for i, day in enumerate([date(2017, 12, 31), date(2018, 3, 31), date(2018, 6, 30)]):
        KpiSnapshot.objects.create(
            code="cp_count",
            scope_level="council",
            scope_id=0,
            date=day,
            value=700 + i,
            computed_at=timezone.now(),
        )
    StrategicRisk.objects.create(
        title="Failure to protect",
        owner="DCS",
        quarter_end=date(2018, 9, 30),
        likelihood=3,
        impact=4,
    )
    response = as_user(cast.leader).get("/scorecard/2018-19-Q2/charts/", {"scope": "council"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') >= 16
    assert "Data for Children subject to a child protection plan" in html
    assert "Failure to protect" in html
    assert "Moderate" in html
    # The caseload chart counts the cast's three allocated workers (one child each).
    caseloads = next(c for c in response.context["charts"] if c.slug == "caseload-distribution")
    assert caseloads.rows[0] == ["1 to 10", "3"]
