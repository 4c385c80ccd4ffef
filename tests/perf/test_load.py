"""The benchmark's mixed load (perf/load.py, perf/locustfile.py): the locustfile offers its mix by
request count at 15 requests/s, locust's CSV statistics are read right, and gunicorn gets the
production settings whatever this shell's environment says. No network run: the locustfile's
users are driven in a fresh interpreter (importing locust monkey-patches the process with
gevent) with their requests recorded instead of sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from perf import load

BASE_DIR = Path(__file__).resolve().parents[2]
TASKS_PER_USER = 20  # a whole number of managers' turns (4) and of workbench pages (5)

DRIVE = """
import contextlib, json, sys
from locust.env import Environment
import perf.locustfile as lf

calls, failures = [], []

class Answer:
    def __init__(self, status, location=""):
        self.status_code, self.headers = status, {"Location": location}
    def failure(self, message):
        failures.append(message)

class Client:
    cookies = []
    @contextlib.contextmanager
    def get(self, url, name, allow_redirects, catch_response):
        calls.append((name, url, {}, {}))
        # The third scorecard request finds itself sent to the sign-in page.
        scorecards = sum(1 for c in calls if c[0] == "scorecard")
        yield Answer(302, "/accounts/login/") if scorecards == 3 else Answer(200)
    @contextlib.contextmanager
    def post(self, url, name, data, headers, allow_redirects, catch_response):
        calls.append((name, url, data, headers))
        # The third visit is answered with the form again (200): a failure.
        visits = sum(1 for c in calls if c[0] == "record a visit")
        then = lf.PLAN["visits"][visits - 1]["then"]
        yield Answer(200) if visits == 3 else Answer(302, then)

lf.SignedInUser.csrf_token = lambda self: "token"
env = Environment(user_classes=[lf.Manager, lf.Leader, lf.Worker])
for cls in (lf.Manager, lf.Leader, lf.Worker):
    cls.host = "http://127.0.0.1:1"
    for number in range(cls.fixed_count):
        user = cls(env)
        user.client = Client()
        user.requests = lf.manager_requests(number % len(lf.WORKBENCH_PAGES))
        for _ in range(int(sys.argv[1])):
            cls.tasks[0](user)
print(json.dumps({
    "calls": calls,
    "failures": failures,
    "rate": lf.RATE,
    "users": lf.USERS,
    "wait": lf.Manager.wait_time.__name__,
}))
"""


def _plan(tmp_path: Path) -> Path:
    visits = sum(load.USERS.values()) * TASKS_PER_USER
    plan = {
        "rate": load.RATE,
        "users": load.USERS,
        "manager_turn": list(load.MANAGER_TURN),
        "password": "not-used",
        "login": "/accounts/login/",
        "workbench": "/surgeries/",
        "scorecard": "/scorecard/2018-Q2/",
        "children": [f"/children/{n}/" for n in range(7)],
        "visits": [
            {
                "url": f"/children/{n}/visits/new/",
                "then": f"/children/{n}/visits/",
                "data": {"visit_type": "cin", "date_0": str(n)},
            }
            for n in range(visits)
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return path


@pytest.fixture(scope="module")
def driven(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    plan = _plan(tmp_path_factory.mktemp("load"))
    completed = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", DRIVE, str(TASKS_PER_USER)],
        cwd=BASE_DIR,
        env={**os.environ, "LOAD_PLAN": str(plan)},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    result["plan"] = json.loads(plan.read_text())
    return result


def test_the_mix_is_60_20_10_10_by_request_count_at_15_requests_a_second(
    driven: dict[str, Any],
) -> None:
    names = [c[0] for c in driven["calls"]]
    counts = {name: names.count(name) for name in set(names)}
    assert counts == {"workbench": 240, "child record": 80, "scorecard": 40, "record a visit": 40}
    # Every user makes the same number of requests a second: the counts above are the rates'.
    assert driven["wait"] == "wait_time_func"  # constant_throughput's pacing
    assert driven["rate"] * driven["users"] == pytest.approx(15.0)
    assert load.offered_mix() == {
        "workbench": 9.0,
        "child record": 3.0,
        "scorecard": 1.5,
        "record a visit": 1.5,
    }


def test_workbench_is_sorted_by_days_overdue_over_pages_1_to_5(driven: dict[str, Any]) -> None:
    urls = [c[1] for c in driven["calls"] if c[0] == "workbench"]
    assert {u.split("?")[0] for u in urls} == {"/surgeries/"}
    pages = [u.split("page=")[1] for u in urls]
    assert all("sort=-days&" in u for u in urls)
    assert {p: pages.count(p) for p in set(pages)} == {str(n): 48 for n in range(1, 6)}


def test_child_records_are_the_plans_and_the_scorecard_is_the_quarter(
    driven: dict[str, Any],
) -> None:
    children = {c[1] for c in driven["calls"] if c[0] == "child record"}
    assert children == set(driven["plan"]["children"])
    assert {c[1] for c in driven["calls"] if c[0] == "scorecard"} == {"/scorecard/2018-Q2/"}


def test_each_visit_is_posted_once_with_the_token(driven: dict[str, Any]) -> None:
    posts = [c for c in driven["calls"] if c[0] == "record a visit"]
    urls = [url for _, url, _, _ in posts]
    assert len(set(urls)) == len(urls) == 40
    assert urls == [v["url"] for v in driven["plan"]["visits"][:40]]
    assert all(data["csrfmiddlewaretoken"] == "token" for _, _, data, _ in posts)
    assert all(h["Referer"] == f"https://127.0.0.1:1{url}" for _, url, _, h in posts)


def test_an_answer_not_expected_is_a_failure(driven: dict[str, Any]) -> None:
    """A page answered by a redirect (to the sign-in page) and a visit answered by the form
    again, not by the redirect to the child's visits, are the only failures."""
    assert driven["failures"] == [
        "scorecard answered 302",
        "record a visit answered 200 ",
    ]


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,\
90%,95%,98%,99%,99.9%,99.99%,100%
GET,child record,32,0,180,217.6,156.4,361.6,21064.3,0.53,0.0,180,220,290,290,330,350,360,360,\
360,360,360
POST,record a visit,16,1,960,715.2,218.1,1037.1,0.0,0.27,0.02,960,960,980,980,1000,1000,1000,\
1000,1000,1000,1000
GET,scorecard,16,0,260,239.2,152.9,323.5,107862.0,0.27,0.0,260,270,290,290,310,320,320,320,320,\
320,320
GET,workbench,96,0,280,283.3,178.3,583.4,294274.7,1.6,0.0,280,300,310,320,380,460,490,570,580,\
580,580
,Aggregated,160,1,260,281.1,152.9,1037.1,214293.6,2.67,0.02,260,290,310,310,370,470,860,980,\
1000,1000,1000
"""
FAILURES = """Method,Name,Error,Occurrences,First Seen,Last Seen
POST,record a visit,CatchResponseError('record a visit answered 200 '),1,t0,t1
"""


def _stats(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "s_stats.csv").write_text(STATS)
    (tmp_path / "s_failures.csv").write_text(FAILURES)
    return load.parse_stats(tmp_path / "s_stats.csv", tmp_path / "s_failures.csv")


def test_locusts_aggregated_and_per_path_statistics_are_read(tmp_path: Path) -> None:
    stats = _stats(tmp_path)
    assert stats["total"] == {
        "requests": 160,
        "failures": 1,
        "rps": 2.67,
        "median_ms": 260.0,
        "p95_ms": 470.0,
        "p99_ms": 980.0,
        "max_ms": 1037.1,
    }
    assert set(stats["paths"]) == set(load.PATHS)
    workbench = stats["paths"]["workbench"]
    assert (workbench["requests"], workbench["median_ms"], workbench["p95_ms"]) == (96, 280, 460)
    assert workbench["share"] == 0.6
    assert stats["failure_messages"] == [
        "record a visit: CatchResponseError('record a visit answered 200 ') x1"
    ]


def _figures() -> dict[str, Any]:
    return {"seconds": 180, "load_before": [1.0, 1.0, 1.0], "load_after": [2.0, 1.0, 1.0]}


def test_g8_breaches_on_a_failure_and_passes_only_at_tier_l(tmp_path: Path) -> None:
    stats = _stats(tmp_path)
    stats["total"]["rps"] = 14.9
    assert load.judge("L", stats, _figures()).status == "breach"  # one failure
    stats["total"]["failures"] = 0
    assert load.judge("L", stats, _figures()).status == "pass"
    assert load.judge("S", stats, _figures()).status == "not measured"
    stats["total"]["p99_ms"] = 1100.0
    assert load.judge("L", stats, _figures()).status == "breach"
    stats["total"]["p99_ms"], stats["total"]["rps"] = 980.0, 14.0  # not sustained
    assert load.judge("L", stats, _figures()).status == "breach"


SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps([s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,
                  s.CSRF_COOKIE_SECURE, s.OTP_ENFORCED, s.AXES_ENABLED, s.ALLOWED_HOSTS,
                  s.SECURE_PROXY_SSL_HEADER]))
"""


def test_gunicorn_gets_the_production_settings_whatever_this_shell_sets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "DEBUG": "true",
        "OTP_ENFORCED": "false",
        "AXES_ENABLED": "false",
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_ENV": "development",
    }.items():
        monkeypatch.setenv(name, value)
    env = load.gunicorn_environment("postgres://postgres@127.0.0.1:5432/perf_x_load")
    completed = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    debug, redirect, hsts, session_secure, csrf_secure, otp, axes, hosts, proxy = json.loads(
        completed.stdout.strip().splitlines()[-1]
    )
    assert (debug, redirect, session_secure, csrf_secure, otp, axes) == (
        False,
        True,
        True,
        True,
        True,
        True,
    )
    assert hsts >= 31536000
    assert hosts == ["127.0.0.1"]
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]
