"""Find a child by name, LA child ID or date of birth, among the children the user may see
only; the search is audited with the ids it showed, and runs a fixed number of queries."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessEvent
from casework.queries import parse_date_of_birth
from tests import factories as f


def _search(client, text: str):
    return client.get(reverse("child_search"), {"q": text})


def test_team_manager_finds_own_team_child_by_name_id_and_date_of_birth(cast, as_user):
    child = cast.child_a1
    child.first_name, child.last_name = "Ottoline", "Brackenbury"
    child.date_of_birth = date(2011, 3, 27)
    child.save()
    client = as_user(cast.manager_a1)
    for text in ("brack", "Otto Brack", child.la_child_id, "27/3/2011", "27 3 2011", "2011-03-27"):
        page = _search(client, text).content.decode()
        assert "Ottoline Brackenbury" in page, text


def test_child_of_another_team_is_not_found_and_not_audited(cast, as_user):
    other = cast.child_b1
    other.last_name = "Farquharson"
    other.save()
    client = as_user(cast.manager_a1)
    before = AccessEvent.objects.count()
    for text in ("Farquharson", other.la_child_id):
        page = _search(client, text).content.decode()
        assert "Farquharson" not in page.split(">Search</button>")[1]
        assert "No children found" in page
    events = list(AccessEvent.objects.order_by("pk")[before:])
    assert [e.action for e in events] == ["search", "search"]
    assert all(other.pk not in e.child_ids for e in events)
    assert all("Farquharson" not in str(e.filters) for e in events)


def test_search_is_audited_with_the_children_shown(cast, as_user):
    cast.child_a1.last_name = "Wetherspoon"
    cast.child_a1.save()
    _search(as_user(cast.manager_a1), "Wetherspoon")
    event = AccessEvent.objects.filter(action="search").get()
    assert event.child_ids == [cast.child_a1.pk] and event.filters == {"by": "name or LA child ID"}


def test_senior_leader_is_told_search_is_not_for_their_role(cast, as_user):
    response = _search(as_user(cast.leader), "anything")
    assert response.status_code == 403
    assert "Searches for children are for social workers" in response.content.decode()


def test_empty_search_shows_a_linked_error(cast, as_user):
    page = _search(as_user(cast.manager_a1), "").content.decode()
    assert "Enter a name, LA child ID or date of birth" in page
    assert 'href="#id_q"' in page


def test_query_count_does_not_grow_with_results(cast, as_user):
    client = as_user(cast.manager_a1)
    counts = []
    for extra in (1, 30):
        for n in range(extra):
            child = f.ChildFactory(last_name=f"Ashworth{extra}x{n}")
            f.InvolvementFactory(
                child=child, worker=cast.worker_a1, team=cast.team_a1, start_date=date(2018, 5, 2)
            )
        with CaptureQueriesContext(connection) as ctx:
            page = _search(client, f"Ashworth{extra}x").content.decode()
        assert page.count('<th scope="row" class="govuk-table__header"><a') == extra
        counts.append(len(ctx.captured_queries))
    # Session, user, groups, worker, the search, the audit row, the session's save and the
    # audit's savepoint pair: the same for 1 result as for 30.
    assert counts == [9, 9]


def test_dates_are_read_day_first():
    assert parse_date_of_birth("3/4/2010") == date(2010, 4, 3)
    assert parse_date_of_birth("3 April 2010") == date(2010, 4, 3)
    assert parse_date_of_birth("31/2/2010") is None
    assert parse_date_of_birth("Sam") is None
