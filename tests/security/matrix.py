"""The scope matrix: every child-level URL of the app, how to reach it for a record of a given
relation to the user, and what each role of the cast gets. Used by the role matrix, the audit,
CSRF and GET-writes walks. A URL name in the URLconf must be here or in NOT_CHILD_LEVEL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from tests.security.conftest import (
    CP_MEASURE,
    OTHER_AREA,
    OWN,
    QUARTER,
    SAME_AREA,
    World,
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
    r: roles & {"team_manager", "head_of_service", "administrator"}
    for r, roles in CHILD_RULE.items()
}
OFFICERS = frozenset({"performance_officer", "administrator"})


def _child(w: World, rel: str) -> dict[str, Any]:
    return {"public_id": w.site(rel).child.public_id}


def _visit(w: World, rel: str) -> dict[str, Any]:
    site = w.site(rel)
    return {"public_id": site.child.public_id, "visit_id": site.visit.public_id}


# Lists of children a senior leader (aggregates only) is told, in words, are not for them.
NOT_LEADERS: dict[str, Any] = {"roles": EVERYONE - {"senior_leader"}, "refused": 403}
REFUSED_403 = {"GET": frozenset({403}), "POST": frozenset({403})}


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
    # Writes an access audit row (False only for pages that list no child).
    audited: bool = True


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
    # Corrections: the worker who recorded the visit (in its window) and managers; the
    # performance officer reads the child but corrects nothing (403 after the scope check).
    "visit_correct": Entry(
        _visit, CHILD_RULE, GET_POST, in_scope={"performance_officer": REFUSED_403}
    ),
    "visit_withdraw": Entry(
        _visit, CHILD_RULE, GET_POST, in_scope={"performance_officer": REFUSED_403}
    ),
    "child_access": Entry(_child, ACCESS_RULE),
    # Lists of children.
    "caseload": Entry(
        _none,
        None,
        GET_POST,
        roles=frozenset({"social_worker", "team_manager"}),
        refused=404,  # other roles: like any out-of-scope list of children
        shows_record=True,
    ),
    "child_search": Entry(
        _none,
        None,
        # The shared start of every site child's name: the box echoes what was typed, and only
        # the children found carry the rest of their names.
        query=lambda w, rel: "q=Quillfeather",
        roles=EVERYONE - {"senior_leader"},
        refused=403,  # said in words: searches are for roles that work with children
        shows_record=True,
    ),
    "surgeries:workbench": Entry(_none, None, shows_record=True, **NOT_LEADERS),
    "surgeries:workbench_export": Entry(
        lambda w, rel: {"fmt": "csv"},
        None,
        shows_record=True,
        roles=EVERYONE - {"senior_leader"},
        refused=403,
    ),
    "surgeries:actions_mine": Entry(_none, None, **NOT_LEADERS),
    "surgeries:actions_team": Entry(_none, None, **NOT_LEADERS),
    "surgeries:actions_overdue": Entry(_none, None, **NOT_LEADERS),
    # Meetings (title, date, chair, impact counts), no child: not audited, still scope-checked.
    "surgeries:surgery_list": Entry(_none, None, audited=False, **NOT_LEADERS),
    "surgeries:barriers": Entry(_none, None, **NOT_LEADERS),
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
    # GET: the chair's confirmation page (others are sent back to the agenda); POST: close.
    "surgeries:surgery_close": Entry(
        _surgery,
        TEAM_RULE,
        GET_POST,
        in_scope={r: {"GET": frozenset({200, 302}), "POST": frozenset({302})} for r in ROLES},
    ),
    "surgeries:surgery_minutes": Entry(
        lambda w, rel: {**_closed(w, rel), "fmt": "xlsx"}, TEAM_RULE
    ),
    "surgeries:surgery_agenda_export": Entry(
        lambda w, rel: {**_surgery(w, rel), "fmt": "xlsx"}, TEAM_RULE
    ),
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
        roles=OFFICERS,
        query=lambda w, rel: "as_at=2018-09-30",
        shows_record=True,
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
    "two_factor_recovery_codes": "the administrator's own recovery codes",
    "scorecard:current": "redirect to the latest quarter",
    "scorecard:quarter": "aggregates, every role (tests/scorecard/test_scorecard_page_roles.py)",
    "scorecard:charts": "aggregates",
    "scorecard:pack": "aggregates as PDF",
    "scorecard:export": "aggregates as CSV/XLSX",
    "scorecard:report": "the committee report: aggregates, every role",
    "scorecard:report_download": "the committee report as PDF, DOCX or XLSX: aggregates",
    "scorecard:report_edit": "officers only (404 for others, test_report_publish_frozen.py)",
    "scorecard:report_publish": "officers only; publishes aggregates",
    "scorecard:report_version": "a published report's files: aggregates",
    "scorecard:report_render_new": "starts rendering the pack of aggregates",
    "scorecard:report_render": "a render's progress, its requester only",
    "scorecard:report_render_pdf": "a rendered pack of aggregates, its requester only",
    "surgeries:surgery_new": "a form of the user's own teams; no child",
    "imports": "officers only (404 for others, tests/importers/test_import_pages.py)",
    "import_report": "officers only; an import's validation report",
    "import_report_csv": "officers only; an import's validation report",
    "open_episodes": "officers only (council-wide, audited); episodes a later 903 return dropped",
    "open_episode_decide": "officers only (council-wide, audited); POST records the choice",
    "ssda903_checks": "officers only (council-wide, audited); the DfE rules on the history",
    "ssda903_checks_download": "officers only (council-wide, audited export); the same list",
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


def matrix_url(world: World, name: str, relation: str) -> str:
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(world, relation))
    query = entry.query(world, relation)
    return f"{url}?{query}" if query else url


def first_role_in_scope(name: str, method: str = "GET") -> str | None:
    """A role that gets a plain 200 for a record of its own team, if any."""
    entry = MATRIX[name]
    if method not in entry.methods or not entry.audited:
        return None
    for role in reversed(ROLES):  # administrator first: in every rule
        allowed = entry.roles if entry.rule is None else entry.rule[OWN]
        if role in allowed and entry.in_scope.get(role, {}).get(method, frozenset({200})) == {200}:
            return role
    return None


def admin_object_ids(world: World) -> dict[str, tuple[str, str]]:
    """For each model in the admin, the URL prefix of its pages -> (object id, history id) of a
    row that exists: the own team's record where the world has one, else the model's first row.
    Real ids, not "1": on PostgreSQL sequences are not rolled back between tests, so a fixed id
    names no row (and an id that happens to exist on SQLite hides what a real row's page does).
    A model with no rows keeps "1", the admin's own "no such object" answer."""
    from django.conf import settings
    from django.contrib import admin

    site = world.site(OWN)
    preferred: dict[type, Any] = {
        type(site.child): site.child,
        type(site.worker): site.worker,
        type(site.team): site.team,
        type(site.action): site.action,
        type(site.surgery): site.surgery,
        type(world.cast.manager_a1): world.cast.manager_a1,
    }
    ids: dict[str, tuple[str, str]] = {}
    for model in admin.site._registry:
        meta = model._meta
        row = preferred.get(model)
        pk = (
            row.pk
            if row is not None
            else model._base_manager.order_by("pk").values_list("pk", flat=True).first()
        )
        history_id = None
        if pk is not None and hasattr(model, "history"):
            history_id = (
                model.history.filter(**{meta.pk.attname: pk})
                .order_by("history_id")
                .values_list("history_id", flat=True)
                .first()
            )
        prefix = f"{settings.ADMIN_URL}{meta.app_label}/{meta.model_name}/"
        ids[prefix] = (str(pk or 1), str(history_id or 1))
    return ids


def every_url(world: World) -> list[tuple[str, str]]:
    """(label, path) for every pattern of the URLconf: matrix URLs with a real record of the
    user's own team, the rest with sample values; an admin page with a row that exists."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.urls import NoReverseMatch

    from tests.security.conftest import walk_urlconf

    site = world.site(OWN)
    sample = {
        "public_id": site.child.public_id,
        "child_id": site.child.public_id,
        "pk": 1,
        "id": 1,
        "object_id": "1",
        "content_type_id": ContentType.objects.get_for_model(site.child).pk,
        "quarter": QUARTER,
        "code": CP_MEASURE,
        "fmt": "csv",
        "number": 1,
        "app_label": "casework",
    }
    admin_ids = admin_object_ids(world)
    urls: list[tuple[str, str]] = []
    for route in walk_urlconf():
        if route.name in MATRIX:
            urls.append((route.name, matrix_url(world, route.name, OWN)))
            continue
        values = dict(sample)
        history_id = "1"
        if route.name == "admin:view_on_site":
            values["object_id"] = str(site.child.pk)
        for prefix, (object_id, history) in admin_ids.items():
            if route.pattern.startswith(prefix):
                values.update(pk=object_id, id=object_id, object_id=object_id)
                history_id = history
                break
        if not route.name:
            if "(?P<url>" in route.pattern:  # the admin's catch-all
                urls.append((route.pattern, f"/{settings.ADMIN_URL}no-such-page/"))
            else:
                path = route.pattern.replace("<path:object_id>", values["object_id"])
                urls.append((route.pattern, "/" + path))
            continue
        kwargs = {k: values[k] for k in route.converters}
        try:
            url = reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:
            try:
                url = reverse(route.name, kwargs={**kwargs, "app_label": "casework"})
            except NoReverseMatch:  # simple_history's admin pages: object id, history id
                url = reverse(route.name, args=[values["object_id"], history_id])
        urls.append((route.name, url))
    return urls
