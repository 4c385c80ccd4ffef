"""The security suite's world: the standard cast, each cast child on a child protection plan and
never seen (so on the surgeries' exception lists and in the CP drill-downs), per team an
open surgery, a closed surgery (minutes exist) and an open action on the team's child, and the
performance officer's confirmed second-factor device (so its admin pages show a real row).

Helpers walk the URLconf (expanding includes) and count the rows of every case and surgery
table, so a test can prove a request changed nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import Child, Team, Worker
from surgeries import services as surgery_services
from surgeries.models import Action, Surgery
from tests import factories as f

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


@pytest.fixture
def world(cast) -> World:
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
