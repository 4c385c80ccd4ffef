"""Scope everywhere: every child-scoped URL x every role of the cast x a record of the user's own
team, of another team in the same service area and of another service area x GET and POST.

In scope answers as the matrix says; out of scope is 404 (405 only where the view never takes
that method, which is decided before any record is read), never 403 or 200, and changes no row
of any case, surgery or scorecard table. A URL name in the URLconf that is neither in the matrix
nor in the list of URLs without child-level data fails the test: a new URL cannot forget the
rules. Each cell runs inside a savepoint that is rolled back, so cells cannot affect each other;
cells whose request is the very same (a list of children has one URL for the three relations)
share that request's answer and each checks it for its own child.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import AccessEvent
from tests.security.conftest import (
    RELATIONS,
    TableWatch,
    World,
    response_text,
    walk_urlconf,
)
from tests.security.matrix import (
    CHILD_RULE,
    MATRIX,
    NOT_CHILD_LEVEL,
    NOT_CHILD_LEVEL_NAMESPACES,
    ROLE_USER,
    ROLES,
    Entry,
)


def url_names_in_urlconf() -> set[str]:
    return {r.name for r in walk_urlconf() if r.name}


def test_every_url_is_in_the_matrix_or_declared_without_child_data():
    admin = settings.ADMIN_URL
    unnamed = [r.pattern for r in walk_urlconf() if not r.name and not r.pattern.startswith(admin)]
    assert unnamed == [], "every URL needs a name so the scope matrix can find it"
    missing = {
        name
        for name in url_names_in_urlconf()
        if name not in MATRIX
        and name not in NOT_CHILD_LEVEL
        and name.split(":")[0] not in NOT_CHILD_LEVEL_NAMESPACES
    }
    assert missing == set(), f"URLs missing from the scope matrix: {sorted(missing)}"
    stale = (set(MATRIX) | set(NOT_CHILD_LEVEL)) - url_names_in_urlconf()
    assert stale == set(), f"matrix names no longer in the URLconf: {sorted(stale)}"


@dataclass
class Cell:
    url_name: str
    role: str
    relation: str
    method: str
    expected: frozenset[int]
    got: int
    problem: str = ""


def expected_for(
    entry: Entry, role: str, relation: str, method: str
) -> tuple[bool, frozenset[int]]:
    """(in scope?, acceptable statuses) for one cell."""
    if method not in entry.methods:
        return False, frozenset({405})
    if entry.rule is None:
        if role not in entry.roles:
            return False, frozenset({entry.refused})
        return True, entry.in_scope.get(role, {}).get(method, frozenset({200}))
    if role in entry.rule[relation]:
        return True, entry.in_scope.get(role, {}).get(method, frozenset({200}))
    return False, frozenset({404})


@dataclass
class Answer:
    """What one request of the matrix got, in a savepoint rolled back after it."""

    status: int
    body: str
    changed: dict[str, tuple[object, object]]  # watched tables the request changed
    new_events: list[AccessEvent]  # the audit rows it wrote


def send(client: Client, watch: TableWatch, method: str, url: str, data: dict) -> Answer:
    events_before = AccessEvent.objects.count()
    with watch.rolled_back():
        response = client.get(url) if method == "GET" else client.post(url, data)
        changed = watch.changes()
        new_events = list(AccessEvent.objects.order_by("pk")[events_before:])
    return Answer(response.status_code, response_text(response), changed, new_events)


def run_cell(
    client: Client,
    world: World,
    watch: TableWatch,
    answers: dict[tuple[object, ...], Answer],
    name: str,
    entry: Entry,
    role: str,
    relation: str,
    method: str,
) -> Cell:
    site = world.site(relation)
    url = reverse(name, kwargs=entry.kwargs(world, relation))
    query = entry.query(world, relation)
    if query:
        url = f"{url}?{query}"
    in_scope, expected = expected_for(entry, role, relation, method)
    data = entry.post_data(world, relation) if method == "POST" else {}
    # Cells that send the very same request, as the same user from the same rows (a list's URL
    # is the same whatever the relation; only the child looked for in it differs), share one.
    key = (method, url, tuple(sorted(data.items())))
    if key not in answers:
        answers[key] = send(client, watch, method, url, data)
    answer = answers[key]
    changed, body, new_events = answer.changed, answer.body, answer.new_events
    cell = Cell(name, role, relation, method, expected, answer.status)
    child = site.child
    problems = []
    if answer.status not in expected:
        problems.append(f"status {answer.status}, expected {sorted(expected)}")
    if not in_scope and changed:
        problems.append(f"out of scope but changed {changed}")
    if not in_scope and (str(child.public_id) in body or child.last_name in body):
        problems.append("out-of-scope child in the response")
    if entry.rule is None and role in entry.roles:
        # A list: never an out-of-scope child; an in-scope one where the list shows it.
        visible = role in CHILD_RULE[relation]
        shown = any(t in body for t in (str(child.public_id), child.la_child_id, child.last_name))
        if shown and not visible:
            problems.append("list shows an out-of-scope child")
        if entry.shows_record and visible and not shown and answer.status == 200:
            problems.append("list misses an in-scope child")
    if answer.status == 404 and not any(
        e.action == "refused" and e.status_code == 404 for e in new_events
    ):
        problems.append("404 without a 'refused' audit row")
    cell.problem = "; ".join(problems)
    return cell


@pytest.mark.walk
@pytest.mark.django_db
def test_role_matrix_out_of_scope_is_404_and_changes_nothing(world, client, record_property):
    cells: list[Cell] = []
    requests = 0
    for role in ROLES:
        client.force_login(getattr(world.cast, ROLE_USER[role]))
        # Each cell runs in a savepoint rolled back after it; the watch reads the case tables
        # again only when a cell wrote to them.
        watch = TableWatch(exclude=(AccessEvent,))
        answers: dict[tuple[object, ...], Answer] = {}
        for name, entry in MATRIX.items():
            for relation in RELATIONS:
                for method in ("GET", "POST"):
                    cell = run_cell(
                        client, world, watch, answers, name, entry, role, relation, method
                    )
                    cells.append(cell)
        requests += len(answers)
    mismatches = [c for c in cells if c.problem]
    record_property("matrix_cells", len(cells))
    record_property("matrix_mismatches", len(mismatches))
    record_property("matrix_requests", requests)
    print(f"\nrole matrix: {len(cells)} cells ({requests} requests), {len(mismatches)} mismatches")
    report = "\n".join(
        f"{c.url_name} {c.role} [{c.relation}] {c.method}: {c.problem}" for c in mismatches
    )
    assert not mismatches, f"{len(mismatches)} of {len(cells)} cells wrong:\n{report}"
