"""The mixed load of goal G8, run by perf/load.py (`suite_load`) with
`locust --headless` against gunicorn on loopback.

The mix is by request count; its numbers are perf/load.py's (USERS, RATE, MANAGER_TURN), handed
over in the plan. Every user is paced by `constant_throughput` at RATE requests a second (one
request per task), so the offered load is fixed, not a hammering. As set there:

- 16 team managers (demo-manager), each in turn workbench, workbench, workbench, child record:
  the workbench (their team, sorted by days overdue, pages 1..5 in turn) 9 requests/s (60%) and
  a child record of their scope 3 requests/s (20%);
- 2 senior leaders (demo-leader, as perf/bench.py's suite_pages): the scorecard's quarter page,
  1.5 requests/s (10%);
- 2 social workers (demo-worker): the visit form's POST (as suite_record_visit) to a child of
  theirs, each (child, date, type) once, 1.5 requests/s (10%).

15 requests/s in all. Each user signs in through the real login form (CSRF token, password)
before the measurement: the sign-in is not one of the mix's paths, so it goes through the plain
requests session (not counted). Once every user has signed in the mix runs LOAD_WARMUP seconds
unmeasured (each gunicorn worker builds its cached SQL: the per-child exception union a visit
rewrites costs ~0.5 s of CPU the first time in a process), then the statistics are reset and the
measured run lasts LOAD_SECONDS. A sign-in that fails is counted as a failed request.

Any answer but the one expected (200 for a page, 302 to the child's visits after a visit) is a
failure: a redirect to the sign-in page is not a success.

The server runs the production settings. It sits where a TLS-terminating proxy would put it, so
every request carries the proxy's `X-Forwarded-Proto: https` (settings.SECURE_PROXY_SSL_HEADER)
and a POST the https Referer a browser sends; the client returns the `Secure` cookies over the
loopback's plain http (`returned_over_loopback`) as a browser would over the proxy's https.

Environment: LOAD_PLAN (a JSON file written by perf/load.py: the URLs, the children, the visits
to record, the demo password), LOAD_WARMUP (seconds of the mix before the measurement),
LOAD_SECONDS (the measured window), LOAD_MARK (a file touched when the measurement starts).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gevent
import requests
from locust import HttpUser, constant_throughput, task
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import Runner
from requests.cookies import RequestsCookieJar

WORKBENCH, CHILD, SCORECARD, VISIT = "workbench", "child record", "scorecard", "record a visit"
WORKBENCH_PAGES = (1, 2, 3, 4, 5)
FORWARDED = {"X-Forwarded-Proto": "https"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def load_plan() -> dict[str, Any]:
    path = os.environ.get("LOAD_PLAN")
    if not path:
        raise RuntimeError("LOAD_PLAN names the plan perf/load.py writes")
    with open(path, encoding="utf-8") as plan_file:
        plan: dict[str, Any] = json.load(plan_file)
    return plan


PLAN = load_plan()
# The mix and the pacing come from the plan (perf/load.py sets them).
RATE: float = PLAN["rate"]
USERS: int = sum(PLAN["users"].values())
MANAGER_TURN: tuple[str, ...] = tuple(PLAN["manager_turn"])
# Shared by the users of this one process (gevent: one thread): each child record in turn, and
# each visit exactly once (the app refuses a second visit of a type on a date for a child).
CHILDREN: Iterator[str] = itertools.cycle(PLAN["children"])
VISITS: Iterator[dict[str, Any]] = iter(PLAN["visits"])
STARTED = itertools.count()
_signed_in = 0


def returned_over_loopback(jar: RequestsCookieJar) -> None:
    """requests (like a browser) keeps a `Secure` cookie off plain http; the server set them
    for the proxy's https, so this client returns them over the loopback."""
    for cookie in jar:
        cookie.secure = False


def manager_requests(first_page: int) -> Iterator[tuple[str, str]]:
    """(path name, URL) of a manager's requests in order: the turn repeated, workbench pages
    1..5 in turn starting from `first_page` (so managers do not all ask for the same page)."""
    pages = itertools.cycle(WORKBENCH_PAGES[first_page:] + WORKBENCH_PAGES[:first_page])
    for name in itertools.cycle(MANAGER_TURN):
        if name == WORKBENCH:
            yield name, f"{PLAN['workbench']}?sort=-days&page={next(pages)}"
        else:
            yield name, next(CHILDREN)


class SignedInUser(HttpUser):
    abstract = True
    wait_time = constant_throughput(RATE)
    username = ""

    def on_start(self) -> None:
        self.client.headers.update(FORWARDED)
        self.number = next(STARTED)
        try:
            self.sign_in()
        except Exception as error:
            # Nothing to measure without every user: end the run at once.
            self.failed("sign-in", error)
            if self.environment.runner is not None:
                gevent.spawn(self.environment.runner.quit)
            raise StopUser from error
        signed_in(self.environment)
        # Every user signs in at the same moment, and constant_throughput keeps each user's
        # phase: left so, all 20 would send their requests in the same instant every 1.3 s, a
        # burst of 20 on 5 workers that no population of independent users makes. Each user
        # starts at its own random point of the period (seeded by its number: repeatable).
        gevent.sleep(random.Random(self.number).uniform(0, 1 / RATE))

    def failed(self, name: str, error: Exception) -> None:
        self.environment.events.request.fire(
            request_type="",
            name=name,
            response_time=0,
            response_length=0,
            exception=error,
            context={},
        )

    def referer(self, path: str) -> dict[str, str]:
        """The https Referer a browser sends with a form (Django's CSRF check wants it on an
        https request)."""
        return {"Referer": f"https://{str(self.host).split('://', 1)[1]}{path}"}

    def unmeasured(self) -> requests.Session:
        """A session of its own for what is not one of the mix (the sign-in): not counted."""
        session = requests.Session()
        session.headers.update(FORWARDED)
        return session

    def sign_in(self) -> None:
        login, session = PLAN["login"], self.unmeasured()
        base = str(self.host)
        page = session.get(f"{base}{login}", allow_redirects=False)
        match = CSRF_FIELD.search(page.text)
        if page.status_code != 200 or match is None:
            raise RuntimeError(f"the sign-in page answered {page.status_code}")
        returned_over_loopback(session.cookies)
        answer = session.post(
            f"{base}{login}",
            data={
                "csrfmiddlewaretoken": match.group(1),
                "username": self.username,
                "password": PLAN["password"],
                "next": "",
            },
            headers=self.referer(login),
            allow_redirects=False,
        )
        if answer.status_code != 302 or login in answer.headers.get("Location", login):
            raise RuntimeError(f"{self.username} was not signed in ({answer.status_code})")
        self.client.cookies.update(session.cookies)

    def page(self, name: str, url: str) -> None:
        returned_over_loopback(self.client.cookies)
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")

    def csrf_token(self) -> str:
        for cookie in self.client.cookies:
            if cookie.name.endswith("csrftoken") and cookie.value:
                return cookie.value
        raise RuntimeError("no CSRF cookie")


def signed_in(environment: Environment) -> None:
    """Once every user has signed in, the mix runs LOAD_WARMUP seconds unmeasured, then the
    statistics are reset (they then hold the measured mix alone) and the run ends LOAD_SECONDS
    later."""
    global _signed_in
    _signed_in += 1
    if _signed_in == USERS and environment.runner is not None:
        warmup = float(os.environ.get("LOAD_WARMUP", "0"))
        gevent.spawn_later(warmup, measure, environment.runner)


def measure(runner: Runner) -> None:
    runner.stats.reset_all()
    if os.environ.get("LOAD_MARK"):
        Path(os.environ["LOAD_MARK"]).touch()  # perf/load.py starts its CPU figures here
    seconds = float(os.environ.get("LOAD_SECONDS", "180"))
    gevent.spawn_later(seconds, runner.quit)


class Manager(SignedInUser):
    fixed_count = PLAN["users"]["manager"]
    username = "demo-manager"

    def on_start(self) -> None:
        super().on_start()
        self.requests = manager_requests(self.number % len(WORKBENCH_PAGES))

    @task
    def next_request(self) -> None:
        name, url = next(self.requests)
        self.page(name, url)


class Leader(SignedInUser):
    fixed_count = PLAN["users"]["leader"]
    username = "demo-leader"

    @task
    def scorecard(self) -> None:
        self.page(SCORECARD, PLAN["scorecard"])


class Worker(SignedInUser):
    fixed_count = PLAN["users"]["worker"]
    username = "demo-worker"

    @task
    def record_visit(self) -> None:
        visit = next(VISITS, None)
        if visit is None:
            self.failed(VISIT, RuntimeError("the plan's visits are used up"))
            return
        url = visit["url"]
        returned_over_loopback(self.client.cookies)
        with self.client.post(
            url,
            name=VISIT,
            data={**visit["data"], "csrfmiddlewaretoken": self.csrf_token()},
            headers=self.referer(url),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.endswith(visit["then"]):
                response.failure(f"{VISIT} answered {response.status_code} {location}")
