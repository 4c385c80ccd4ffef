"""Measure import throughput end to end (parse, validate, load, commit) on synthetic returns,
against the floor: a plain bulk_create of the same rows into the same tables, run alternately in
the same invocation (goal G10: at least 0.25x the floor's rows/s, peak memory 1 GB).

Every run is a forked process on an emptied case record, so each has its own peak RSS
(`wait4`) and starts from the same tables. The command empties the case tables: it refuses a
database holding any child it did not generate."""

import json
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, transaction

from casework.calendar import add_months
from casework.importers.cin_census import CINCensusImporter
from casework.importers.common import import_team, sex_code
from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.importers.synthetic import cin_children, write_903, write_cin_census
from casework.models import (
    Assessment,
    CareEpisode,
    CareReview,
    Child,
    CINPlan,
    CPPlan,
    CPReview,
    ImportRun,
    InitialConference,
    Involvement,
    QuarantinedRecord,
    Referral,
    Section47,
)

GOAL_RATIO = 0.25
GOAL_RSS_MB = 1024
SYNTHETIC_PREFIXES = ("SYN", "CIN")
# Children last: every other table points at them.
CASE_TABLES = [
    CPReview,
    InitialConference,
    CPPlan,
    Section47,
    CINPlan,
    Assessment,
    Referral,
    CareEpisode,
    CareReview,
    Involvement,
    Child,
    QuarantinedRecord,
    ImportRun,
]


def _server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend, when the server is on this host."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(work: Callable[[], int]) -> dict[str, Any]:
    server = _server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    rows = work()
    wall = time.perf_counter() - started
    after = _server_cpu()
    return {
        "rows": rows,
        "seconds": wall,
        "rows_per_s": rows / wall,
        "python_cpu_s": time.process_time() - cpu,
        "server_cpu_s": None if server is None or after is None else after - server,
    }


def _in_child(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run `work` in a forked process; its result plus the process's own peak RSS."""
    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read)
        status = 0
        try:
            payload = work()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            payload, status = {"error": f"{type(exc).__name__}: {exc}"}, 1
        with os.fdopen(write, "w") as out:
            json.dump(payload, out)
        os._exit(status)
    os.close(write)
    with os.fdopen(read) as source:
        payload = json.loads(source.read() or "{}")
    _, _, usage = os.wait4(pid, 0)
    if "error" in payload:
        raise CommandError(payload["error"])
    payload["peak_rss_mb"] = usage.ru_maxrss / 1024
    return payload


def _empty_case_tables() -> None:
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in CASE_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names} CASCADE")
    else:
        for model in CASE_TABLES:
            model.objects.all()._raw_delete(model.objects.db)  # type: ignore[attr-defined]


def _created(counts: dict[str, Any]) -> int:
    return sum(c.get("created", 0) for c in counts.values() if isinstance(c, dict))


# --- SSDA903 ------------------------------------------------------------------------------------


def _import_903(folder: Path) -> dict[str, Any]:
    def work() -> int:
        result = run_import(SSDA903Importer(la_code="916"), [folder])
        if result.run.outcome != ImportRun.Outcome.LOADED:
            raise CommandError(f"903 import: {result.report_lines()[:5]}")
        return _created(result.run.counts)

    return _timed(work)


def _bulk_create_903(folder: Path, batch_size: int) -> dict[str, Any]:
    """The same children and episodes the importer writes, through bulk_create; the values
    come from the importer's own parse so they are identical, and are prepared before the
    clock starts."""
    importer = SSDA903Importer(la_code="916")
    records = importer.parse([folder])
    children = [
        Child(
            la_child_id=r.data["CHILD"],
            sex=sex_code(r.data["SEX"]) or Child.Sex.UNKNOWN,
            date_of_birth=r.data["DOB"],
            ethnicity=r.data["ETHNIC"][:4],
            upn=r.data["UPN"][:13],
        )
        for r in records
        if r.table == "header"
    ]
    episodes = [
        (r.data["CHILD"], CareEpisode(**importer._episode_row(0, r.data)))
        for r in records
        if r.table == "episodes"
    ]
    del records

    def work() -> int:
        with transaction.atomic():
            Child.objects.bulk_create(children, batch_size=batch_size)
            pk = {c.la_child_id: c.pk for c in children}
            for la_id, episode in episodes:
                episode.child_id = pk[la_id]
            CareEpisode.objects.bulk_create([e for _, e in episodes], batch_size=batch_size)
        return len(children) + len(episodes)

    return _timed(work)


# --- CIN census ---------------------------------------------------------------------------------


def _import_cin(path: Path) -> dict[str, Any]:
    def work() -> int:
        result = run_import(CINCensusImporter(), [path])
        if result.run.outcome != ImportRun.Outcome.LOADED:
            raise CommandError(f"CIN census import: {result.report_lines()[:5]}")
        return _created(result.run.counts)

    return _timed(work)


def _bulk_create_cin(children: int, batch_size: int) -> dict[str, Any]:
    """The rows the CIN census importer writes for the same synthetic children (same seed),
    prepared before the clock starts; inside it only bulk_create and setting foreign keys."""
    team = import_team()
    kids: list[Child] = []
    referrals: list[tuple[Child, Referral]] = []
    assessments: list[tuple[Child, Referral, Any]] = []
    cin_plans: list[tuple[Child, Referral, Any]] = []
    s47s: list[tuple[Child, Referral, Any]] = []
    plans: list[tuple[Child, Referral, Any]] = []
    icpcs: list[tuple[Child, Referral, Section47, InitialConference]] = []
    reviews: list[tuple[Child, CPPlan, CPReview]] = []
    for source in cin_children(children):
        child = Child(
            la_child_id=source.la_id, date_of_birth=source.birth, sex=source.sex, ethnicity="WBRI"
        )
        kids.append(child)
        for r in source.referrals:
            referral = Referral(
                referral_date=r.referral_date,
                source=r.source,
                primary_need=r.need,
                closure_date=r.closure,
                closure_reason=r.reason,
                team=team,
            )
            referrals.append((child, referral))
            if r.assessment:
                assessments.append(
                    (
                        child,
                        referral,
                        Assessment(
                            start_date=r.assessment[0],
                            authorised_date=r.assessment[1],
                            factors="2A",
                        ),
                    )
                )
            if r.cin_plan:
                cin_plans.append(
                    (child, referral, CINPlan(start_date=r.cin_plan.start, end_date=r.cin_plan.end))
                )
            if r.section47:
                s47 = Section47(start_date=r.section47.start, icpc_target_date=r.section47.target)
                s47s.append((child, referral, s47))
                if r.section47.icpc:
                    conference = InitialConference(
                        date=r.section47.icpc, plan_made=r.cp_plan is not None
                    )
                    icpcs.append((child, referral, s47, conference))
            if r.cp_plan:
                plan = CPPlan(
                    start_date=r.cp_plan.start,
                    end_date=r.cp_plan.end,
                    initial_category=r.cp_plan.category,
                    latest_category=r.cp_plan.category,
                )
                plans.append((child, referral, plan))
                due = add_months(r.cp_plan.start, 3)
                for held in r.cp_plan.reviews:
                    reviews.append((child, plan, CPReview(due_date=due, held_date=held)))
                    due = add_months(held, 6)

    def work() -> int:
        with transaction.atomic():
            Child.objects.bulk_create(kids, batch_size=batch_size)
            for child, referral in referrals:
                referral.child_id = child.pk
            Referral.objects.bulk_create([r for _, r in referrals], batch_size=batch_size)
            for table in (assessments, cin_plans, s47s, plans):
                for child, referral, row in table:
                    row.child_id, row.referral_id = child.pk, referral.pk
                type(table[0][2]).objects.bulk_create(
                    [row for _, _, row in table], batch_size=batch_size
                )
            for child, referral, s47, conference in icpcs:
                conference.child_id = child.pk
                conference.referral_id, conference.section47_id = referral.pk, s47.pk
            InitialConference.objects.bulk_create([c for *_, c in icpcs], batch_size=batch_size)
            for child, plan, review in reviews:
                review.child_id, review.cp_plan_id = child.pk, plan.pk
            CPReview.objects.bulk_create([r for *_, r in reviews], batch_size=batch_size)
        return sum(
            len(t) for t in (kids, referrals, assessments, cin_plans, s47s, icpcs, plans, reviews)
        )

    return _timed(work)


# --- the command --------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Import synthetic SSDA903 and CIN census returns end to end and bulk_create the same rows, "
        "alternately; print rows/s, CPU and peak RSS of each and the ratio to the floor (G10). "
        "Empties the case tables: run it on a scratch database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--episodes", type=int, default=100_000, help="903 episodes")
        parser.add_argument(
            "--cin-children",
            type=int,
            default=140_000,
            help="children in the CIN census file (140,000: the L tier's 198,000 referrals)",
        )
        parser.add_argument("--kinds", nargs="+", choices=["903", "cin"], default=["903", "cin"])
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--batch-size", type=int, default=1000, help="bulk_create batches")
        parser.add_argument("--out", type=Path, help="write every run and the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        others = Child.objects.exclude(la_child_id__startswith=SYNTHETIC_PREFIXES[0]).exclude(
            la_child_id__startswith=SYNTHETIC_PREFIXES[1]
        )
        if others.exists():
            raise CommandError(
                "bench_import empties the case tables; this database holds children it did not "
                "generate. Run it on a scratch database (DATABASE_URL)."
            )
        load = os.getloadavg()
        report: dict[str, Any] = {
            "date": date.today().isoformat(),
            "database": connection.vendor,
            "cpus": os.cpu_count(),
            "load_average_at_start": load,
            "kinds": {},
        }
        self.stdout.write(
            f"{connection.vendor}, {os.cpu_count()} CPUs, load average {load[0]:.1f} at start"
        )
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for kind in options["kinds"]:
                importer: Callable[[], dict[str, Any]]
                floor: Callable[[], dict[str, Any]]
                if kind == "903":
                    source = write_903(folder / "903", options["episodes"])
                    label = f"SSDA903, {options['episodes']:,} episodes"
                    importer = partial(_import_903, source)
                    floor = partial(_bulk_create_903, source, options["batch_size"])
                else:
                    children = options["cin_children"]
                    source = write_cin_census(folder / "cin.xml", children)
                    label = f"CIN census, {children:,} children ({source.stat().st_size:,} bytes)"
                    importer = partial(_import_cin, source)
                    floor = partial(_bulk_create_cin, children, options["batch_size"])
                report["kinds"][kind] = self._compare(label, importer, floor, options["repeat"])
        _empty_case_tables()
        report["peak_rss_parent_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if options["out"]:
            options["out"].write_text(json.dumps(report, indent=2, default=str))
        failed = [k for k, v in report["kinds"].items() if not v["pass"]]
        if failed:
            raise CommandError(f"G10 breached for {', '.join(failed)}")

    def _compare(
        self,
        label: str,
        importer: Callable[[], dict[str, Any]],
        floor: Callable[[], dict[str, Any]],
        repeat: int,
    ) -> dict[str, Any]:
        self.stdout.write(label)
        runs: dict[str, list[dict[str, Any]]] = {"import": [], "bulk_create": []}
        for n in range(1, repeat + 1):
            for name, work in (("import", importer), ("bulk_create", floor)):
                _empty_case_tables()
                run = _in_child(work)
                run["load_average"] = os.getloadavg()[0]
                runs[name].append(run)
                server = run["server_cpu_s"]
                self.stdout.write(
                    f"  {n} {name:11} {run['rows']:>9,} rows {run['seconds']:7.2f} s "
                    f"{run['rows_per_s']:>9,.0f} rows/s  Python CPU {run['python_cpu_s']:5.2f} s"
                    + (f"  server CPU {server:5.2f} s" if server is not None else "")
                    + f"  peak RSS {run['peak_rss_mb']:,.0f} MB  load {run['load_average']:.1f}"
                )
        summary: dict[str, Any] = {"runs": runs}
        for name, items in runs.items():
            rates = sorted(r["rows_per_s"] for r in items)
            summary[name] = {
                "rows": items[0]["rows"],
                "rows_per_s": {
                    "min": rates[0],
                    "median": statistics.median(rates),
                    "max": rates[-1],
                },
                "peak_rss_mb": max(r["peak_rss_mb"] for r in items),
            }
        ratio = (
            summary["import"]["rows_per_s"]["median"]
            / summary["bulk_create"]["rows_per_s"]["median"]
        )
        rss = summary["import"]["peak_rss_mb"]
        summary["ratio"] = ratio
        summary["pass"] = ratio >= GOAL_RATIO and rss <= GOAL_RSS_MB
        for name in runs:
            r = summary[name]["rows_per_s"]
            self.stdout.write(
                f"  {name:11} rows/s min/median/max {r['min']:,.0f} / {r['median']:,.0f} / "
                f"{r['max']:,.0f}; peak RSS {summary[name]['peak_rss_mb']:,.0f} MB"
            )
        self.stdout.write(
            f"  G10: import/bulk_create {ratio:.2f} (goal >= {GOAL_RATIO}), import peak RSS "
            f"{rss:,.0f} MB (goal <= {GOAL_RSS_MB:,}): {'pass' if summary['pass'] else 'BREACH'}"
        )
        return summary
