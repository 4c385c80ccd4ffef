"""The rollup through real Celery workers on Redis and PostgreSQL: the chunks fan out to the
workers, two runs give identical rows, and a worker killed (SIGKILL) in the middle of a chunk
leaves neither a duplicate nor a missing row once the chunk is redelivered to another worker.

The workers here are started by this module (not the shared session worker) because one of them
is killed, and they need a short visibility timeout: see rollup_worker_app.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from scorecard.measures import registry
from scorecard.measures.base import COUNCIL, MeasureScope
from scorecard.models import KpiSnapshot, RollupRun, ScopeLevel
from scorecard.periods import measure_period
from scorecard.rollup import rollup_dates_in_process
from scorecard.tasks import rollup_date
from tests.scorecard.rollup_data import CODES, QUARTER_END, add_children

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BASE_DIR = Path(__file__).resolve().parents[2]
FIELDS = ("code", "scope_level", "scope_id", "date", "numerator", "denominator", "value")


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    hostname: str
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _database_url() -> str:
    """The test database pytest-django created, for the worker processes."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{credentials}{s.get('HOST') or 'localhost'}{port}/{s['NAME']}"


def _ping(hostname: str, worker: Worker, timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"worker exited early:\n{worker.log_tail()}")
        if any(hostname in reply for reply in app.control.ping([hostname], timeout=1.0)):
            return
        time.sleep(0.2)
    pytest.fail(f"worker did not answer a ping:\n{worker.log_tail()}")


def _stop(worker: Worker) -> None:
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)
        try:
            worker.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=20)


@pytest.fixture
def start_worker(
    transactional_db, django_db_serialized_rollback
) -> Iterator[Callable[..., Worker]]:
    """Start workers on a queue of this test's own; stopped (or already killed) at the end."""
    from config.celery import app

    queue = f"rollup-test-{uuid.uuid4().hex[:10]}"
    workers: list[Worker] = []
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue

    def start(**extra_env: str) -> Worker:
        token = uuid.uuid4().hex[:8]
        hostname = f"rollup-{token}@{os.uname().nodename}"
        log_path = Path(tempfile.gettempdir()) / f"rollup-worker-{token}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": _database_url(),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "tests.scorecard.rollup_worker_app", "worker",
            "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
            f"--hostname={hostname}", f"--queues={queue}",
        ]  # fmt: skip
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        worker = Worker(process, hostname, log_path)
        workers.append(worker)
        _ping(hostname, worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            _stop(worker)
        app.conf.task_always_eager, app.conf.task_default_queue = previous


def wait_for_run(run_id: int, workers: list[Worker], timeout: float = 120) -> RollupRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = RollupRun.objects.get(pk=run_id)
        if run.finished_at:
            return run
        time.sleep(0.3)
    logs = "\n---\n".join(w.log_tail() for w in workers)
    pytest.fail(f"run {run_id} did not finish: {run.chunks_done}/{run.chunks_expected}\n{logs}")


def snapshot_rows() -> list[tuple]:
    return list(KpiSnapshot.objects.order_by(*FIELDS[:4]).values_list(*FIELDS))


def assert_rows_equal_live_results() -> None:
    for snap in KpiSnapshot.objects.all():
        measure = registry.get(snap.code)
        scope = (
            COUNCIL
            if snap.scope_level == ScopeLevel.COUNCIL
            else MeasureScope(snap.scope_level, snap.scope_id)
        )
        live = measure.result(measure_period(measure, snap.date), scope)
        assert (snap.numerator, snap.denominator, snap.value) == (
            live.numerator,
            live.denominator,
            live.value,
        ), f"{snap.code} at {snap.scope_level}:{snap.scope_id}"


@pytest.fixture
def council(cast):
    add_children(cast, 3)
    return cast


def test_two_runs_through_the_workers_give_identical_rows(council, start_worker):
    workers = [start_worker(), start_worker()]  # two workers share the chunks
    first_id = rollup_date.delay(QUARTER_END.isoformat(), codes=CODES).get(timeout=60)
    first = wait_for_run(first_id, workers)
    rows = snapshot_rows()
    second_id = rollup_date.delay(QUARTER_END.isoformat(), codes=CODES).get(timeout=60)
    second = wait_for_run(second_id, workers)

    assert snapshot_rows() == rows
    assert first.status == second.status == RollupRun.Status.SUCCEEDED
    assert second.chunks_done == second.chunks_expected == 2
    assert {code for code, *_ in rows} == set(CODES)
    assert_rows_equal_live_results()


def test_a_worker_killed_mid_chunk_leaves_no_duplicate_or_missing_row(
    council, start_worker, tmp_path
):
    # The expected rows, computed in process, then cleared.
    rollup_dates_in_process([QUARTER_END], codes=CODES)
    expected = snapshot_rows()
    KpiSnapshot.objects.all().delete()

    stall_file = tmp_path / "stalled"
    doomed = start_worker(ROLLUP_STALL_FILE=str(stall_file))
    run_id = rollup_date.delay(QUARTER_END.isoformat(), codes=CODES).get(timeout=60)
    deadline = time.monotonic() + 60
    while not stall_file.exists():
        assert time.monotonic() < deadline, doomed.log_tail()
        time.sleep(0.1)
    # The first measure of a chunk is written and committed; the rest of the chunk is not.
    partial = KpiSnapshot.objects.count()
    assert 0 < partial < len(expected)
    doomed.process.send_signal(signal.SIGKILL)
    doomed.process.wait(timeout=10)
    assert RollupRun.objects.get(pk=run_id).finished_at is None

    rescuer = start_worker()  # picks up the unacknowledged chunk after the visibility timeout
    run = wait_for_run(run_id, [doomed, rescuer])

    assert snapshot_rows() == expected
    assert run.status == RollupRun.Status.SUCCEEDED
    assert run.chunks_done == run.chunks_expected
    assert set(run.timings[QUARTER_END.isoformat()]) == set(CODES)
