"""Surgeries and actions made at a past date (and a surgery planned ahead) show every role only
the children of its scope today, whatever the meeting date: every surgery page, agenda, child
page, export, minutes (PDF and XLSX) and action page of the app, walked for every role of the
cast and for the manager of the team the child belongs to now.

The world: team manager A1 held a surgery on 30 September 2016 (the app's date then), recorded
a discussion, raised an action and closed it; then held another, left open. Two children were on
team A1's child protection list then: one is still in team A1 ("Steadfast"), one has since moved
to a team of another service area ("Farawayson"). A surgery planned for 14 December 2018 holds a
child who is in team B1 today and joins team A1 in November ("Comingsoon"). A child named on a
page to a user whose scope today does not hold them is a leak, on any page."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from casework.models import Child
from casework.scope import children_visible_to
from surgeries import services as surgery_services
from surgeries.models import Action, BarrierCode, Surgery
from tests import factories as f
from tests.conftest import Cast
from tests.security.conftest import CP_MEASURE, response_text, rows_for_module

PAST = date(2016, 9, 30)
TODAY = date(2018, 9, 30)
AHEAD = date(2018, 12, 14)
LONDON = ZoneInfo("Europe/London")

# Who looks: every role of the cast, and the managers of the other teams.
VIEWERS = (
    "social_worker",
    "manager_a1",
    "manager_a2",
    "manager_b1",
    "chair_a",
    "leader",
    "performance",
    "admin",
)


@dataclass
class Dated:
    cast: Cast
    steadfast: Child
    faraway: Child
    coming: Child
    past_closed: Surgery
    past_open: Surgery
    ahead: Surgery
    past_action: Action
    ahead_action: Action


def _cp_child(last_name: str) -> Child:
    child = f.ChildFactory(last_name=last_name)
    # On a plan and never seen: on the child protection visits list at every date since.
    f.CPPlanFactory(child=child, start_date=date(2016, 6, 1))
    return child


def _allocated(child: Child, worker, team, start: date, end: date | None = None) -> None:
    f.InvolvementFactory(child=child, worker=worker, team=team, start_date=start, end_date=end)


def build_dated(cast: Cast) -> Dated:
    referred = date(2016, 5, 2)
    steadfast = _cp_child("Steadfast")
    f.ReferralFactory(child=steadfast, team=cast.team_a1, referral_date=referred)
    _allocated(steadfast, cast.worker_a1, cast.team_a1, date(2016, 5, 3))
    faraway = _cp_child("Farawayson")
    f.ReferralFactory(child=faraway, team=cast.team_a1, referral_date=referred)
    _allocated(faraway, cast.worker_a1, cast.team_a1, date(2016, 5, 3), date(2017, 6, 30))
    _allocated(faraway, cast.worker_b1, cast.team_b1, date(2017, 7, 1))
    coming = _cp_child("Comingsoon")
    f.ReferralFactory(child=coming, team=cast.team_b1, referral_date=referred)
    _allocated(coming, cast.worker_b1, cast.team_b1, date(2016, 5, 3), date(2018, 10, 31))
    _allocated(coming, cast.worker_a1, cast.team_a1, date(2018, 11, 1))
    manager = cast.manager_a1
    barrier = BarrierCode.objects.get(code="child-not-available")
    # The manager's own day in 2016: the app's date, the clock and the scope were all then.
    with (
        time_machine.travel(datetime(2016, 9, 30, 10, tzinfo=LONDON), tick=False),
        override_settings(REPORTING_DATE=PAST),
    ):
        past_closed = surgery_services.surgery_create(
            user=manager,
            title="Safeguarding North September 2016",
            date=PAST,
            service_area=None,
            teams=[cast.team_a1],
            lists=[CP_MEASURE],
            today=PAST,
        )
        for child in (steadfast, faraway):
            surgery_services.surgery_record_discussion(
                user=manager,
                surgery=past_closed,
                child=child,
                note=f"Discussed {child.last_name}",
                barrier=barrier,
            )
            surgery_services.action_create(
                user=manager,
                child=child,
                list_code=CP_MEASURE,
                description=f"Visit {child.last_name}",
                owner=cast.worker_a1,
                due_date=date(2016, 10, 7),
                barrier=barrier,
                surgery=past_closed,
                today=PAST,
            )
        surgery_services.surgery_close(user=manager, surgery=past_closed, as_at=PAST)
        past_open = surgery_services.surgery_create(
            user=manager,
            title="Safeguarding North late September 2016",
            date=PAST,
            service_area=None,
            teams=[cast.team_a1],
            lists=[CP_MEASURE],
            today=PAST,
        )
        past_action = surgery_services.action_create(
            user=manager,
            child=faraway,
            list_code=CP_MEASURE,
            description="Visit again",
            owner=cast.worker_a1,
            due_date=date(2016, 10, 14),
            surgery=past_open,
            today=PAST,
        )
    ahead = surgery_services.surgery_create(
        user=manager,
        title="Safeguarding North December 2018",
        date=AHEAD,
        service_area=None,
        teams=[cast.team_a1],
        lists=[CP_MEASURE],
        today=TODAY,
    )
    # An action on the incoming child raised by the manager of the team holding it today.
    ahead_action = surgery_services.action_create(
        user=cast.manager_b1,
        child=coming,
        list_code=CP_MEASURE,
        description="Handover visit",
        owner=cast.worker_b1,
        due_date=date(2018, 10, 26),
        today=TODAY,
    )
    return Dated(
        cast,
        steadfast,
        faraway,
        coming,
        past_closed,
        past_open,
        ahead,
        past_action,
        ahead_action,
    )


@pytest.fixture(scope="module")
def _dated_rows(django_db_setup: None, django_db_blocker: Any) -> Iterator[Dated]:
    yield from rows_for_module(django_db_blocker, build_dated)


@pytest.fixture
def dated(db: None, _dated_rows: Dated) -> Dated:
    return _dated_rows


def urls(d: Dated) -> list[str]:
    """Every page of the app that can name a child of a surgery or an action."""
    pages = []
    for surgery in (d.past_closed, d.past_open, d.ahead):
        sid = surgery.public_id
        pages.append(reverse("surgeries:surgery_detail", args=[sid]))
        for child in (d.steadfast, d.faraway, d.coming):
            pages.append(reverse("surgeries:surgery_child", args=[sid, child.public_id]))
            pages.append(
                reverse("surgeries:action_new")
                + f"?child={child.public_id}&list={CP_MEASURE}&surgery={sid}"
            )
    for fmt in ("pdf", "xlsx"):
        for appendix in ("", "?appendix=1"):
            closed = d.past_closed.public_id
            pages.append(reverse("surgeries:surgery_minutes", args=[closed, fmt]) + appendix)
            for open_surgery in (d.past_open, d.ahead):
                export = reverse(
                    "surgeries:surgery_agenda_export", args=[open_surgery.public_id, fmt]
                )
                pages.append(export + appendix)
    for surgery in (d.past_open, d.ahead):
        pages.append(reverse("surgeries:surgery_close", args=[surgery.public_id]))
    for action in Action.objects.order_by("pk"):
        pages.append(reverse("surgeries:action_detail", args=[action.public_id]))
    for name in (
        "surgeries:surgery_list",
        "surgeries:actions_mine",
        "surgeries:actions_team",
        "surgeries:actions_overdue",
        "surgeries:barriers",
        "surgeries:workbench",
    ):
        pages.append(reverse(name))
    return pages


def text_of(response: Any) -> str:
    """What a reader finds in the answer, a PDF's text included (pdftotext)."""
    if "pdf" in response.get("Content-Type", ""):
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode()
    return response_text(response)


def names(child: Child) -> tuple[str, ...]:
    return (str(child.public_id), child.la_child_id, child.last_name)


# A walk: every surgery page, export and minutes (PDFs read back with pdftotext) for every role,
# about 300 requests; `make test` runs it, `make test-fast` leaves it out.
@pytest.mark.walk
@pytest.mark.django_db
def test_dated_surgeries_and_actions_name_no_child_outside_todays_scope(dated):
    client = Client()
    leaks: list[str] = []
    shown: dict[tuple[str, str], set[str]] = {}
    answered = 0
    for viewer in VIEWERS:
        user = getattr(dated.cast, viewer)
        client.force_login(user)
        visible = set(children_visible_to(user).values_list("pk", flat=True))
        for url in urls(dated):
            response = client.get(url)
            answered += 1
            # 302: the close page sends anyone but the chair back to the agenda.
            # 403: the senior leader is told the surgeries are not for their role.
            assert response.status_code in (200, 302, 403, 404), (viewer, url, response.status_code)
            text = text_of(response) if response.status_code == 200 else response_text(response)
            for child in (dated.steadfast, dated.faraway, dated.coming):
                if any(n in text for n in names(child)):
                    shown.setdefault((viewer, child.last_name), set()).add(url)
                    if child.pk not in visible:
                        leaks.append(f"{viewer} sees {child.last_name} on {url}")
    assert leaks == [], "\n".join(leaks)
    # The walk can tell: the pages do name the children their scope holds today.
    past = reverse("surgeries:surgery_detail", args=[dated.past_closed.public_id])
    minutes = reverse("surgeries:surgery_minutes", args=[dated.past_closed.public_id, "pdf"])
    assert past in shown[("manager_a1", "Steadfast")]
    assert minutes in shown[("manager_a1", "Steadfast")]
    assert minutes in shown[("admin", "Farawayson")]
    ahead = reverse("surgeries:surgery_detail", args=[dated.ahead.public_id])
    assert ahead in shown[("manager_a1", "Steadfast")]
    # The agenda planned ahead was chosen through the chair's scope today: not the child who
    # joins the team in November.
    assert dated.coming.pk not in dated.ahead.agenda_children
    print(f"\ndated surgeries walk: {answered} requests, {len(leaks)} leaks")


@pytest.mark.django_db
def test_an_action_on_a_child_who_left_the_team_is_404_to_its_old_team(dated):
    client = Client()
    url = reverse("surgeries:action_detail", args=[dated.past_action.public_id])
    for viewer in ("manager_a1", "social_worker", "chair_a", "manager_a2"):
        client.force_login(getattr(dated.cast, viewer))
        assert client.get(url).status_code == 404, viewer
    # The team holding the child today sees the action on it.
    client.force_login(dated.cast.manager_b1)
    assert client.get(url).status_code == 200
