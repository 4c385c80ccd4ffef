"""Structural invariants of a small synthetic council: allocations, care episodes, dates."""

from collections import defaultdict
from datetime import date

import pytest
from django.db.models import Max, Min

from casework import models as m
from tests.demo.conftest import AS_AT

pytestmark = pytest.mark.usefixtures("small_council")


def _by_child(rows):
    out = defaultdict(list)
    for row in rows:
        out[row[0]].append(row[1:])
    return out


def test_a_child_never_has_two_allocations_at_once():
    rows = m.Involvement.objects.filter(role="allocated").order_by("child_id", "start_date", "id")
    by_child = _by_child(rows.values_list("child_id", "start_date", "end_date"))
    assert by_child
    for spans in by_child.values():
        for (s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
            assert e1 is not None and e1 <= s2
        assert sum(1 for _s, e in spans if e is None) <= 1


def test_allocations_sit_inside_the_workers_employment():
    for inv in m.Involvement.objects.select_related("worker").iterator():
        worker = inv.worker
        assert worker.start_date <= inv.start_date
        if worker.end_date is not None:
            assert inv.end_date is not None and inv.end_date <= worker.end_date


def test_care_episodes_do_not_overlap_and_periods_are_contiguous_runs():
    rows = m.CareEpisode.objects.order_by("child_id", "start_date")
    by_child = _by_child(rows.values_list("child_id", "start_date", "end_date", "rne", "rec"))
    assert by_child
    for episodes in by_child.values():
        for (s1, e1, _rne1, rec1), (s2, _e2, rne2, _rec2) in zip(
            episodes, episodes[1:], strict=False
        ):
            assert e1 is not None and e1 <= s2
            if e1 == s2:
                # A contiguous episode continues the period: it is a change, not a new start.
                assert rne2 in {"P", "B", "L", "T", "U"} or rec1 != "X1"
            if rec1 == "X1":
                assert e1 == s2 and rne2 != "S"


def test_no_record_is_dated_after_the_as_at_date():
    checks = [
        (m.Referral, "referral_date"),
        (m.Assessment, "start_date"),
        (m.Assessment, "authorised_date"),
        (m.CINPlan, "start_date"),
        (m.CPPlan, "start_date"),
        (m.CareEpisode, "start_date"),
        (m.Visit, "date"),
        (m.HealthCheck, "date"),
        (m.Involvement, "start_date"),
        (m.Complaint, "received_date"),
    ]
    for model, field in checks:
        latest = model.objects.aggregate(v=Max(field))["v"]
        assert latest is not None and latest <= AS_AT, (model.__name__, field)
    assert m.Referral.objects.aggregate(v=Min("referral_date"))["v"] < date(2013, 1, 1)
    decided = m.Contact.objects.aggregate(v=Max("decided_at"))["v"]
    assert decided.date() <= AS_AT


def test_every_child_is_born_before_their_first_referral():
    for child in m.Child.objects.filter(referrals__isnull=False).annotate(
        first=Min("referrals__referral_date")
    ):
        assert child.date_of_birth <= child.first


def test_visits_are_written_up_after_they_happen():
    for visit in m.Visit.objects.all()[:2000]:
        assert visit.recorded_at.date() >= visit.date


def test_open_children_in_every_category():
    from scorecard.measures import Period, get

    period = Period.as_at_date(AS_AT)
    counts = {
        code: get(code).result(period).value for code in ("cin_count", "cp_count", "cic_count")
    }
    assert all(v > 0 for v in counts.values()), counts
    assert m.CareEpisode.objects.filter(legal_status__in=("V3", "V4")).exists()
    assert m.CareEpisode.objects.filter(in_area=False).exists()
    assert m.CareLeaver.objects.filter(end_date__isnull=True).exists()
    assert m.StrategicRisk.objects.filter(quarter_end=AS_AT).count() >= 2
