"""`manage.py embedded_bench` times the surgery meeting as its chair meets it: the agenda of a
surgery it plans itself (pages 1 and 2), a child's page and the minutes PDF of a closed one, and
leaves the database as it found it."""

from django.test import override_settings

from perf import embedded
from perf.surgeries import QUERY_BUDGET
from surgeries.models import Action, Surgery
from tests.demo.conftest import AS_AT

SURGERY_PAGES = {
    "surgery agenda (head of service)": 300,
    "surgery agenda page 2 (head of service)": 300,
    "surgery child page (head of service)": 300,
    "surgery minutes PDF (head of service)": 3000,
}


def test_the_surgery_pages_are_registered_as_the_chair_with_their_goals(db):
    pages = {p.name: p for p in embedded.PAGES if p.name.startswith("surgery")}
    assert {name: p.goal_ms for name, p in pages.items()} == SURGERY_PAGES
    assert {p.username for p in pages.values()} == {"demo-chair"}


@override_settings(REPORTING_DATE=AS_AT)
def test_the_surgery_pages_are_timed_and_nothing_is_kept(small_council):
    surgeries, actions = Surgery.objects.count(), Action.objects.count()
    results = {r.page.name: r for r in embedded.measure(samples=1, only=["surgery"])}
    assert set(results) == set(SURGERY_PAGES)
    agenda, page_2 = (
        results["surgery agenda (head of service)"],
        results["surgery agenda page 2 (head of service)"],
    )
    assert agenda.url.startswith("/surgeries/meetings/") and page_2.url == f"{agenda.url}?page=2"
    assert 0 < agenda.queries == page_2.queries <= QUERY_BUDGET["agenda"]
    assert 0 < results["surgery child page (head of service)"].queries <= QUERY_BUDGET["child"]
    assert results["surgery minutes PDF (head of service)"].url.endswith("/minutes.pdf")
    assert (Surgery.objects.count(), Action.objects.count()) == (surgeries, actions)
