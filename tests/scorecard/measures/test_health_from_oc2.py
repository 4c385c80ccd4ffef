"""Health and dental measures where no dated checks are recorded: the SSDA903 OC2 outcomes at
31 March (children looked after continuously for 12 months, the DfE's definition), and "no data"
with its reason, never a number, where neither exists."""

from datetime import date
from decimal import Decimal

import pytest

from casework.models import CareOutcome, HealthCheck
from scorecard.measures.base import Period
from scorecard.measures.registry import get
from scorecard.presenter import scorecard_export_rows
from scorecard.queries import scorecard_rows
from tests import factories as f

pytestmark = pytest.mark.django_db
YEAR_END = date(2019, 3, 31)


def in_care(start: date, *, health=None, teeth=None, year=2019):
    child = f.ChildFactory(date_of_birth=date(2008, 1, 1))
    f.CareEpisodeFactory(child=child, start_date=start, rne="S", legal_status="C2")
    if health is not None or teeth is not None:
        CareOutcome.objects.create(
            child=child, collection_year=year, health_check=health, teeth_check=teeth
        )
    return child


def test_no_checks_and_no_oc2_is_no_data_with_the_reason_everywhere():
    in_care(date(2017, 1, 3))
    period = Period.as_at_date(YEAR_END)
    for code in ("cic_health_check_pct", "cic_dental_check_pct"):
        measure = get(code)
        assert measure.result(period).value is None
        assert "OC2" in measure.no_data_reason(period)
    row = next(r for r in scorecard_rows(YEAR_END) if r.code == "cic_health_check_pct")
    assert row.value is None
    assert "No health assessment dates" in row.no_data_reason
    assert row.as_dict()["no_data_reason"] == row.no_data_reason
    exported = next(r for r in scorecard_export_rows([row]))
    assert exported[4].startswith("No data: No health assessment dates")


def test_oc2_gives_the_figure_for_children_looked_after_twelve_months():
    done = in_care(date(2018, 4, 1), health=True, teeth=False)
    not_done = in_care(date(2016, 5, 1), health=False, teeth=True)
    no_row = in_care(date(2016, 5, 1))
    in_care(date(2018, 4, 2), health=True)  # not yet 12 months at 31 March: not in the cohort
    period = Period.as_at_date(YEAR_END)
    health = {r.pk: r.in_numerator for r in get("cic_health_check_pct").rows(period)}
    assert health == {done.pk: True, not_done.pk: False, no_row.pk: False}
    assert get("cic_health_check_pct").result(period).value == Decimal("33.3")
    dental = {r.pk: r.in_numerator for r in get("cic_dental_check_pct").rows(period)}
    assert dental == {done.pk: False, not_done.pk: True, no_row.pk: False}
    assert get("cic_health_check_pct").no_data_reason(period) is None


def test_oc2_is_as_at_31_march_only():
    in_care(date(2016, 5, 1), health=True)
    assert get("cic_health_check_pct").result(Period.as_at_date(date(2019, 6, 30))).value is None


def test_dated_checks_take_precedence_over_oc2():
    child = in_care(date(2016, 5, 1), health=False)
    f.HealthCheckFactory(child=child, kind=HealthCheck.Kind.HEALTH, date=date(2018, 10, 1))
    rows = {
        r.pk: r.in_numerator for r in get("cic_health_check_pct").rows(Period.as_at_date(YEAR_END))
    }
    assert rows == {child.pk: True}
