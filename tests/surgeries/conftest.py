"""Surgery fixtures: children on exception lists in two teams of the standard cast."""

from dataclasses import dataclass
from datetime import date

import pytest

from casework.models import Child, Worker
from tests import factories as f


@dataclass
class Lists:
    """Children failing measures as at the reporting date (2018-09-30)."""

    cp_a1: Child  # team A1, on a CP plan, never seen since the plan started
    unallocated_a1: Child  # team A1 by referral, no allocated worker
    s47_a1: Child  # team A1, section 47 with no ICPC after 15 working days
    cp_b1: Child  # team B1, on a CP plan, not seen


def cp_child(team, worker: Worker | None, *, plan_start=date(2018, 6, 1)) -> Child:
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=team, referral_date=date(2018, 4, 3))
    if worker is not None:
        f.InvolvementFactory(child=child, worker=worker, team=team, start_date=date(2018, 4, 4))
    f.CPPlanFactory(child=child, start_date=plan_start)
    return child


@pytest.fixture
def lists(cast) -> Lists:
    cp_a1 = cp_child(cast.team_a1, cast.worker_a1)
    unallocated = f.ChildFactory()
    f.ReferralFactory(child=unallocated, team=cast.team_a1, referral_date=date(2018, 9, 3))
    s47 = f.ChildFactory()
    f.ReferralFactory(child=s47, team=cast.team_a1, referral_date=date(2018, 7, 30))
    f.InvolvementFactory(
        child=s47, worker=cast.worker_a1, team=cast.team_a1, start_date=date(2018, 7, 31)
    )
    f.Section47Factory(child=s47, start_date=date(2018, 8, 1))
    cp_b1 = cp_child(cast.team_b1, cast.worker_b1)
    return Lists(cp_a1=cp_a1, unallocated_a1=unallocated, s47_a1=s47, cp_b1=cp_b1)
