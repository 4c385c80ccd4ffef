"""The surgery meeting's pages at demo size: a Safeguarding surgery on two lists with the default
agenda of 40, planned as demo-chair for the report date, every child discussed with an action
(the minutes' worst case); then its agenda pages, a child's page, the close confirmation and,
once closed, the minutes PDF. Run by
perfbench's pages suite and by `manage.py bench_surgeries` (the embedded default's figures).
Everything it writes is rolled back."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction

from perf.statements import app_statements

SAFEGUARDING_LISTS = ["cp_seen_10wd_pct", "cin_seen_pct"]
NOTE = (
    "Family away last week; visit booked for Tuesday, the manager to check it is recorded the "
    "same day and to escalate to the head of service if not."
)
# What each page may run, framework statements (session, user, groups) left out: fixed
# whatever the agenda or the lists hold (tests/surgeries/test_query_counts.py asserts it too).
QUERY_BUDGET = {"agenda": 22, "child": 25}


class _Recorder:
    def __init__(self) -> None:
        self.sqls: list[str] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.sqls.append(sql)
        return execute(sql, params, many, context)


def pdf_pages(body: bytes) -> int:
    """Pages of a PDF, by poppler's pdfinfo (0 when it is not installed)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return 0
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(body)
        handle.flush()
        # A fixed program on a file this process wrote: no untrusted input.
        out = subprocess.run(  # noqa: S603
            [pdfinfo, handle.name], capture_output=True, text=True, check=True
        ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))  # type: ignore[union-attr]


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _measure(client: Any, url: str, samples: int) -> dict[str, Any]:
    first = client.get(url)  # warm-up: the calendar and the compiled lists
    if first.status_code != 200:
        raise RuntimeError(f"GET {url} answered {first.status_code}")
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        client.get(url)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return {
        "queries": len(app_statements(recorder.sqls)),
        "statements_total": len(recorder.sqls),
        "p95_ms": round(_p95(times) * 1000, 1),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "n": samples,
    }


def plan_benchmark_surgery(*, as_at: date, close: bool = False) -> tuple[Any, float]:
    """The benchmark's surgery, written in the caller's transaction (roll it back): a
    Safeguarding surgery on two lists planned by demo-chair for `as_at` with the default agenda
    of 40, every child discussed with an action (the minutes' worst case); closed if asked.
    Returns it and the seconds its planning took (choosing the agenda)."""
    from django.contrib.auth import get_user_model

    from casework.models import Child, ServiceArea, Worker
    from surgeries import services
    from surgeries.models import BarrierCode

    chair = get_user_model().objects.get(username="demo-chair")
    area = ServiceArea.objects.get(name="Safeguarding")
    started = time.perf_counter()
    surgery = services.surgery_create(
        user=chair,
        title="Benchmark surgery",
        date=as_at,
        service_area=area,
        teams=[],
        lists=SAFEGUARDING_LISTS,
        today=as_at,
    )
    plan_s = time.perf_counter() - started
    barrier = BarrierCode.objects.filter(active=True).first()
    owners = {w.team_id: w for w in Worker.objects.filter(team__service_area=area)}
    for child in Child.objects.filter(pk__in=surgery.agenda_children):
        services.surgery_record_discussion(
            user=chair, surgery=surgery, child=child, note=NOTE, barrier=barrier
        )
        owner = next(iter(owners.values()))
        services.action_create(
            user=chair,
            child=child,
            list_code=SAFEGUARDING_LISTS[0],
            description="Statutory visit and write it up within a day",
            owner=owner,
            due_date=as_at + timedelta(days=14),
            barrier=barrier,
            surgery=surgery,
            today=as_at,
        )
    if close:
        services.surgery_close(user=chair, surgery=surgery, as_at=as_at)
    return surgery, plan_s


def measure_surgery_pages(
    *, as_at: date, samples: int = 20, pdf_samples: int = 3
) -> dict[str, Any]:
    """Figures of the surgery pages (p95 and median in ms, queries), the minutes PDF (seconds,
    pages) and the time to plan the surgery."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from casework.models import Child

    chair = get_user_model().objects.get(username="demo-chair")
    figures: dict[str, Any] = {}
    with transaction.atomic():
        surgery, plan_s = plan_benchmark_surgery(as_at=as_at)
        figures["plan_s"] = round(plan_s, 2)
        figures["agenda_size"] = len(surgery.agenda_children)
        client = Client()
        client.force_login(chair)
        detail = reverse("surgeries:surgery_detail", args=[surgery.public_id])
        second = Child.objects.get(pk=surgery.agenda_children[1])
        child_url = reverse("surgeries:surgery_child", args=[surgery.public_id, second.public_id])
        figures["agenda"] = _measure(client, detail, samples)
        figures["agenda_page_2"] = _measure(client, f"{detail}?page=2", samples)
        figures["child"] = _measure(client, child_url, samples)
        close_url = reverse("surgeries:surgery_close", args=[surgery.public_id])
        figures["close_confirmation"] = _measure(client, close_url, max(3, samples // 4))
        started = time.perf_counter()
        client.post(close_url)
        figures["close_s"] = round(time.perf_counter() - started, 2)
        minutes = reverse("surgeries:surgery_minutes", args=[surgery.public_id, "pdf"])
        # A process imports WeasyPrint on its first PDF (about a second, once): timed here are
        # the renders, not that import.
        import weasyprint  # noqa: F401

        times, body = [], b""
        for _ in range(pdf_samples):
            started = time.perf_counter()
            body = client.get(minutes).content
            times.append(time.perf_counter() - started)
        figures["minutes_pdf"] = {
            "max_s": round(max(times), 2),
            "median_s": round(statistics.median(times), 2),
            "pages": pdf_pages(body),
            "n": pdf_samples,
        }
        figures["closed_agenda"] = _measure(client, detail, samples)
        transaction.set_rollback(True)
    return figures


def within_goals(figures: dict[str, Any], *, p95_ms: float, pdf_s: float) -> list[str]:
    """What breaches the goals: page p95s, the PDF's time and pages, the query budgets."""
    breaches = []
    for page in ("agenda", "agenda_page_2", "child", "closed_agenda"):
        if figures[page]["p95_ms"] > p95_ms:
            breaches.append(f"{page} p95 {figures[page]['p95_ms']} ms > {p95_ms:.0f}")
    for page, budget in (("agenda", "agenda"), ("closed_agenda", "agenda"), ("child", "child")):
        if figures[page]["queries"] > QUERY_BUDGET[budget]:
            breaches.append(f"{page} {figures[page]['queries']} queries > {QUERY_BUDGET[budget]}")
    if figures["agenda"]["queries"] != figures["agenda_page_2"]["queries"]:
        breaches.append("agenda pages 1 and 2 run different numbers of queries")
    if figures["minutes_pdf"]["max_s"] > pdf_s:
        breaches.append(f"minutes PDF {figures['minutes_pdf']['max_s']} s > {pdf_s:.0f}")
    if not 0 < figures["minutes_pdf"]["pages"] < 10:
        breaches.append(f"minutes PDF has {figures['minutes_pdf']['pages']} pages")
    return breaches
