"""The security suite's world: the standard cast, each cast child on a child protection plan and
never seen (so on the surgeries' exception lists and in the CP drill-downs), per team an
open surgery, a closed surgery (minutes exist) and an open action on the team's child, and the
performance officer's confirmed second-factor device (so its admin pages show a real row).

Helpers walk the URLconf (expanding includes) and count the rows of every case and surgery
table, so a test can prove a request changed nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import Child, Team, Worker
from surgeries import services as surgery_services
from surgeries.models import Action, Surgery
from tests import factories as f
from tests.conftest import TEST_SETTINGS, build_cast

QUARTER = "2018-19-Q2"
CP_MEASURE = "cp_seen_10wd_pct"
# Relations of a record to the signed-in user of the cast (who sits in team A1 or area A).
OWN, SAME_AREA, OTHER_AREA = "own team", "other team, same area", "other service area"
RELATIONS = (OWN, SAME_AREA, OTHER_AREA)


@dataclass
class Site:
    """One team's records: its child, open and closed surgeries, an open action."""

    team: Team
    worker: Worker
    child: Child
    surgery: Surgery
    closed_surgery: Surgery
    action: Action


@dataclass
class World:
    cast: Any
    sites: dict[str, Site] = field(default_factory=dict)

    def site(self, relation: str) -> Site:
        return self.sites[relation]


@pytest.fixture(scope="module")
def _world_rows(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world's rows, made once for the test module (a world takes a second or more to make,
    and most tests here are walks that read it) inside a transaction rolled back when the module
    ends. Each test still runs in a savepoint of it (pytest-django's `db`) that is rolled back, so
    every test starts from the same rows, as when each made its own."""
    yield from rows_for_module(django_db_blocker, build_world)


def rows_for_module(django_db_blocker: Any, build: Any) -> Iterator[Any]:
    """`build(cast)`'s rows for a module fixture: made in a transaction rolled back when the
    module ends, the caches they filled cleared."""
    from casework import workingdays
    from surgeries import lists as exceptions

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**TEST_SETTINGS):
            rows = build(build_cast())
        # As `_fresh_process_caches` does for a test: nothing loaded here outlives the rows.
        workingdays.clear_cache()
        exceptions.clear_compiled_cache()
        yield rows
        transaction.set_rollback(True)


@pytest.fixture
def world(db: None, _world_rows: World) -> World:
    """The module's world, as fresh objects: what a test changes on them stays in that test."""
    return copy.deepcopy(_world_rows)


def build_world(cast: Any) -> World:
    w = World(cast=cast)
    teams = {
        OWN: (cast.team_a1, cast.worker_a1, cast.child_a1, cast.manager_a1),
        SAME_AREA: (cast.team_a2, cast.worker_a2, cast.child_a2, cast.manager_a2),
        OTHER_AREA: (cast.team_b1, cast.worker_b1, cast.child_b1, cast.manager_b1),
    }
    for n, (relation, (team, worker, child, manager)) in enumerate(teams.items()):
        # Names no other row shares, so a page that shows the child can be told by its text.
        child.last_name = f"Quillfeather{'ABC'[n]}"
        child.save(update_fields=["last_name"])
        f.CPPlanFactory(child=child, start_date=date(2018, 6, 1))
        closed = surgery_services.surgery_create(
            user=manager,
            title=f"{team.name} August surgery",
            date=date(2018, 8, 31),
            service_area=None,
            teams=[team],
            lists=[CP_MEASURE],
        )
        surgery_services.surgery_close(user=manager, surgery=closed, as_at=date(2018, 8, 31))
        surgery = surgery_services.surgery_create(
            user=manager,
            title=f"{team.name} September surgery",
            date=date(2018, 9, 30),
            service_area=None,
            teams=[team],
            lists=[CP_MEASURE],
        )
        action = Action.objects.create(
            child=child,
            list_code=CP_MEASURE,
            description="Statutory visit this week",
            owner=worker,
            due_date=date(2018, 10, 5),
            created_by=manager,
            surgery=surgery,
            raised_on=date(2018, 9, 30),
        )
        w.sites[relation] = Site(team, worker, child, surgery, closed, action)
    TOTPDevice.objects.create(user=cast.performance, name="Authenticator app", confirmed=True)
    return w


# --- URLconf walking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, "surgeries:action_detail"; "" when the pattern has none
    pattern: str
    converters: tuple[str, ...]  # the kwarg names the route takes


def walk_urlconf() -> Iterator[Route]:
    """Every pattern of the project's URLconf, includes expanded, namespaces joined."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}".strip(":") if p.name else ""
                converters = tuple(getattr(p.pattern, "converters", {}).keys())
                yield Route(name, prefix + str(p.pattern), converters)

    yield from walk(get_resolver().url_patterns, "", "")


# --- Proving nothing changed --------------------------------------------------------------------

WATCHED_APPS = ("casework", "surgeries", "scorecard", "accounts", "otp_totp", "otp_static")


def watched_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in WATCHED_APPS and not model._meta.proxy
    ]


def table_state(*, exclude: tuple[type[models.Model], ...] = ()) -> dict[str, Any]:
    """Row count and newest `updated_at` (where the table has one) of every watched table, in
    one query (a scalar subquery per table) so the matrix can afford it for every cell."""
    from django.db import connection

    keys: list[str] = []
    parts: list[str] = []
    quote = connection.ops.quote_name
    for model in watched_models():
        if model in exclude:
            continue
        table = quote(model._meta.db_table)
        keys.append(model._meta.label)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        if any(fld.name == "updated_at" for fld in model._meta.concrete_fields):
            keys.append(f"{model._meta.label}.updated_at")
            parts.append(f"(SELECT MAX({quote('updated_at')}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return dict(zip(keys, row, strict=True))


def diff_state(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}


def write_mark(*, exclude: tuple[type[models.Model], ...] = ()) -> tuple[Any, ...] | None:
    """How many rows this transaction has inserted, updated and deleted in each watched table so
    far (PostgreSQL's pg_stat_get_xact_* counters: a savepoint's writes count, rolled back or
    not, and a count never goes down), with the transaction's start and backend. Two equal marks
    mean no watched row was written in between, so table_state() is the same at both. None where
    that cannot be known (not PostgreSQL, no transaction open, track_counts off)."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return None
    tables = [m._meta.db_table for m in watched_models() if m not in exclude]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT now(), pg_backend_pid(), current_setting('track_counts'), array_agg("
            "pg_stat_get_xact_tuples_inserted(quote_ident(t)::regclass)"
            " + pg_stat_get_xact_tuples_updated(quote_ident(t)::regclass)"
            " + pg_stat_get_xact_tuples_deleted(quote_ident(t)::regclass) ORDER BY t) "
            "FROM unnest(%s::text[]) AS t",
            [tables],
        )
        started, backend, track_counts, counts = cursor.fetchone()
    if track_counts != "on":
        return None
    return (started, backend, tuple(counts))


class TableWatch:
    """table_state() of the watched tables, followed through a walk of requests: changes() is
    the diff_state() since the last look, and reads the tables again only when write_mark() says
    a watched row was written since (a walk's requests mostly write nothing, and a write_mark()
    is a fraction of a table_state()); without a mark (SQLite) it reads them every time."""

    def __init__(self, *, exclude: tuple[type[models.Model], ...] = ()) -> None:
        self.exclude = exclude
        self.mark = write_mark(exclude=exclude)
        self.state = table_state(exclude=exclude)

    def changes(self) -> dict[str, tuple[Any, Any]]:
        mark = write_mark(exclude=self.exclude)
        if mark is not None and mark == self.mark:
            return {}
        after = table_state(exclude=self.exclude)
        changed = diff_state(self.state, after)
        self.mark, self.state = mark, after
        return changed

    @contextmanager
    def rolled_back(self) -> Iterator[None]:
        """A savepoint rolled back at the end, so what happens inside is undone; changes()
        inside it compares with the state as the savepoint starts, and afterwards the watch
        holds that state again (which is what the rollback restores)."""
        self.changes()  # the state as the savepoint starts
        start = self.state
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
        self.mark, self.state = write_mark(exclude=self.exclude), start


def response_text(response: Any) -> str:
    """What a user would read in a response: HTML or CSV as text, an XLSX file's cell values
    (the file itself is compressed), nothing for a PDF (compressed too)."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if "pdf" in content_type:
        return ""
    return body.decode("utf-8", errors="replace")
