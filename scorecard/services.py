"""The scorecard's writes: loading targets and benchmarks, and editing and publishing the
committee report.

Reads (the scorecard rows, snapshots, trends, targets in force) are in `scorecard/queries.py`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casework.reporting import reporting_date
from scorecard.measures import registry
from scorecard.measures.base import COUNCIL, MeasureScope
from scorecard.models import (
    Benchmark,
    CommitteeReport,
    MeasureTarget,
    ReportRender,
    ReportVersion,
)
from scorecard.pack import pdf_bytes, render_report
from scorecard.periods import Quarter
from scorecard.queries import scope_key, scorecard_measures, snapshot_results
from scorecard.report import Cover, Report, build_report
from scorecard.report_files import report_docx, report_xlsx

# --- Targets and benchmarks: loading -----------------------------------------------------------

SEED_CSV = Path(__file__).resolve().parent / "data" / "seed-scorecard-2018-q2.csv"
# The seed's targets and benchmarks are those published in the Q2 2018/19 scorecard, so they are
# in force from the start of that financial year.
SEED_EFFECTIVE_FROM = date(2018, 4, 1)
SEED_BENCHMARK_PERIOD = "As reported, Q2 2018/19"


@dataclass(frozen=True)
class LoadCounts:
    targets: int
    benchmarks: int


def targets_load_seed(
    path: Path = SEED_CSV, *, effective_from: date = SEED_EFFECTIVE_FROM
) -> LoadCounts:
    """Load target, tolerance, polarity and benchmark from the seed CSV. Idempotent: rows are
    keyed by (code, effective_from) and (code, label, effective_from) and updated in place."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    targets = benchmarks = 0
    with transaction.atomic():
        for row in rows:
            code = row["code"].strip()
            if row.get("target", "").strip():
                MeasureTarget.objects.update_or_create(
                    code=code,
                    effective_from=effective_from,
                    defaults={
                        "target": Decimal(row["target"]),
                        "tolerance": Decimal(row["tolerance"])
                        if row["tolerance"].strip()
                        else None,
                        "better": row.get("better", "").strip(),
                        "note": "Seed: Q2 2018/19 scorecard",
                    },
                )
                targets += 1
            if row.get("benchmark", "").strip():
                Benchmark.objects.update_or_create(
                    code=code,
                    label=row["benchmark_label"].strip() or "Benchmark",
                    effective_from=effective_from,
                    defaults={
                        "period": SEED_BENCHMARK_PERIOD,
                        "value": Decimal(row["benchmark"]),
                        "source": "Seed: Q2 2018/19 scorecard",
                    },
                )
                benchmarks += 1
    return LoadCounts(targets, benchmarks)


BENCHMARK_COLUMNS = ("code", "label", "period", "value")


@dataclass(frozen=True)
class ImportResult:
    written: int
    errors: list[str]


def benchmarks_import(
    text: str, *, default_effective_from: date | None = None, source: str = ""
) -> ImportResult:
    """Import benchmarks from CSV text (columns code,label,period,value[,effective_from]). The
    whole file is validated first; any error (listed by row number, the header being row 1)
    means nothing is written. Rows already present for (code, label, effective_from) are
    updated, so importing a file twice changes nothing."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in BENCHMARK_COLUMNS if name not in header]
    if missing:
        return ImportResult(0, [f"Row 1: missing column(s): {', '.join(missing)}"])
    known = {m.code for m in registry.all_measures()}
    default_from = default_effective_from or reporting_date()
    errors: list[str] = []
    parsed: dict[tuple[str, str, date], tuple[str, Decimal]] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        problems = []
        code, label, period = row.get("code", ""), row.get("label", ""), row.get("period", "")
        if not code:
            problems.append("code is empty")
        elif code not in known:
            problems.append(f"unknown measure code {code!r}")
        if not label:
            problems.append("label is empty")
        if not period:
            problems.append("period is empty")
        try:
            value = Decimal(row.get("value", ""))
            if not value.is_finite():
                raise ArithmeticError
        except (ArithmeticError, ValueError):
            problems.append(f"value {row.get('value', '')!r} is not a number")
            value = Decimal(0)
        effective_text = row.get("effective_from", "")
        try:
            effective = date.fromisoformat(effective_text) if effective_text else default_from
        except ValueError:
            problems.append(f"effective_from {effective_text!r} is not a date (YYYY-MM-DD)")
            effective = default_from
        key = (code, label, effective)
        if not problems and key in parsed:
            problems.append(f"repeats {code} / {label} from {effective}")
        if problems:
            errors.append(f"Row {number}: " + "; ".join(problems))
        else:
            parsed[key] = (period, value)
    if errors:
        return ImportResult(0, errors)
    with transaction.atomic():
        for (code, label, effective), (period, value) in parsed.items():
            Benchmark.objects.update_or_create(
                code=code,
                label=label,
                effective_from=effective,
                defaults={"period": period, "value": value, "source": source},
            )
    return ImportResult(len(parsed), [])


# --- The committee report: edits and publishing ---------------------------------------------------


def report_for(quarter: Quarter, scope: MeasureScope) -> CommitteeReport | None:
    level, scope_id = scope_key(scope)
    return CommitteeReport.objects.filter(
        quarter=quarter.label, scope_level=level, scope_id=scope_id
    ).first()


def report_cover(saved: CommitteeReport | None) -> Cover:
    if saved is None:
        return Cover()
    return Cover(saved.meeting_date, saved.officer, saved.sponsor)


@transaction.atomic
def report_edit(
    *,
    quarter: Quarter,
    scope: MeasureScope,
    meeting_date: date | None,
    officer: str,
    sponsor: str,
    texts: Mapping[str, str],
) -> CommitteeReport:
    """Save the cover and the officer's narrative. A text the same as today's draft is no
    edit (the report keeps following the numbers); any other text is kept with the draft it
    replaced, so a later change in the numbers shows as a diff of the draft."""
    drafts = build_report(quarter, scope).drafts()
    unknown = set(texts) - set(drafts)
    if unknown:
        raise ValidationError(f"No such part of the report: {', '.join(sorted(unknown))}")
    level, scope_id = scope_key(scope)
    saved, _ = CommitteeReport.objects.select_for_update().get_or_create(
        quarter=quarter.label, scope_level=level, scope_id=scope_id
    )
    edited, edited_from = dict(saved.texts), dict(saved.drafts)
    for key, text in texts.items():
        text = text.replace("\r\n", "\n").strip()
        if not text or text == drafts[key].strip():
            edited.pop(key, None)
            edited_from.pop(key, None)
        elif text != edited.get(key):
            edited[key] = text
            edited_from[key] = drafts[key]
    saved.meeting_date = meeting_date
    saved.officer = officer.strip()
    saved.sponsor = sponsor.strip()
    saved.texts, saved.drafts = edited, edited_from
    saved.save()
    return saved


def report_working(quarter: Quarter, scope: MeasureScope) -> Report:
    """The report as it stands: today's figures with the officer's cover and edits."""
    saved = report_for(quarter, scope)
    return build_report(
        quarter, scope, cover=report_cover(saved), texts=saved.texts if saved else None
    )


@transaction.atomic
def report_publish(*, quarter: Quarter, scope: MeasureScope, user: Any) -> ReportVersion:
    """Publish the report as it stands, frozen: its figures must come from the quarter-end
    snapshot (so they can be reproduced), and the PDF, DOCX and XLSX are stored as published.
    Versions are numbered from 1; the row lock keeps two publishers from taking one number."""
    level, scope_id = scope_key(scope)
    saved, _ = CommitteeReport.objects.select_for_update().get_or_create(
        quarter=quarter.label, scope_level=level, scope_id=scope_id
    )
    report = build_report(quarter, scope, cover=report_cover(saved), texts=saved.texts)
    if not report.from_snapshot:
        raise ValidationError(
            "The quarter-end snapshot is not complete for this scope: run the rollup for "
            f"{quarter.end:%-d %B %Y} before publishing"
        )
    number = (saved.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    published_at = timezone.now()
    version = ReportVersion(
        report=saved,
        number=number,
        published_at=published_at,
        published_by=user,
        figures=[line.row.as_dict() for s in report.sections for line in s.measures],
        texts={"summary": report.summary_text, **{s.slug: s.text for s in report.sections}},
        cover={
            "meeting_date": saved.meeting_date.isoformat() if saved.meeting_date else None,
            "officer": saved.officer,
            "sponsor": saved.sponsor,
        },
    )
    version.pdf = pdf_bytes(render_report(report, version=version))
    version.docx = report_docx(report)
    version.xlsx = report_xlsx(report)
    version.save()
    return version


def report_snapshot_complete(quarter: Quarter, scope: MeasureScope) -> bool:
    """Are all the quarter's figures in the quarter-end snapshot? Then the pack renders in a
    few seconds; otherwise every measure is calculated now and it goes to a task."""
    codes = [m.code for m in scorecard_measures()]
    stored = snapshot_results(codes, scope, [quarter.end])
    return bool(codes) and len(stored) == len(codes)


def report_render_request(*, quarter: Quarter, scope: MeasureScope, user: Any) -> ReportRender:
    level, scope_id = scope_key(scope)
    return ReportRender.objects.create(
        quarter=quarter.label, scope_level=level, scope_id=scope_id, requested_by=user
    )


def _render_progress(render_id: int, progress: int, stage: str, **fields: Any) -> None:
    ReportRender.objects.filter(pk=render_id).update(progress=progress, stage=stage, **fields)


def report_render_fail(render_id: int, error: str) -> None:
    _render_progress(render_id, 100, "Failed", status=ReportRender.Status.FAILED, error=error)


def report_render_run(render_id: int) -> None:
    """Render a requested pack, saying how far it has got at each stage. Safe to run twice: a
    finished render is left as it is."""
    render = ReportRender.objects.filter(pk=render_id).exclude(status=ReportRender.Status.DONE)
    found = render.first()
    if found is None:
        return
    quarter = Quarter.parse(found.quarter)
    scope = (
        COUNCIL
        if found.scope_level == "council"
        else MeasureScope(found.scope_level, found.scope_id)
    )
    status = ReportRender.Status
    try:
        _render_progress(render_id, 5, "Calculating the figures", status=status.RUNNING)
        report = report_working(quarter, scope)
        _render_progress(render_id, 60, "Laying out the pages")
        document = render_report(report)
        _render_progress(render_id, 85, "Writing the PDF")
        pdf = pdf_bytes(document)
    except Exception as exc:
        report_render_fail(render_id, repr(exc))
        raise
    _render_progress(
        render_id, 100, "Ready", status=status.DONE, pdf=pdf, finished_at=timezone.now()
    )
