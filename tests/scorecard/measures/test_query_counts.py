"""Every registered measure is set-based: computing it runs the same number of queries for a
council of 10 children as for one of 1,000 (no per-child query, no Python loop over records).

The council is built once for the module inside a transaction that is rolled back at the end,
first with 10 children, then grown to 1,000; each parametrised test checks one measure's counts.
"""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from casework import models as m
from scorecard.measures import MeasureScope, all_measures
from tests.factories import aware

# The marker makes pytest-django create the test database before the module fixture runs.
pytestmark = pytest.mark.django_db

QUARTER_END = date(2018, 9, 30)
CODES = sorted(measure.code for measure in all_measures())


def build_children(start: int, n: int, teams: list[m.Team]) -> None:
    """n children with a spread of records (categories, allocations, visits, plans, events),
    written with bulk_create so building 1,000 takes a moment."""
    workers = m.Worker.objects.bulk_create(
        m.Worker(
            staff_id=f"QC{start + i:05d}",
            name=f"Worker {start + i}",
            team=teams[i % len(teams)],
            fte=1 if i % 3 else "0.5",
            start_date=date(2015, 1, 1),
        )
        for i in range(max(2, n // 8))
    )
    children = m.Child.objects.bulk_create(
        m.Child(la_child_id=f"QC{start + i:07d}", date_of_birth=date(2008 + i % 10, 1, 1))
        for i in range(n)
    )
    day = lambda i, base=date(2017, 10, 2): base + timedelta(days=i % 300)  # noqa: E731
    contacts = m.Contact.objects.bulk_create(
        m.Contact(
            child=c,
            team=teams[0],
            received_at=aware(day(i, date(2018, 1, 2)), 8),
            decided_at=aware(day(i, date(2018, 1, 2)) + timedelta(days=i % 3), 9 + i % 12),
            outcome=m.Contact.Outcome.REFERRAL if i % 4 else m.Contact.Outcome.ADVICE,
        )
        for i, c in enumerate(children)
    )
    referrals = m.Referral.objects.bulk_create(
        m.Referral(
            child=c,
            team=teams[i % len(teams)],
            contact=contacts[i],
            referral_date=day(i),
            closure_date=day(i) + timedelta(days=200) if i % 7 == 0 else None,
        )
        for i, c in enumerate(children)
    )
    m.Involvement.objects.bulk_create(
        m.Involvement(
            child=c,
            worker=workers[i % len(workers)],
            team=workers[i % len(workers)].team,
            start_date=day(i) + timedelta(days=i % 9),
        )
        for i, c in enumerate(children)
        if i % 10
    )
    m.Assessment.objects.bulk_create(
        m.Assessment(
            child=c,
            referral=referrals[i],
            start_date=day(i) + timedelta(days=1),
            authorised_date=day(i) + timedelta(days=30 + i % 50) if i % 3 else None,
        )
        for i, c in enumerate(children)
    )
    m.CINPlan.objects.bulk_create(
        m.CINPlan(child=c, referral=referrals[i], start_date=day(i) + timedelta(days=60))
        for i, c in enumerate(children)
        if i % 2
    )
    m.Visit.objects.bulk_create(
        m.Visit(
            child=c,
            worker=workers[i % len(workers)],
            date=day(i, date(2018, 6, 1)),
            visit_type=m.Visit.Type.CIN,
            child_seen=bool(i % 5),
            recorded_at=aware(day(i, date(2018, 6, 1)) + timedelta(days=i % 8)),
        )
        for i, c in enumerate(children)
    )
    s47s = m.Section47.objects.bulk_create(
        m.Section47(child=c, referral=referrals[i], start_date=day(i) + timedelta(days=3))
        for i, c in enumerate(children)
        if i % 5 == 1
    )
    m.InitialConference.objects.bulk_create(
        m.InitialConference(
            child=s.child, section47=s, referral=s.referral, date=s.start_date + timedelta(20)
        )
        for s in s47s
    )
    plans = m.CPPlan.objects.bulk_create(
        m.CPPlan(child=s.child, referral=s.referral, start_date=s.start_date + timedelta(21))
        for s in s47s
    )
    m.CPReview.objects.bulk_create(
        m.CPReview(
            child=p.child,
            cp_plan=p,
            due_date=p.start_date + timedelta(90),
            held_date=p.start_date + timedelta(88),
        )
        for p in plans
    )
    m.CareEpisode.objects.bulk_create(
        m.CareEpisode(
            child=c,
            start_date=day(i, date(2016, 1, 4)),
            rne="S",
            legal_status="V2" if i % 3 else "C2",
            place="U1",
            in_area=bool(i % 4),
        )
        for i, c in enumerate(children)
        if i % 5 == 2
    )
    m.HealthCheck.objects.bulk_create(
        m.HealthCheck(child=c, kind=kind, date=day(i, date(2017, 6, 1)))
        for i, c in enumerate(children)
        if i % 5 == 2
        for kind in (m.HealthCheck.Kind.HEALTH, m.HealthCheck.Kind.DENTAL)
    )
    m.CareReview.objects.bulk_create(
        m.CareReview(child=c, due_date=day(i, date(2018, 3, 1)), held_date=day(i, date(2018, 3, 1)))
        for i, c in enumerate(children)
        if i % 5 == 2
    )
    m.CareLeaver.objects.bulk_create(
        m.CareLeaver(
            child=c,
            eligibility=m.CareLeaver.Eligibility.RELEVANT,
            start_date=date(2017, 1, 1),
            pathway_plan_date=date(2017, 3, 1) if i % 2 else None,
            latest_review_date=date(2018, 5, 1) if i % 4 == 3 else None,
            personal_adviser=workers[0],
        )
        for i, c in enumerate(children)
        if i % 5 == 3
    )
    m.Complaint.objects.bulk_create(
        m.Complaint(child=c, team=teams[0], received_date=day(i, date(2018, 4, 2)))
        for i, c in enumerate(children)
        if i % 10 == 4
    )
    m.VoiceAccount.objects.bulk_create(
        m.VoiceAccount(child=c, opened_date=date(2018, 1, 5))
        for i, c in enumerate(children)
        if i % 4 == 0
    )
    m.VoiceAccount.objects.bulk_create(
        m.VoiceAccount(worker=w, opened_date=date(2018, 1, 5)) for w in workers
    )
    m.VoiceStatement.objects.bulk_create(
        m.VoiceStatement(child=c, date=day(i, date(2018, 6, 1)))
        for i, c in enumerate(children)
        if i % 4 == 0
    )


def count_queries(code: str, team: m.Team) -> tuple[int, int]:
    from scorecard.measures import get

    measure = get(code)
    period = measure.default_period(QUARTER_END)
    counts = []
    for scope in (MeasureScope(), MeasureScope("team", team.pk)):
        with CaptureQueriesContext(connection) as queries:
            measure.result(period, scope)
        counts.append(len(queries))
    return counts[0], counts[1]


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker) -> dict[str, object]:
    """code -> ((council, team) queries with 10 children, the same with 1,000), or the error."""
    results: dict[str, object] = {}
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        if not ("memory" in name or name.startswith("test_")):
            pytest.fail(f"Refusing to build the query-count council in {name}: not a test database")
        with transaction.atomic():
            area = m.ServiceArea.objects.create(name="Query count area")
            teams = [
                m.Team.objects.create(
                    name=f"Query count team {i}", service_area=area, kind="safeguarding"
                )
                for i in range(2)
            ]
            build_children(0, 10, teams)
            small: dict[str, tuple[int, int]] = {}
            for code in CODES:
                try:
                    count_queries(code, teams[0])  # warm any per-process caches first
                    small[code] = count_queries(code, teams[0])
                except Exception as error:  # reported by the measure's own test
                    results[code] = error
            build_children(10, 990, teams)
            assert m.Child.objects.filter(la_child_id__startswith="QC").count() == 1000
            for code, counts in small.items():
                try:
                    results[code] = (counts, count_queries(code, teams[0]))
                except Exception as error:
                    results[code] = error
            transaction.set_rollback(True)
    return results


@pytest.mark.parametrize("code", CODES)
def test_measure_runs_the_same_number_of_queries_for_10_and_1000_children(query_counts, code):
    outcome = query_counts[code]
    if isinstance(outcome, Exception):
        raise outcome
    small, large = outcome
    assert small == large, f"{code}: {small} queries for 10 children, {large} for 1,000"
