"""A real Celery worker for tests: `celery -A config worker --pool=solo` in a subprocess, on the
test database and the Redis broker of the test run.

Use it by asking for the fixture (the suite loads this module through `pytest_plugins` in
tests/conftest.py) and marking the test `postgres` and `redis`; both guards matter, because the
worker is another process and can only see a database server, and tasks only reach it through a
broker::

    pytestmark = [pytest.mark.postgres, pytest.mark.redis]

    def test_rollup_snapshots_reach_the_database(celery_worker_process):
        result = rollup_date.delay("2018-09-30")
        result.get(timeout=celery_worker_process.timeout)
        assert Snapshot.objects.filter(...).exists()

What the fixture does and why:

- The worker starts once per session (about three seconds) and is stopped before pytest-django
  drops the test database, since PostgreSQL refuses to drop a database with a connection open.
- `DATABASE_URL` points the worker at the test database pytest-django created (test_<name>), so
  the test must commit what the worker should read: the fixture brings `transactional_db`
  (plain `db` keeps rows in a transaction the worker cannot see). Do not add a
  `@pytest.mark.django_db` marker to such tests; it would override that.
- Transactional tests end by emptying every table, which would also empty tables that migrations
  fill (groups, permissions, barrier codes, the working-day calendar). The fixture asks for
  serialized rollback, so those rows are restored at the start of each test that uses it; the
  calendar (casework is in TEST_NON_SERIALIZED_APPS because deserialising 13,000 rows one by one
  takes seconds) is rebuilt in bulk when it is missing. tests/conftest.py does the same for every
  transactional test and runs them after all the others, so the order of the suite never matters.
- The worker consumes a queue of its own (`celery_worker_process.queue`), and for the test's
  duration this process sends tasks there by default, so engineers and CI jobs sharing one Redis
  database never pick up each other's tasks. Tasks the worker itself fans out go to the same
  queue (CELERY_TASK_DEFAULT_QUEUE in its environment).
- Every test that does not ask for this fixture runs tasks eagerly, in process, even when
  CELERY_BROKER_URL is set (an autouse fixture here), so a `.delay().get()` in an ordinary test
  behaves the same in CI as in `make test` instead of waiting for a worker.
- If the worker dies, the fixture fails the test with the tail of the worker's log, which is kept
  in `celery_worker_process.log_path`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


@dataclass
class CeleryWorkerProcess:
    """A running worker: its process, node name, queue and log."""

    process: subprocess.Popen[bytes]
    hostname: str
    queue: str
    log_path: Path
    timeout: float = 60.0  # a sensible AsyncResult.get() timeout for tests

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no worker log)"

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"Celery worker exited with {self.process.returncode}:\n{self.log_tail()}")


def worker_database_url() -> str:
    """The URL of the database pytest-django created for this run (after django_db_setup)."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError(
            "A Celery worker needs a database another process can open: mark the test "
            "`postgres` and set DATABASE_URL=postgres://..."
        )
    user = quote(settings.get("USER") or "", safe="")
    password = quote(settings.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "localhost"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings['NAME'], safe='')}"


def _wait_for_ping(worker: CeleryWorkerProcess) -> None:
    from config.celery import app

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        worker.assert_alive()
        replies = app.control.ping(destination=[worker.hostname], timeout=1.0)
        if any(worker.hostname in reply for reply in replies):
            return
        time.sleep(0.2)
    raise RuntimeError(f"Celery worker did not answer a ping in time:\n{worker.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(autouse=True)
def _celery_eager_unless_real_worker(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every other test runs tasks in process, as `make test` does without a broker. With
    CELERY_BROKER_URL set (CI) a `.delay().get()` would otherwise wait for ever for a worker
    that is not there."""
    if "celery_worker_process" in request.fixturenames:
        yield
        return
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def _celery_worker_session(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[CeleryWorkerProcess]:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        raise RuntimeError("A Celery worker needs CELERY_BROKER_URL: mark the test `redis`.")
    with django_db_blocker.unblock():
        database_url = worker_database_url()
    token = uuid.uuid4().hex[:10]
    queue = f"test-{token}"
    hostname = f"test-{token}@{os.uname().nodename}"
    log = Path(tempfile.gettempdir()) / f"celery-worker-{token}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND", broker),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # Short-lived connections: nothing held open between tasks while tests truncate tables.
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        f"--hostname={hostname}",
        f"--queues={queue}",
    ]
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    worker = CeleryWorkerProcess(process=process, hostname=hostname, queue=queue, log_path=log)
    try:
        _wait_for_ping(worker)
        yield worker
    finally:
        _stop(process)


@pytest.fixture
def celery_worker_process(
    _celery_worker_session: CeleryWorkerProcess,
    transactional_db: None,
    django_db_serialized_rollback: None,
) -> Iterator[CeleryWorkerProcess]:
    """A live Celery worker reading the committed rows of this test (see the module docstring)."""
    from casework import workingdays
    from casework.models import CalendarDay
    from config.celery import app

    worker = _celery_worker_session
    worker.assert_alive()
    # An earlier transactional test emptied the tables; casework is not serialized (settings),
    # so the calendar its migration made is rebuilt here in bulk.
    if not CalendarDay.objects.exists():
        workingdays.rebuild()
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = worker.queue
    try:
        yield worker
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
    worker.assert_alive()
