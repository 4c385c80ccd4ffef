"""Scope everywhere: every child-scoped URL x every role of the cast x a record of the user's own
team, of another team in the same service area and of another service area x GET and POST.

In scope answers as the matrix says; out of scope is 404 (405 only where the view never takes
that method, which is decided before any record is read), never 403 or 200, and changes no row
of any case, surgery or scorecard table. A URL name in the URLconf that is neither in the matrix
nor in the list of URLs without child-level data fails the test: a new URL cannot forget the
rules. Each cell runs inside a savepoint that is rolled back, so cells cannot affect each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import AccessEvent
from tests.security.conftest import (
    CP_MEASURE,
    OTHER_AREA,
    OWN,
    QUARTER,
    RELATIONS,
    SAME_AREA,
    World,
    diff_state,
    response_text,
    table_state,
    walk_urlconf,
)

ROLES = (
    "social_worker",
    "team_manager",
    "head_of_service",
    "senior_leader",
    "performance_officer",
    "administrator",
)
EVERYONE = frozenset(ROLES)

# Who may see a record in each relation to them, by the scoping rule behind the URL.
CHILD_RULE: dict[str, frozenset[str]] = {
    # social workers: their caseload; managers: their team; heads: their area; leaders: nothing.
    OWN: frozenset(ROLES) - {"senior_leader"},
    SAME_AREA: frozenset({"head_of_service", "performance_officer", "administrator"}),
    OTHER_AREA: frozenset({"performance_officer", "administrator"}),
}
# Surgeries and drill-downs by team: a social worker has no team scope.
TEAM_RULE: dict[str, frozenset[str]] = {
    r: roles - {"social_worker"} for r, roles in CHILD_RULE.items()
}
# "Who viewed this child": team managers, heads of service and administrators, within scope.
ACCESS_RULE: dict[str, frozenset[str]] = {
    r: roles & {"team_manager", "head_of_service", "administrator"} for r, roles in CHILD_RULE.items()
}
OFFICERS = frozenset({"performance_officer", "administrator"})


def _child(w: World, rel: str) -> dict[str, Any]:
    return {"public_id": w.site(rel).child.public_id}


def _action(w: World, rel: str) -> dict[str, Any]:
    return {"public_id": w.site(rel).action.public_id}


def _surgery(w: World, rel: str) -> dict[str, Any]:
    return {"public_id": w.site(rel).surgery.public_id}


def _closed(w: World, rel: str) -> dict[str, Any]:
    return {"public_id": w.site(rel).closed_surgery.public_id}


def _none(w: World, rel: str) -> dict[str, Any]:
    return {}


def _team_scope(w: World, rel: str) -> str:
    return f"scope=team:{w.site(rel).team.pk}&cohort=denominator"


@dataclass(frozen=True)
class Entry:
    """How to reach a URL for a record of a relation, and what each role gets."""

    kwargs: Callable[[World, str], dict[str, Any]]
    # Which roles see a record in each relation (None: a list, scoped by its rows).
    rule: dict[str, frozenset[str]] | None
    methods: frozenset[str] = frozenset({"GET"})
    query: Callable[[World, str], str] = lambda w, rel: ""
    post_data: Callable[[World, str], dict[str, str]] = lambda w, rel: {}
    # In-scope answers per method where not plain 200.
    in_scope: dict[str, dict[str, frozenset[int]]] = field(default_factory=dict)
    # Lists: which roles may open the page at all (others get the status in `refused`).
    roles: frozenset[str] = EVERYONE
    refused: int = 404
    # Does the in-scope record appear in the page (lists and exports)?
    shows_record: bool = False


GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
FORM_ANSWERS = frozenset({200, 422})

MATRIX: dict[str, Entry] = {
    # The child record: one URL per tab, and the two recording forms.
    "child_overview": Entry(_child, CHILD_RULE, GET_POST),
    "child_visits": Entry(_child, CHILD_RULE, GET_POST),
    "child_plans": Entry(_child, CHILD_RULE, GET_POST),
    "child_care": Entry(_child, CHILD_RULE, GET_POST),
    "child_health": Entry(_child, CHILD_RULE, GET_POST),
    "child_history": Entry(_child, CHILD_RULE, GET_POST),
    "visit_new": Entry(
        _child,
        CHILD_RULE,
        GET_POST,
        # A visit is recorded by the worker who made it: logins without a worker record may
        # read the child but not record (403 after the scope check).
        in_scope={
            "performance_officer": {"GET": frozenset({403}), "POST": frozenset({403})},
            "administrator": {"GET": frozenset({403}), "POST": frozenset({403})},
        },
    ),
    "health_check_new": Entry(_child, CHILD_RULE, GET_POST),
    "child_access": Entry(_child, ACCESS_RULE),
    # Lists of children.
    "caseload": Entry(
        _none,
        None,
        GET_POST,
        roles=frozenset({"social_worker", "team_manager"}),
        refused=403,  # the caseload is a role's page, not a record: tests/casework/test_caseload
        shows_record=True,
    ),
    "surgeries:workbench": Entry(_none, None, shows_record=True),
    "surgeries:workbench_export": Entry(
        lambda w, rel: {"fmt": "csv"}, None, shows_record=True
    ),
    "surgeries:actions_mine": Entry(_none, None),
    "surgeries:actions_team": Entry(_none, None),
    "surgeries:actions_overdue": Entry(_none, None),
    "surgeries:surgery_list": Entry(_none, None),
    "surgeries:barriers": Entry(_none, None),
    # Actions and surgeries.
    "surgeries:action_new": Entry(
        _none,
        CHILD_RULE,
        GET_POST,
        query=lambda w, rel: f"child={w.site(rel).child.public_id}&list={CP_MEASURE}",
        post_data=lambda w, rel: {"child": str(w.site(rel).child.public_id)},
        in_scope={role: {"POST": FORM_ANSWERS} for role in ROLES},
    ),
    "surgeries:action_detail": Entry(_action, CHILD_RULE),
    "surgeries:action_complete": Entry(
        _action, CHILD_RULE, POST, in_scope={r: {"POST": FORM_ANSWERS} for r in ROLES}
    ),
    "surgeries:action_cancel": Entry(
        _action, CHILD_RULE, POST, in_scope={r: {"POST": FORM_ANSWERS} for r in ROLES}
    ),
    "surgeries:surgery_detail": Entry(_surgery, TEAM_RULE),
    "surgeries:surgery_child": Entry(
        lambda w, rel: {**_surgery(w, rel), "child_id": w.site(rel).child.public_id},
        TEAM_RULE,
        GET_POST,
        in_scope={r: {"POST": FORM_ANSWERS | {302}} for r in ROLES},
    ),
    "surgeries:surgery_close": Entry(
        _surgery, TEAM_RULE, POST, in_scope={r: {"POST": frozenset({302})} for r in ROLES}
    ),
    "surgeries:surgery_minutes": Entry(lambda w, rel: {**_closed(w, rel), "fmt": "xlsx"}, TEAM_RULE),
    # Drill-downs to the children behind a number, and their exports.
    "scorecard:drilldown": Entry(
        lambda w, rel: {"quarter": QUARTER, "code": CP_MEASURE}, TEAM_RULE, query=_team_scope
    ),
    "scorecard:drilldown_export": Entry(
        lambda w, rel: {"quarter": QUARTER, "code": CP_MEASURE, "fmt": "csv"},
        TEAM_RULE,
        query=_team_scope,
    ),
    # Council-wide child-level data: performance officers and administrators only.
    "annex_a_export": Entry(
        _none,
        None,
        GET_POST,
        roles=OFFICERS, query=lambda w, rel: "as_at=2018-09-30", shows_record=True
    ),
}

# URLs without child-level data, each with the reason. Everything else must be in MATRIX.
NOT_CHILD_LEVEL: dict[str, str] = {
    "home": "start page, no child data",
    "health": "load balancer liveness",
    "accessibility": "accessibility statement",
    "login": "sign in",
    "logout": "sign out",
    "two_factor_setup": "the user's own TOTP device",
    "two_factor_verify": "the user's own TOTP check",
    "scorecard:current": "redirect to the latest quarter",
    "scorecard:quarter": "aggregates, every role (tests/scorecard/test_scorecard_page_roles.py)",
    "scorecard:charts": "aggregates",
    "scorecard:pack": "aggregates as PDF",
    "scorecard:export": "aggregates as CSV/XLSX",
    "surgeries:surgery_new": "a form of the user's own teams; no child",
    "imports": "officers only (404 for others, tests/importers/test_import_pages.py)",
    "import_report": "officers only; an import's validation report",
    "import_report_csv": "officers only; an import's validation report",
}
# The admin is staff-only and read-only for case data; it has its own tests (tests/casework).
NOT_CHILD_LEVEL_NAMESPACES = ("admin",)

ROLE_USER = {
    "social_worker": "social_worker",
    "team_manager": "manager_a1",
    "head_of_service": "chair_a",
    "senior_leader": "leader",
    "performance_officer": "performance",
    "administrator": "admin",
}


def url_names_in_urlconf() -> set[str]:
    return {r.name for r in walk_urlconf() if r.name}


def test_every_url_is_in_the_matrix_or_declared_without_child_data():
    unnamed = [r.pattern for r in walk_urlconf() if not r.name and not r.pattern.startswith("manage")]
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


def expected_for(entry: Entry, role: str, relation: str, method: str) -> tuple[bool, frozenset[int]]:
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


def run_cell(client: Client, world: World, name: str, entry: Entry, role: str, relation: str, method: str) -> Cell:
    site = world.site(relation)
    url = reverse(name, kwargs=entry.kwargs(world, relation))
    query = entry.query(world, relation)
    if query:
        url = f"{url}?{query}"
    in_scope, expected = expected_for(entry, role, relation, method)
    before = table_state(exclude=(AccessEvent,))
    events_before = AccessEvent.objects.count()
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, entry.post_data(world, relation))
        after = table_state(exclude=(AccessEvent,))
        new_events = list(AccessEvent.objects.order_by("pk")[events_before:])
        transaction.set_rollback(True)
    cell = Cell(name, role, relation, method, expected, response.status_code)
    body = response_text(response)
    child = site.child
    problems = []
    if response.status_code not in expected:
        problems.append(f"status {response.status_code}, expected {sorted(expected)}")
    if not in_scope and (changed := diff_state(before, after)):
        problems.append(f"out of scope but changed {changed}")
    if not in_scope and (str(child.public_id) in body or child.last_name in body):
        problems.append("out-of-scope child in the response")
    if entry.rule is None and role in entry.roles:
        # A list: never an out-of-scope child; an in-scope one where the list shows it.
        visible = role in CHILD_RULE[relation]
        shown = any(t in body for t in (str(child.public_id), child.la_child_id, child.last_name))
        if shown and not visible:
            problems.append("list shows an out-of-scope child")
        if entry.shows_record and visible and not shown and response.status_code == 200:
            problems.append("list misses an in-scope child")
    if response.status_code == 404 and not any(
        e.action == "refused" and e.status_code == 404 for e in new_events
    ):
        problems.append("404 without a 'refused' audit row")
    cell.problem = "; ".join(problems)
    return cell


@pytest.mark.django_db
def test_role_matrix_out_of_scope_is_404_and_changes_nothing(world, client, record_property):
    cells: list[Cell] = []
    for role in ROLES:
        client.force_login(getattr(world.cast, ROLE_USER[role]))
        for name, entry in MATRIX.items():
            for relation in RELATIONS:
                for method in ("GET", "POST"):
                    cells.append(run_cell(client, world, name, entry, role, relation, method))
    mismatches = [c for c in cells if c.problem]
    record_property("matrix_cells", len(cells))
    record_property("matrix_mismatches", len(mismatches))
    print(f"\nrole matrix: {len(cells)} cells, {len(mismatches)} mismatches")
    report = "\n".join(
        f"{c.url_name} {c.role} [{c.relation}] {c.method}: {c.problem}" for c in mismatches
    )
    assert not mismatches, f"{len(mismatches)} of {len(cells)} cells wrong:\n{report}"
