"""The pages a newcomer meets, timed on the embedded default: the SQLite database `make run`
leaves (the default synthetic council at demo size, its exception lists stored), in this
process, through Django's test client as the demo users. Not a test: a report of p95s against
the 300 ms goal (PDFs against their own), to run after a change (`manage.py embedded_bench`).

A page is registered in one line: `register("agenda", "demo-chair", agenda_url)` where the last
argument is a URL or a function returning one (called once, after the database is ready, so it
may look up a surgery or a child, or write one: the whole run is one transaction, rolled back).

Each page is fetched once to warm the process caches (the compiled exception lists, the working
day calendar), its statements counted on a second fetch, then timed `samples` times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from perf.bench import Timing, app_statements, measure_page

# The goal on the embedded default for an HTML page; a PDF is registered with its own.
PAGE_GOAL_MS = 300.0


@dataclass(frozen=True)
class Page:
    name: str
    username: str
    url: str | Callable[[], str]
    goal_ms: float = PAGE_GOAL_MS


PAGES: list[Page] = []


def register(
    name: str, username: str, url: str | Callable[[], str], *, goal_ms: float = PAGE_GOAL_MS
) -> None:
    """Add a page to the benchmark (a name, the demo login that opens it, its URL)."""
    PAGES[:] = [p for p in PAGES if p.name != name]
    PAGES.append(Page(name, username, url, goal_ms))


def _workbench() -> str:
    from django.urls import reverse

    return f"{reverse('surgeries:workbench')}?sort=-days"


register("workbench (team manager)", "demo-manager", _workbench)
register("workbench (head of service)", "demo-chair", _workbench)
register("workbench page 5 (head of service)", "demo-chair", lambda: f"{_workbench()}&page=5")

# The committee pack: the quarter's report laid out and written as PDF (its own goal, 3 s), and
# the report page it is previewed on.
PACK_GOAL_MS = 3000.0
register(
    "committee pack PDF (senior leader)",
    "demo-leader",
    "/scorecard/2018-19-Q2/pack.pdf?scope=council",
    goal_ms=PACK_GOAL_MS,
)
register(
    "committee report page (performance officer)",
    "demo-performance",
    "/scorecard/2018-19-Q2/report/?scope=council",
)


# The surgery meeting as its chair meets it (perf/surgeries.py): a Safeguarding surgery on two
# lists planned for the reporting date with the default agenda of 40, every child discussed with
# an action; its agenda, a child's page and, for a second surgery closed the same way, the
# minutes PDF (its own goal, 3 s). The surgeries are written inside `measure`'s transaction,
# which is rolled back: the database is left as it was.
MINUTES_GOAL_MS = 3000.0
_benchmark_surgeries: dict[bool, Any] = {}


def _surgery(*, closed: bool) -> Any:
    from casework.reporting import reporting_date
    from perf.surgeries import plan_benchmark_surgery

    if closed not in _benchmark_surgeries:
        _benchmark_surgeries[closed] = plan_benchmark_surgery(as_at=reporting_date(), close=closed)[
            0
        ]
    return _benchmark_surgeries[closed]


def _agenda() -> str:
    from django.urls import reverse

    return reverse("surgeries:surgery_detail", args=[_surgery(closed=False).public_id])


def _surgery_child() -> str:
    from django.urls import reverse

    from casework.models import Child

    surgery = _surgery(closed=False)
    child = Child.objects.get(pk=surgery.agenda_children[1])
    return reverse("surgeries:surgery_child", args=[surgery.public_id, child.public_id])


def _minutes() -> str:
    from django.urls import reverse

    return reverse("surgeries:surgery_minutes", args=[_surgery(closed=True).public_id, "pdf"])


register("surgery agenda (head of service)", "demo-chair", _agenda)
register("surgery agenda page 2 (head of service)", "demo-chair", lambda: f"{_agenda()}?page=2")
register("surgery child page (head of service)", "demo-chair", _surgery_child)
register("surgery minutes PDF (head of service)", "demo-chair", _minutes, goal_ms=MINUTES_GOAL_MS)

# Transaction bookkeeping around the benchmark's own writes, not the page's queries.
_SAVEPOINT = re.compile(r"^(RELEASE |ROLLBACK TO )?SAVEPOINT ")


@dataclass
class Result:
    page: Page
    url: str
    timing: Timing
    queries: int

    @property
    def p95_ms(self) -> float:
        return round(self.timing.p95() * 1000, 1)

    @property
    def median_ms(self) -> float:
        return round(self.timing.median * 1000, 1)

    @property
    def ok(self) -> bool:
        return self.p95_ms <= self.page.goal_ms

    def as_dict(self) -> dict[str, Any]:
        return {
            "page": self.page.name,
            "user": self.page.username,
            "url": self.url,
            "queries": self.queries,
            "median_ms": self.median_ms,
            "p95_ms": self.p95_ms,
            "goal_ms": self.page.goal_ms,
            "ok": self.ok,
        }


def measure(samples: int = 20, only: list[str] | None = None) -> list[Result]:
    """Every registered page (or those whose name contains one of `only`), timed."""
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    users = get_user_model().objects
    results = []
    _benchmark_surgeries.clear()
    # A page's URL function may write what the page needs (the surgeries above): everything is
    # rolled back at the end. The clients sign in with force_login, not a second factor, which
    # the performance officer's and administrator's pages would otherwise ask for.
    with override_settings(OTP_ENFORCED=False), transaction.atomic():
        for page in PAGES:
            if only and not any(o in page.name for o in only):
                continue
            client = Client()
            client.force_login(users.get(username=page.username))
            url = page.url() if callable(page.url) else page.url
            timing, _queries, sqls = measure_page(client, url, samples)
            queries = len([s for s in app_statements(sqls) if not _SAVEPOINT.search(s)])
            results.append(Result(page, url, timing, queries))
        transaction.set_rollback(True)
    _benchmark_surgeries.clear()
    return results


def report(results: list[Result]) -> str:
    width = max((len(r.page.name) for r in results), default=10)
    lines = [f"{'page':<{width}}  queries  median ms   p95 ms   goal ms"]
    for r in results:
        lines.append(
            f"{r.page.name:<{width}}  {r.queries:>7}  {r.median_ms:>9}  {r.p95_ms:>7}  "
            f"{r.page.goal_ms:>8}  {'ok' if r.ok else 'OVER'}"
        )
    return "\n".join(lines)


__all__ = ["PAGES", "Page", "Result", "app_statements", "measure", "register", "report"]
