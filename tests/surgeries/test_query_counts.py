"""The workbench, the surgery page and a surgery child's page run a fixed number of queries
whatever their length."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Child, Referral
from surgeries import services as surgery_services
from surgeries.models import Surgery

# Every statement of the request: session, user, audit row and savepoints included.
AGENDA_QUERIES = 25
CHILD_PAGE_QUERIES = 28


def no_jit_statements() -> int:
    """On PostgreSQL the lists' SQL runs after a `SET LOCAL jit = off` (surgeries/lists/sql.py):
    one statement more per lists read than on SQLite."""
    return 1 if connection.vendor == "postgresql" else 0


def add_unallocated_children(team, count: int, start: int) -> None:
    """Children referred to the team and never allocated: on the unallocated list (and others)."""
    children = Child.objects.bulk_create(
        Child(la_child_id=f"QC{start + i:07d}", first_name="Test", last_name=f"Child{start + i}")
        for i in range(count)
    )
    Referral.objects.bulk_create(
        Referral(child=c, team=team, referral_date=date(2018, 8, 1)) for c in children
    )


def queries_for(client, url: str) -> tuple[int, object]:
    client.get(url)  # warm: the calendar and the compiled union
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_workbench_query_count_is_the_same_for_10_and_1000_rows(cast, as_user):
    client = as_user(cast.manager_a1)
    add_unallocated_children(cast.team_a1, 10, 0)
    small, response = queries_for(client, "/surgeries/")
    assert 10 <= response.context["page"].counts.total < 100
    add_unallocated_children(cast.team_a1, 990, 10)
    large, response = queries_for(client, "/surgeries/")
    assert response.context["page"].counts.total >= 1000
    assert len(response.context["rows"]) == 50
    assert small == large


def test_filtered_workbench_query_count_is_fixed(cast, as_user):
    """A filter adds the count of the lists with rows in the scope (the list filter's choices):
    the stored date's marker and the grouped count, in its transaction (BEGIN, COMMIT),
    whatever the length."""
    client = as_user(cast.manager_a1)
    add_unallocated_children(cast.team_a1, 10, 0)
    plain, _ = queries_for(client, "/surgeries/")
    small, _ = queries_for(client, "/surgeries/?list=allocated_pct")
    add_unallocated_children(cast.team_a1, 990, 10)
    large, response = queries_for(client, "/surgeries/?list=allocated_pct")
    assert response.context["page"].counts.total >= 1000
    assert small == large == plain + 4 + no_jit_statements()


def test_surgery_page_query_count_is_the_same_for_10_and_1000_rows(cast, as_user):
    client = as_user(cast.chair_a)
    surgery = Surgery.objects.create(
        title="North",
        date=date(2018, 9, 30),
        chair=cast.chair_a,
        scope_key=f"teams:{cast.team_a1.pk}",
        lists=["allocated_pct"],
    )
    surgery.teams.set([cast.team_a1])
    url = f"/surgeries/meetings/{surgery.public_id}/"
    add_unallocated_children(cast.team_a1, 10, 0)
    small, response = queries_for(client, url)
    assert response.context["agenda"].size == 10
    add_unallocated_children(cast.team_a1, 990, 10)
    large, response = queries_for(client, url)
    assert response.context["agenda"].size == 1000
    assert small == large


def chosen_surgery(cast, size: int) -> Surgery:
    return surgery_services.surgery_create(
        user=cast.chair_a,
        title="North",
        date=date(2018, 9, 30),
        service_area=None,
        teams=[cast.team_a1],
        lists=["allocated_pct"],
        agenda_size=size,
    )


def test_agenda_and_child_pages_run_the_same_queries_for_10_and_1000_children(cast, as_user):
    """The agenda of 40 chosen from 10 or from 1,000 children on the lists, and a child's page,
    with the same queries (the lists are counted in SQL, never one query per child)."""
    client = as_user(cast.chair_a)
    add_unallocated_children(cast.team_a1, 10, 0)
    few = chosen_surgery(cast, 40)
    add_unallocated_children(cast.team_a1, 990, 10)
    many = chosen_surgery(cast, 40)
    assert len(few.agenda_children) == 10 and len(many.agenda_children) == 40
    counts = {}
    for name, surgery in (("few", few), ("many", many)):
        child = Child.objects.get(pk=surgery.agenda_children[1])
        counts[name] = (
            queries_for(client, f"/surgeries/meetings/{surgery.public_id}/")[0],
            queries_for(
                client, f"/surgeries/meetings/{surgery.public_id}/children/{child.public_id}/"
            )[0],
        )
    assert counts["few"] == counts["many"]
    agenda, child_page = counts["many"]
    extra = no_jit_statements()
    assert agenda <= AGENDA_QUERIES + extra and child_page <= CHILD_PAGE_QUERIES + extra, counts
