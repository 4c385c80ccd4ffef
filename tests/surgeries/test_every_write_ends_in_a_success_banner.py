"""Every write of the case record and the surgeries (a POST that changes something) ends on the
page it redirects to with a GOV.UK success banner saying what was done: the user never has to
guess whether it worked. Each URL of the two apps is either a write below or a page that only
reads (listed, so a new write cannot be added without its banner being tested)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import OpenEpisodeDecision
from surgeries import services
from surgeries.models import Action, Surgery
from tests import factories as f
from tests.conftest import REPORTING_DATE, Cast, date_input
from tests.importers.conftest import samples  # noqa: F401 (a fixture)
from tests.importers.test_ssda903_open_episode_decisions import two_returns  # noqa: F401
from tests.surgeries.conftest import Lists

BANNER = re.compile(
    r'<div class="govuk-notification-banner govuk-notification-banner--success".*?'
    r'<p class="govuk-notification-banner__heading">\s*(.*?)\s*</p>',
    re.S,
)


@dataclass
class Write:
    """Who sends it, where, with what; the banner's words."""

    prepare: Callable[..., tuple[object, str, dict]]  # (world) -> (user, url, data)
    banner: str


@dataclass
class World:
    cast: Cast
    lists: Lists
    request: pytest.FixtureRequest


def _surgery(w: World) -> Surgery:
    return services.surgery_create(
        user=w.cast.chair_a,
        title="Safeguarding North surgery",
        date=REPORTING_DATE,
        service_area=None,
        teams=[w.cast.team_a1],
        lists=[],
        attendees=[],
        today=REPORTING_DATE,
        agenda_size=40,
    )


def _action(w: World) -> Action:
    return services.action_create(
        user=w.cast.manager_a1,
        child=w.lists.cp_a1,
        list_code="cp_seen_10wd_pct",
        description="Statutory visit this week",
        owner=w.cast.worker_a1,
        due_date=date(2018, 10, 5),
        today=REPORTING_DATE,
    )


def _visit(w: World):
    return f.VisitFactory(
        child=w.cast.child_a1,
        worker=w.cast.worker_a1,
        date=date(2018, 9, 3),
        visit_type="cin",
        child_seen=True,
        recorded_at=f.aware(date(2018, 9, 3), 17),
    )


def _visit_new(w: World):
    url = reverse("visit_new", args=[w.cast.child_a1.public_id])
    data = {
        **date_input("date", "2018-09-28"),
        "visit_type": "cin",
        "child_seen": "yes",
        "seen_alone": "no",
    }
    return w.cast.social_worker, url, data


def _visit_correct(w: World):
    visit = _visit(w)
    url = reverse("visit_correct", args=[visit.child.public_id, visit.public_id])
    data = {
        **date_input("date", "2018-09-04"),
        "visit_type": "cin",
        "child_seen": "yes",
        "seen_alone": "no",
        "reason": "Written up with the wrong date",
    }
    return w.cast.manager_a1, url, data


def _visit_withdraw(w: World):
    visit = _visit(w)
    url = reverse("visit_withdraw", args=[visit.child.public_id, visit.public_id])
    return w.cast.manager_a1, url, {"reason": "Recorded on the wrong child"}


def _health_check(w: World):
    url = reverse("health_check_new", args=[w.cast.child_a1.public_id])
    return w.cast.social_worker, url, {"kind": "health", **date_input("date", "2018-09-20")}


def _import(w: World):
    folder = w.request.getfixturevalue("samples")
    sample = (folder / "cin_census" / "fake_CIN_data.xml").read_bytes()
    upload = SimpleUploadedFile("fake_CIN_data.xml", sample)
    return w.cast.performance, reverse("imports"), {"kind": "cin_census", "files": [upload]}


def _open_episode(w: World):
    folder = w.request.getfixturevalue("two_returns")
    run_import(SSDA903Importer(), [folder / "2018", folder / "2019"])
    decision = OpenEpisodeDecision.objects.get()
    url = reverse("open_episode_decide", args=[decision.pk])
    return w.cast.performance, url, {"choice": "close"}


def _action_new(w: World):
    data = {
        "child": str(w.lists.cp_a1.public_id),
        "list_code": "cp_seen_10wd_pct",
        "description": "Statutory visit this week",
        "owner": w.cast.worker_a1.pk,
        **date_input("due_date", "2018-10-05"),
        "next": "/surgeries/",
    }
    return w.cast.manager_a1, reverse("surgeries:action_new"), data


def _action_close(name: str):
    def prepare(w: World):
        action = _action(w)
        url = reverse(name, args=[action.public_id])
        return w.cast.manager_a1, url, {"outcome_note": "Visited on 2 October"}

    return prepare


def _surgery_new(w: World):
    data: dict[str, object] = {"title": "Safeguarding North surgery"}
    data |= {**date_input("date", "2018-09-30"), "teams": [w.cast.team_a1.pk]}
    return w.cast.chair_a, reverse("surgeries:surgery_new"), data


def _discussion(w: World):
    surgery = _surgery(w)
    url = reverse("surgeries:surgery_child", args=[surgery.public_id, w.lists.cp_a1.public_id])
    return w.cast.chair_a, url, {"note": "Family away; visit booked"}


def _surgery_close(w: World):
    surgery = _surgery(w)
    return w.cast.chair_a, reverse("surgeries:surgery_close", args=[surgery.public_id]), {}


WRITES: dict[str, Write] = {
    "visit_new": Write(_visit_new, "Visit recorded"),
    "visit_correct": Write(_visit_correct, "Visit corrected"),
    "visit_withdraw": Write(_visit_withdraw, "Visit withdrawn"),
    "health_check_new": Write(_health_check, "Check recorded"),
    "imports": Write(_import, "CIN census imported"),
    "open_episode_decide": Write(_open_episode, "episode from 1 June 2017: close"),
    "surgeries:action_new": Write(_action_new, "Action added"),
    "surgeries:action_complete": Write(_action_close("surgeries:action_complete"), "updated"),
    "surgeries:action_cancel": Write(_action_close("surgeries:action_cancel"), "updated"),
    "surgeries:surgery_new": Write(_surgery_new, "Surgery created"),
    "surgeries:surgery_child": Write(_discussion, "Discussion of"),
    "surgeries:surgery_close": Write(_surgery_close, "Surgery closed"),
}

# Pages of the two apps that only read: a POST to them is refused (405) or renders the page
# again; tests/security/test_csrf_and_get_writes.py checks that none of them changes a row.
READS = {
    "home",
    "health",
    "accessibility",
    "caseload",
    "child_search",
    "child_overview",
    "child_visits",
    "child_plans",
    "child_care",
    "child_health",
    "child_history",
    "child_access",
    "import_report",
    "import_report_csv",
    "open_episodes",
    "ssda903_checks",
    "ssda903_checks_download",
    "annex_a_export",
    "surgeries:workbench",
    "surgeries:workbench_export",
    "surgeries:actions_mine",
    "surgeries:actions_team",
    "surgeries:actions_overdue",
    "surgeries:action_detail",
    "surgeries:surgery_list",
    "surgeries:surgery_detail",
    "surgeries:surgery_agenda_export",
    "surgeries:surgery_minutes",
    "surgeries:barriers",
}


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith(("casework.", "surgeries.")):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= {n for n in _url_names(pattern, inner)}
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_of_the_two_apps_is_a_write_with_a_banner_or_a_read():
    found = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith(("casework.", "surgeries.")):
                prefix = f"{pattern.namespace}:" if pattern.namespace else ""
                found |= _url_names(pattern, prefix)
    assert found, "no URL of casework or surgeries found"
    assert sorted(found - set(WRITES) - READS) == [], "classify these URLs"
    assert sorted((set(WRITES) | READS) - found) == [], "no longer in the URLconf"


@time_machine.travel("2018-09-30 11:00:00+01:00", tick=False)
@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_redirects_to_a_page_with_a_success_banner(cast, lists, as_user, request, name):
    write = WRITES[name]
    user, url, data = write.prepare(World(cast, lists, request))
    response = as_user(user).post(url, data, follow=True)
    assert response.redirect_chain, (
        f"{name}: no redirect after the write (status {response.status_code})"
    )
    assert response.status_code == 200
    page = response.content.decode()
    banners = BANNER.findall(page)
    assert len(banners) == 1, (
        f"{name}: {len(banners)} success banners on {response.request['PATH_INFO']}"
    )
    assert write.banner in banners[0], f"{name}: the banner says {banners[0]!r}"
    assert 'role="alert"' in page.split("govuk-notification-banner--success", 1)[1][:200]
