"""complaints_q and complaints_upheld_pct."""

from datetime import date

import pytest

from casework.models import Complaint
from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

Q2 = Period(date(2018, 7, 1), date(2018, 9, 30))


@pytest.mark.django_db
def test_upheld_and_partially_upheld_over_all_complaints_received_in_the_quarter():
    for outcome in (
        Complaint.Outcome.UPHELD,
        Complaint.Outcome.PARTIALLY_UPHELD,
        Complaint.Outcome.NOT_UPHELD,
        Complaint.Outcome.PENDING,
    ):
        f.ComplaintFactory(received_date=date(2018, 8, 1), outcome=outcome)
    f.ComplaintFactory(received_date=date(2018, 7, 1), outcome=Complaint.Outcome.UPHELD)
    f.ComplaintFactory(received_date=date(2018, 9, 30))
    f.ComplaintFactory(received_date=date(2018, 6, 30), outcome=Complaint.Outcome.UPHELD)
    f.ComplaintFactory(received_date=date(2018, 10, 1), outcome=Complaint.Outcome.UPHELD)
    upheld = get("complaints_upheld_pct").result(Q2)
    assert (upheld.numerator, upheld.denominator, upheld.value) == (3, 6, 50)
    assert get("complaints_q").result(Q2).value == upheld.denominator


@pytest.mark.django_db
def test_complaints_belong_to_their_team_and_the_childs_worker(cast):
    f.ComplaintFactory(child=cast.child_a1, team=cast.team_a1, received_date=date(2018, 8, 1))
    f.ComplaintFactory(team=cast.team_b1, received_date=date(2018, 8, 1))
    assert get("complaints_q").result(Q2, MeasureScope("team", cast.team_a1.pk)).value == 1
    assert get("complaints_q").result(Q2, MeasureScope("service_area", cast.area_b.pk)).value == 1
    assert get("complaints_q").result(Q2, MeasureScope("worker", cast.worker_a1.pk)).value == 1
