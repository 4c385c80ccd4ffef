"""G8: the mixed load, with locust on loopback against gunicorn.

`suite_load(tier, url, seconds)` copies the tier's database (the visits recorded must not change
the tier), stores what the nightly jobs would have stored in the copy (the day's exception lists,
the quarter-end snapshots the scorecard reads), starts gunicorn on the copy with the production
settings, runs `locust --headless` with perf/locustfile.py for `seconds` (after every user has
signed in and WARMUP seconds of the mix), reads locust's CSV statistics, stops gunicorn and drops
the copy (also when something fails).

The mix and the pacing are set here and handed to the locustfile in its plan (LOAD_PLAN): 20
users each paced at 0.75 requests a second by constant_throughput, 15 requests/s offered, of
which by request count 60% the workbench, 20% a child record, 10% the scorecard and 10% a visit
recorded (see perf/locustfile.py).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.db import connection, connections

from perf.bench import REPORT_DATE, GoalResult, timed

BASE_DIR = Path(__file__).resolve().parent.parent
LOCUSTFILE = BASE_DIR / "perf" / "locustfile.py"

# Users by role, each paced at RATE requests a second (one request per task).
RATE = 0.75
USERS = {"manager": 16, "leader": 2, "worker": 2}
# A manager's turn of requests, repeated: three workbench pages, then a child record.
MANAGER_TURN = ("workbench", "workbench", "workbench", "child record")
PATHS = ("workbench", "child record", "scorecard", "record a visit")
# Seconds of the mix before the measurement, once every user has signed in: each gunicorn worker
# builds its cached SQL (the per-child exception union a recorded visit rewrites: ~0.5 s of CPU
# the first time in a process, seconds on a loaded machine), as a deployment's would long before.
WARMUP = 20
GOAL_RPS, GOAL_P95_MS, GOAL_P99_MS = 15.0, 500.0, 1000.0
# constant_throughput never goes faster than the rate and starts each user's period when its
# last request began: 2% under the offered rate still counts as sustaining it.
SUSTAINED = 0.98
# gunicorn's own advice, 2 x cores + 1 sync workers: a request holds a worker while it waits on
# PostgreSQL (on the same cores here), so more workers than cores keep the CPUs busy.
WORKERS = 2 * (os.cpu_count() or 1) + 1
# Environment passed through to gunicorn; everything else it gets is set in gunicorn_environment,
# so a variable of this shell (DEBUG, OTP_ENFORCED, SECURE_*...) cannot weaken production.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "VIRTUAL_ENV")


def offered_mix() -> dict[str, float]:
    """Requests a second offered on each path by the plan's users."""
    per_path = dict.fromkeys(PATHS, 0.0)
    for name in MANAGER_TURN:
        per_path[name] += USERS["manager"] * RATE / len(MANAGER_TURN)
    per_path["scorecard"] += USERS["leader"] * RATE
    per_path["record a visit"] += USERS["worker"] * RATE
    return per_path


# --- the copy of the tier ---------------------------------------------------------------------


def _admin(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def copy_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def create_copy(url: str, tier_db: str, copy: str, wait: float = 120) -> tuple[float, str]:
    """CREATE DATABASE copy TEMPLATE tier_db, retried while someone is connected to the tier
    (PostgreSQL refuses to copy a database in use); after `wait` seconds of that, a dump of the
    tier restored into an empty copy instead (slower, but it only reads the tier). Returns the
    seconds the copy took and how it was made."""
    import psycopg

    for conn in connections.all():
        conn.close()
    deadline = time.monotonic() + wait
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')  # a failed run's copy
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                # Names from TIERS, never user input. FILE_COPY: one checkpoint and a file copy,
                # far lighter than writing the whole database through the WAL.
                admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{tier_db}" STRATEGY = FILE_COPY')
                return time.perf_counter() - started, "template"
            except psycopg.errors.ObjectInUse:
                time.sleep(5)
        started = time.perf_counter()
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE template0')
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if not pg_dump or not pg_restore:
        raise RuntimeError(f"{tier_db} stayed in use and pg_dump/pg_restore are not installed")
    dump = subprocess.Popen(  # noqa: S603 - fixed argv
        [pg_dump, "--format=custom", "--no-owner", f"--dbname={url}"], stdout=subprocess.PIPE
    )
    restore = subprocess.run(  # noqa: S603 - fixed argv
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={copy_url(url, copy)}"],
        stdin=dump.stdout,
        capture_output=True,
        check=False,
    )
    if dump.stdout is not None:
        dump.stdout.close()  # a restore that stopped early stops the dump too
    if dump.wait() or restore.returncode:
        raise RuntimeError(f"dump and restore of {tier_db} failed: {restore.stderr[-2000:]!r}")
    return time.perf_counter() - started, "dump and restore"


def drop_copy(url: str, copy: str) -> None:
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def prepare_copy() -> dict[str, float]:
    """What the nightly jobs store, in the copy (this process's connection points at it), outside
    the timing: the exception lists for the report date and the quarter-end snapshots the
    scorecard reads (as perf/bench.py's suite_pages does). Then ANALYZE, as autovacuum would."""
    from scorecard.models import KpiSnapshot
    from scorecard.rollup import rollup_dates_in_process
    from surgeries.lists import refresh as refresh_exception_lists
    from surgeries.models import ExceptionRefresh

    spent: dict[str, float] = {}
    if not ExceptionRefresh.objects.filter(as_at=REPORT_DATE).exists():
        spent["exception_lists_refresh_s"] = timed(lambda: refresh_exception_lists(REPORT_DATE))
    days = [
        day
        for day in (date(2018, 6, 30), REPORT_DATE)
        if not KpiSnapshot.objects.filter(date=day, scope_level="council").exists()
    ]
    if days:
        spent["snapshots_s"] = timed(
            lambda: rollup_dates_in_process(days, trigger="perfbench-setup")
        )
    with connection.cursor() as cursor:
        spent["analyze_s"] = timed(lambda: cursor.execute("ANALYZE"))
    return {k: round(v, 1) for k, v in spent.items()}


# --- the plan the locustfile follows -----------------------------------------------------------


def visit_type(category: str | None) -> str:
    from scorecard.measures.cohorts import Category

    return {Category.CP: "cp", Category.CIC: "cla", Category.CIN: "cin"}.get(
        category or "", "other"
    )


def visits_to_record(worker_user: Any, count: int) -> list[dict[str, Any]]:
    """`count` visits demo-worker can record, each (child, date, type) not yet recorded (the app
    refuses a second one): the worker's children in turn, on the report date and the days before
    it, each child's type from their category."""
    from django.urls import reverse

    from casework.models import Visit
    from casework.scope import children_visible_to
    from scorecard.measures.cohorts import category_at

    children = list(
        children_visible_to(worker_user, as_at=REPORT_DATE)
        .annotate(category=category_at(REPORT_DATE))
        .order_by("pk")
        .values("pk", "public_id", "date_of_birth", "category")
    )
    if not children:
        raise RuntimeError("demo-worker has no children at the report date")
    taken = set(
        Visit.objects.filter(child_id__in=[c["pk"] for c in children]).values_list(
            "child_id", "date", "visit_type"
        )
    )
    visits: list[dict[str, Any]] = []
    day = REPORT_DATE
    while len(visits) < count:
        for child in children:
            kind = visit_type(child["category"])
            born = child["date_of_birth"]
            if (child["pk"], day, kind) in taken or (born and day < born):
                continue
            visits.append(
                {
                    "url": reverse("visit_new", args=[child["public_id"]]),
                    "then": reverse("child_visits", args=[child["public_id"]]),
                    "data": {
                        "date_0": str(day.day),
                        "date_1": str(day.month),
                        "date_2": str(day.year),
                        "visit_type": kind,
                        "child_seen": "yes",
                        "seen_alone": "yes",
                    },
                }
            )
            if len(visits) == count:
                break
        day -= timedelta(days=1)
        if day < REPORT_DATE - timedelta(days=3650):
            raise RuntimeError("not enough days without a visit for demo-worker's children")
    return visits


def write_plan(path: Path, seconds: int) -> dict[str, Any]:
    """The locustfile's plan, read from the copy: URLs, demo-manager's children (their public
    ids, in a fixed shuffled order), the visits demo-worker will record, the users and rate."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from casework.demo.users import DEMO_PASSWORD
    from casework.scope import children_visible_to
    from scorecard.periods import latest_complete_quarter

    users = get_user_model().objects
    manager = users.get(username="demo-manager")
    worker = users.get(username="demo-worker")
    public_ids = [
        str(pid)
        for pid in children_visible_to(manager, as_at=REPORT_DATE)
        .order_by("pk")
        .values_list("public_id", flat=True)
    ]
    if not public_ids:
        raise RuntimeError("demo-manager sees no child at the report date")
    random.Random(8).shuffle(public_ids)
    # Visits offered over the window, with room for the sign-in and a margin.
    needed = int(offered_mix()["record a visit"] * (seconds + WARMUP + 120) * 1.5) + 20
    plan = {
        "rate": RATE,
        "users": USERS,
        "manager_turn": list(MANAGER_TURN),
        "password": DEMO_PASSWORD,
        "login": reverse("login"),
        "workbench": reverse("surgeries:workbench"),
        "scorecard": reverse(
            "scorecard:quarter", args=[latest_complete_quarter(REPORT_DATE).label]
        ),
        "children": [reverse("child_overview", args=[pid]) for pid in public_ids],
        "visits": visits_to_record(worker, needed),
    }
    path.write_text(json.dumps(plan))
    return plan


# --- gunicorn ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def gunicorn_environment(database_url: str) -> dict[str, str]:
    """The production settings (.env.example) on loopback. Nothing is relaxed for plain http:
    the client sends what the TLS-terminating proxy sends (X-Forwarded-Proto, see
    perf/locustfile.py), so SSL redirect, HSTS, secure cookies and CSRF stay as deployed."""
    return {
        **{k: os.environ[k] for k in PASSED_THROUGH if k in os.environ},
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",
        # No request of the mix sends a task; a broker is set as in production (db 11: ours).
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
        # The synthetic council's data ends on the report date (as in perfbench).
        "REPORTING_DATE": REPORT_DATE.isoformat(),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


class Gunicorn:
    """gunicorn serving config.wsgi on 127.0.0.1 and a free port, until the block ends."""

    def __init__(self, database_url: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "10",
            "--log-level", "warning",
        ]  # fmt: skip
        with self.log.open("wb") as log_file:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                command,
                cwd=BASE_DIR,
                env=gunicorn_environment(self.database_url),
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        health = urllib.request.Request(  # noqa: S310 - our own loopback server
            f"{self.base}/health/", headers={"X-Forwarded-Proto": "https"}
        )
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(health, timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc: object) -> None:
        """Graceful stop (SIGTERM: workers finish their request), SIGKILL after 30 s."""
        if self.process is None:
            return
        self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# --- locust and its statistics -----------------------------------------------------------------


def run_locust(host: str, plan: Path, seconds: int, prefix: Path, cpu: CpuSampler) -> str:
    """`locust --headless` for `seconds` after every user has signed in (the locustfile ends the
    run; --run-time is only the safety net). `cpu` starts when the measurement starts (the
    locustfile touches LOAD_MARK) and samples every half second until locust ends. Returns
    locust's output."""
    users = sum(USERS.values())
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--host", host, "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{seconds + WARMUP + 90}s", "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    mark, log = Path(f"{prefix}_measuring"), Path(f"{prefix}.log")
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan),
        "LOAD_SECONDS": str(seconds),
        "LOAD_WARMUP": str(WARMUP),
        "LOAD_MARK": str(mark),
    }
    deadline = time.monotonic() + seconds + WARMUP + 300
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        while process.poll() is None and not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if mark.exists():
            cpu.start()
        while process.poll() is None and time.monotonic() < deadline:
            cpu.sample()
            time.sleep(0.5)
        cpu.sample()
        process.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # Locust exits 1 when a request failed: the statistics say which; only a missing file is an
    # error of the run itself.
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no statistics:\n{log.read_text()[-3000:]}")
    return log.read_text()


def _number(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def parse_stats(stats_csv: Path, failures_csv: Path | None = None) -> dict[str, Any]:
    """Locust's aggregated statistics (`<prefix>_stats.csv`): per path and the Aggregated row,
    requests, failures, requests/s, median, p95, p99 and max (ms); the failures' messages."""

    def row_figures(row: dict[str, str]) -> dict[str, float]:
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(_number(row["Requests/s"]), 2),
            "median_ms": _number(row["Median Response Time"]),
            "p95_ms": _number(row["95%"]),
            "p99_ms": _number(row["99%"]),
            "max_ms": round(_number(row["Max Response Time"]), 1),
        }

    with stats_csv.open(newline="", encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    per_path = {row["Name"]: row_figures(row) for row in rows if row["Name"] != "Aggregated"}
    total = next((row_figures(r) for r in rows if r["Name"] == "Aggregated"), None)
    if total is None:
        raise ValueError(f"{stats_csv} has no Aggregated row")
    for figures in per_path.values():
        figures["share"] = round(figures["requests"] / total["requests"], 3)
    failures: list[str] = []
    if failures_csv is not None and failures_csv.exists():
        with failures_csv.open(newline="", encoding="utf-8") as failures_file:
            failures = [
                f"{r['Name']}: {r['Error']} x{r['Occurrences']}"
                for r in csv.DictReader(failures_file)
            ]
    return {"total": total, "paths": per_path, "failure_messages": failures}


def judge(tier: str, stats: dict[str, Any], figures: dict[str, Any]) -> GoalResult:
    """G8 from the statistics: at tier L pass or breach; at another tier the same figures are
    reported as not measured (the goal is for L)."""
    total, paths = stats["total"], stats["paths"]
    ok = (
        total["requests"] > 0
        and total["failures"] == 0
        and total["rps"] >= GOAL_RPS * SUSTAINED
        and total["p95_ms"] <= GOAL_P95_MS
        and total["p99_ms"] <= GOAL_P99_MS
    )
    detail = (
        f"{total['requests']} requests in {figures['seconds']} s (after a "
        f"{figures.get('warmup_s', 0)} s warm-up), {total['failures']} failed; "
        f"{total['rps']:.2f} req/s (offered {GOAL_RPS:g}); p95 {total['p95_ms']:.0f} ms "
        f"(goal {GOAL_P95_MS:.0f}), p99 {total['p99_ms']:.0f} ms (goal {GOAL_P99_MS:.0f}); "
        + ", ".join(
            f"{name} {p['share']:.0%} median {p['median_ms']:.0f} / p95 {p['p95_ms']:.0f} ms"
            for name, p in paths.items()
        )
        + f"; load average {figures['load_before'][0]:.1f} before, "
        f"{figures['load_after'][0]:.1f} after"
    )
    if tier != "L":
        verdict = "would pass" if ok else "would breach"
        return GoalResult("G8", "not measured", f"tier {tier} ({verdict} at L): {detail}", figures)
    return GoalResult("G8", "pass" if ok else "breach", detail, figures)


ByProcess = dict[str, dict[int, float]]


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serving_cpu(
    server: subprocess.Popen[bytes] | None, database: str
) -> dict[str, dict[int, float]]:
    """CPU seconds so far of gunicorn's workers and of PostgreSQL's backends on the copy, by
    process (Linux /proc; empty elsewhere): where the requests' CPU goes, whatever else the
    machine runs."""
    found: ByProcess = {"gunicorn": {}, "postgres": {}}
    if server is None or not Path("/proc/self/stat").exists():
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if parent == server.pid:
                found["gunicorn"][pid] = _cpu(pid)
            elif command.startswith("postgres:") and f" {database} " in command:
                found["postgres"][pid] = _cpu(pid)
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile, or not ours to read
    return found


class CpuSampler:
    """CPU seconds of gunicorn's workers and PostgreSQL's backends from start() on, sampled
    (a backend closed by CONN_MAX_AGE between samples loses at most its last half second; one
    opened after start() counts from zero)."""

    def __init__(self, server: subprocess.Popen[bytes] | None, database: str) -> None:
        self.server, self.database = server, database
        self.first: ByProcess = {}
        self.last: ByProcess = {}

    def start(self) -> None:
        self.first = serving_cpu(self.server, self.database)
        self.last = {k: dict(v) for k, v in self.first.items()}

    def sample(self) -> None:
        if not self.first:
            return  # never started: no measurement
        for kind, seen in serving_cpu(self.server, self.database).items():
            self.last.setdefault(kind, {}).update(seen)

    def seconds(self) -> dict[str, float]:
        return {
            kind: sum(t - self.first.get(kind, {}).get(pid, 0.0) for pid, t in seen.items())
            for kind, seen in self.last.items()
        }


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def suite_load(tier: str, url: str, seconds: int = 180) -> GoalResult:
    """G8: `seconds` of the mixed load on a throwaway copy of the tier (url: the tier
    database's URL, as perfbench's use_database returns it). This process's default connection
    is pointed at the copy for the setup and restored afterwards."""
    tier_db = urlsplit(url).path.lstrip("/")
    copy = f"perf_{tier.lower()}_load"
    copy_db_url = copy_url(url, copy)
    previous = connection.settings_dict["NAME"]
    work = Path(tempfile.mkdtemp(prefix="perf-load-"))
    figures: dict[str, Any] = {
        "tier": tier,
        "seconds": seconds,
        "users": sum(USERS.values()),
        "offered_rps": offered_mix(),
        "gunicorn_workers": WORKERS,
        "warmup_s": WARMUP,
        "files": str(work),  # the plan, gunicorn's log, locust's CSV and log
    }
    try:
        seconds_to_copy, figures["copy_made_by"] = create_copy(url, tier_db, copy)
        figures["copy_s"] = round(seconds_to_copy, 1)
        connection.settings_dict["NAME"] = copy
        figures["setup"] = prepare_copy()
        plan = write_plan(work / "plan.json", seconds)
        figures["children_in_manager_scope"] = len(plan["children"])
        for conn in connections.all():
            conn.close()
        with Gunicorn(copy_db_url, WORKERS, work / "gunicorn.log") as server:
            figures["load_before"] = _load()
            sampler = CpuSampler(server.process, copy)
            locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            output = run_locust(server.base, work / "plan.json", seconds, work / "locust", sampler)
            locust_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            figures["load_after"] = _load()
        stats = parse_stats(work / "locust_stats.csv", work / "locust_failures.csv")
        figures.update(stats)
        cpu = sampler.seconds()
        cpu["locust"] = (locust_after.ru_utime + locust_after.ru_stime) - (
            locust_before.ru_utime + locust_before.ru_stime
        )
        requests = max(stats["total"]["requests"], 1)
        figures["cpu_seconds"] = {k: round(v, 1) for k, v in cpu.items()}
        figures["cpu_ms_per_request"] = {k: round(v * 1000 / requests, 1) for k, v in cpu.items()}
        figures["locust_output_tail"] = output[-1500:]
        return judge(tier, stats, figures)
    finally:
        for conn in connections.all():
            conn.close()
        connection.settings_dict["NAME"] = previous
        drop_copy(url, copy)
