"""A small council for the rollup tests: the standard cast plus children that exercise every way
a row is scoped (allocated, unallocated with a referral team, no team at all, in care, on a plan)
and the caseload measures, which are committed and stable, to roll up."""

from datetime import date

from casework.models import Worker
from tests import factories as f

# Child, worker and percent measures whose rows reach every scope.
CODES = [
    "open_children",
    "cin_count",
    "cp_count",
    "cic_count",
    "allocated_pct",
    "case_holding_workers",
    "sw_over_20",
]
QUARTER_END = date(2018, 9, 30)


def add_children(cast, count: int) -> None:
    """`count` more children of each kind, spread over the cast's teams and workers."""
    workers = [cast.worker_a1, cast.worker_a2, cast.worker_b1]
    for n in range(count):
        worker = workers[n % 3]
        allocated = f.ChildFactory()
        f.ReferralFactory(child=allocated, team=worker.team, referral_date=date(2018, 2, 1))
        f.InvolvementFactory(child=allocated, worker=worker, start_date=date(2018, 2, 2))
        if n % 2:
            f.CPPlanFactory(child=allocated, start_date=date(2018, 6, 1))
        # Unallocated: belongs to its referral's team, to no worker.
        unallocated = f.ChildFactory()
        f.ReferralFactory(child=unallocated, team=worker.team, referral_date=date(2018, 8, 1))
        # In care only from an SSDA903 return, never allocated: council scope only.
        f.CareEpisodeFactory(child=f.ChildFactory(), start_date=date(2018, 3, 1))


def extra_worker(cast) -> Worker:
    return f.WorkerFactory(team=cast.team_a1)
