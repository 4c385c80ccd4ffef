"""The figures come from the records: take the visits or the health checks away and the measures
that count them collapse: without visits cin_seen_pct and cp_seen_10wd_pct, without health
checks cic_health_check_pct (and, where no check is recorded at all, "no data", never 0%)."""

from datetime import date
from decimal import Decimal

from casework.models import HealthCheck, Visit
from scorecard.measures import Period, get
from tests import factories as f

AS_AT = Period.as_at_date(date(2018, 9, 30))


def build(team) -> None:
    for n in range(6):
        cin = f.ChildFactory()
        f.ReferralFactory(child=cin, team=team, referral_date=date(2018, 1, 2))
        f.VisitFactory(child=cin, date=date(2018, 9, 20 + n % 3))
        cp = f.ChildFactory()
        f.ReferralFactory(child=cp, team=team, referral_date=date(2017, 11, 1))
        f.CPPlanFactory(child=cp, start_date=date(2018, 2, 1))
        f.VisitFactory(child=cp, date=date(2018, 9, 24 + n % 3), visit_type="cp")
        cic = f.ChildFactory(date_of_birth=date(2008, 1, 1))
        f.CareEpisodeFactory(child=cic, start_date=date(2017, 1, 5))
        f.HealthCheckFactory(child=cic, date=date(2018, 6, 1))


def value(code: str) -> Decimal:
    result = get(code).result(AS_AT)
    assert result.value is not None
    return result.value


def test_deleting_every_visit_collapses_the_seen_measures(cast):
    build(cast.team_a1)
    assert value("cp_seen_10wd_pct") == Decimal("100.0")
    before_cin = value("cin_seen_pct")
    assert before_cin > Decimal("60")  # the cast's own three children have no visits
    Visit.objects.all().delete()
    assert value("cp_seen_10wd_pct") == Decimal("0.0")
    assert value("cin_seen_pct") == Decimal("0.0")


def test_deleting_every_health_check_collapses_the_health_measure(cast):
    build(cast.team_a1)
    assert value("cic_health_check_pct") == Decimal("100.0")
    # The council still records health checks (one, of a child who is not in care), so the
    # children in care without one make 0%, a figure.
    HealthCheck.objects.all().delete()
    f.HealthCheckFactory(child=f.ChildFactory(), date=date(2018, 6, 1))
    assert value("cic_health_check_pct") == Decimal("0.0")


def test_with_no_health_check_recorded_at_all_the_measure_has_no_data(cast):
    build(cast.team_a1)
    HealthCheck.objects.all().delete()
    measure = get("cic_health_check_pct")
    assert measure.result(AS_AT).value is None
    assert "OC2" in (measure.no_data_reason(AS_AT) or "")
