"""The overview's timeline lists the child's events newest first, in a fixed number of queries."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Visit
from tests import factories as f


def _add_events(child, n: int) -> None:
    for i in range(n):
        f.VisitFactory(child=child, date=date(2018, 6, 1 + i), visit_type=Visit.Type.CIN)
        f.HealthCheckFactory(child=child, date=date(2017, 6, 1 + i))


def _get(client, child):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("child_overview", args=[child.public_id]))
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_timeline_shows_each_kind_of_event_newest_first(cast, as_user):
    child = cast.child_a1
    f.AssessmentFactory(child=child, start_date=date(2018, 1, 4), authorised_date=date(2018, 2, 20))
    f.CPPlanFactory(child=child, start_date=date(2018, 6, 1))
    f.InitialConferenceFactory(child=child, date=date(2018, 5, 30))
    f.VisitFactory(child=child, date=date(2018, 9, 3), worker=cast.worker_a1, child_seen=False)
    f.HealthCheckFactory(child=child, kind="dental", date=date(2018, 3, 1))
    f.VisitFactory(child=child, date=date(2018, 10, 9))  # after the reporting date: not shown
    body, _ = _get(as_user(cast.social_worker), child)
    titles = [
        "Child in need visit",
        "Child protection plan started",
        "Initial child protection conference",
        "Dental check",
        "Assessment authorised",
        "Assessment started",
        "Referral",
    ]
    positions = [body.index(f'<h3 class="moj-timeline__title">{t}</h3>') for t in titles]
    assert positions == sorted(positions)
    assert "Child not seen" in body
    assert f"by {cast.worker_a1.name}" in body
    assert "9 October 2018" not in body


def test_timeline_runs_the_same_number_of_queries_for_few_and_many_events(cast, as_user):
    client = as_user(cast.social_worker)
    _add_events(cast.child_a1, 2)
    _, few = _get(client, cast.child_a1)
    _add_events(cast.child_a2, 0)
    for i in range(25):
        f.VisitFactory(
            child=cast.child_a1,
            date=date(2018, 7, 1),
            visit_type=Visit.Type.OTHER if i % 2 else Visit.Type.CP,
        )
    _, many = _get(client, cast.child_a1)
    assert few == many


def test_overview_summary_list_shows_the_allocated_worker_and_category(cast, as_user):
    body, _ = _get(as_user(cast.social_worker), cast.child_a1)
    assert 'class="govuk-summary-list"' in body
    assert cast.worker_a1.name in body
    assert "Child in need" in body
    assert "govuk-tag--blue" in body
