"""Import returns and download Annex A: pages for performance officers and administrators.

Uploads go through the same pipeline as the management commands, so the report is the same."""

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.audit import record_access
from accounts.roles import Role
from casework.annex_a_export import build_lists, write_workbook
from casework.forms import GovukDateField
from casework.importers.annex_a import AnnexAImporter
from casework.importers.cin_census import CINCensusImporter
from casework.importers.common import child_ids
from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.importers.ssda903_stored import (
    CHECKED,
    EXPORT_HEADER,
    HistoryProblem,
    export_rows,
    rule_counts,
    stored_history_problems,
)
from casework.models import CareEpisode, ImportRun, OpenEpisodeDecision, QuarantinedRecord
from casework.reporting import long_date, reporting_date
from casework.scope import children_visible_to
from casework.services import open_episode_decide
from common.exports import csv_response, xlsx_response

ALLOWED = {Role.PERFORMANCE_OFFICER, Role.ADMINISTRATOR}
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
IMPORTERS = {
    ImportRun.Kind.CIN_CENSUS: (CINCensusImporter, {".xml"}),
    ImportRun.Kind.SSDA903: (SSDA903Importer, {".csv"}),
    ImportRun.Kind.ANNEX_A: (AnnexAImporter, {".xlsx"}),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if not data and self.required:
            # An empty list passes the loop below: "required" must be checked here.
            raise ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which return",
        choices=ImportRun.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which return you are importing"},
    )
    # Declared fields leave the class attributes (form.files is still the upload dict).
    files = MultipleFileField(  # type: ignore[assignment]
        label="Files",
        help_text="CIN census: .xml. SSDA903: the .csv tables (several years: oldest first). "
        "Annex A: the .xlsx workbook.",
        error_messages={"required": "Select the files of the return", "empty": "The file is empty"},
    )
    la_code = forms.CharField(
        label="Council's LA code (SSDA903 only)",
        help_text="As the return's PL_LA column gives it, for example E10000013",
        required=False,
        max_length=9,
    )
    as_at = GovukDateField(
        what="Annex A snapshot date",
        label="Annex A snapshot date (Annex A only)",
        help_text="The date the lists were run, for example 30 9 2018. Allocations start then.",
        required=False,
    )
    quarantine = forms.BooleanField(
        label="Load the valid records and quarantine the invalid ones for review",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, files = data.get("kind"), data.get("files") or []
        if kind:
            allowed = IMPORTERS[kind][1]
            for upload in files:
                if Path(upload.name).suffix.lower() not in allowed:
                    self.add_error("files", f"{upload.name} is not a {' or '.join(allowed)} file.")
                if upload.size > MAX_UPLOAD_BYTES:
                    self.add_error("files", f"{upload.name} is larger than 200 MB.")
        return data


class AnnexAForm(forms.Form):
    as_at = GovukDateField(
        what="date the lists are as at",
        label="As at",
        help_text="For example, 30 9 2018. The lists cover the six months to this date.",
    )

    def clean_as_at(self) -> date:
        as_at = self.cleaned_data["as_at"]
        today = reporting_date()
        if as_at > today:
            raise forms.ValidationError(
                f"The date must be today or in the past (today is {long_date(today)})"
            )
        return as_at


def _require_officer(request: HttpRequest) -> None:
    if getattr(request.user, "role", None) not in ALLOWED:
        # Annex A is child-level data: a refused attempt is audited like any other.
        record_access(request, action="refused", status_code=404)
        raise Http404("Not found")


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        importer_class = IMPORTERS[kind][0]
        if kind == ImportRun.Kind.SSDA903:
            importer = importer_class(la_code=form.cleaned_data["la_code"] or None)
        elif kind == ImportRun.Kind.ANNEX_A:
            importer = importer_class(as_at=form.cleaned_data["as_at"])
        else:
            importer = importer_class()
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for n, upload in enumerate(form.cleaned_data["files"]):
                # Keep the uploaded order (oldest return first) and a safe file name.
                path = Path(folder) / f"{n:03d}-{Path(upload.name).name}"
                with path.open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                paths.append(path)
            result = run_import(
                importer, paths, user=request.user, quarantine=form.cleaned_data["quarantine"]
            )
        run = result.run
        # Success banner for a load; a rejected file is a result too, shown on the report itself.
        if run.outcome != ImportRun.Outcome.REJECTED:
            messages.success(
                request, f"{run.get_kind_display()} imported: {run.get_outcome_display()}"
            )
        return redirect("import_report", pk=run.pk)
    runs = ImportRun.objects.select_related("user").order_by("-started_at")[:20]
    return render(request, "imports/imports.html", {"form": form, "runs": runs})


def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    run = get_object_or_404(ImportRun, pk=pk)
    page = Paginator(run.errors, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/report.html",
        {
            "run": run,
            "page": page,
            "counts": sorted(run.counts.items()),
            "history": _history_summary(run),
            **_left_out_summary(run),
        },
    )


def _left_out_summary(run: ImportRun) -> dict[str, Any]:
    """What the import did not load and what that does to the headline figure: rows
    quarantined by table, SSDA903 episodes held out of the history (overlapping pairs), and for
    each return's 31 March the children in care counted and those left out of the count."""
    quarantined = list(
        QuarantinedRecord.objects.filter(import_run=run)
        .values_list("table")
        .annotate(n=Count("pk"))
        .order_by("table")
    )
    episodes = run.counts.get("episodes") if run.kind == ImportRun.Kind.SSDA903 else None
    held = episodes.get("held (overlapping)", 0) if isinstance(episodes, dict) else 0
    left = run.counts.get("left out at 31 March") or {}
    counted = run.counts.get("children in care at 31 March") or {}
    years = sorted(set(left) | set(counted))
    return {
        "quarantined": quarantined,
        "quarantined_total": sum(n for _, n in quarantined),
        "held": held,
        "warnings": sum(1 for e in run.errors if e.get("severity") == "warning"),
        "left_out": [(year, left.get(year, 0), counted.get(year)) for year in years],
    }


def _history_summary(run: ImportRun) -> dict[str, int] | None:
    episodes = run.counts.get("episodes") if run.kind == ImportRun.Kind.SSDA903 else None
    if not isinstance(episodes, dict) or not episodes.get("open episodes no longer reported"):
        return None
    return {
        "missing": episodes["open episodes no longer reported"],
        "pending": episodes.get("of which still to decide", 0),
    }


def import_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    run = get_object_or_404(ImportRun, pk=pk)
    rows = [
        [
            e.get("code", ""),
            e.get("severity", "error"),
            e.get("child", ""),
            e["file"],
            e["row"],
            e["field"],
            e["message"],
        ]
        for e in run.errors
    ]
    return csv_response(
        f"import-{run.pk}-report.csv",
        ["Rule", "Severity", "Child", "File", "Row", "Field", "Problem"],
        rows,
    )


def annex_a(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    form = AnnexAForm(request.GET or None, initial={"as_at": reporting_date()})
    if request.GET and form.is_valid():
        as_at: date = form.cleaned_data["as_at"]
        lists = build_lists(as_at)
        la_ids = {str(row[0]) for number, rows in lists.items() if number <= 10 for row in rows}
        record_access(
            request,
            action="export",
            child_ids=sorted(child_ids(la_ids).values()),
            count=sum(len(rows) for rows in lists.values()),
            filters={"annex_a_as_at": as_at.isoformat()},
        )
        response = HttpResponse(
            write_workbook(as_at, lists),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="annex-a-{as_at.isoformat()}.xlsx"'
        return response
    return render(request, "imports/annex_a.html", {"form": form})


def open_episodes(request: HttpRequest) -> HttpResponse:
    """Episodes open at the end of the last return that reported them and missing from a later
    return, each with the choice recorded for it."""
    _require_officer(request)
    decisions = list(
        OpenEpisodeDecision.objects.select_related("child", "decided_by").order_by(
            "last_reported_year", "child__la_child_id", "start_date"
        )
    )
    episodes = {
        (e.child_id, e.start_date): e
        for e in CareEpisode.objects.filter(
            child_id__in={d.child_id for d in decisions}, end_inferred=True
        )
    }
    rows = [(d, episodes.get((d.child_id, d.start_date))) for d in decisions]
    record_access(request, action="view", child_ids=sorted({d.child_id for d in decisions}))
    return render(
        request,
        "imports/open_episodes.html",
        {"rows": rows, "pending": sum(d.choice == d.Choice.PENDING for d in decisions)},
    )


@require_http_methods(["POST"])
def open_episode_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    decision = get_object_or_404(OpenEpisodeDecision, pk=pk)
    record_access(request, action="change", child_ids=[decision.child_id])
    try:
        open_episode_decide(
            decision=decision, choice=request.POST.get("choice", ""), user=request.user
        )
    except ValidationError as exc:
        for message in exc.message_dict.get("choice", []):
            messages.error(request, f"Child {decision.child.la_child_id}: {message}")
    else:
        decision.refresh_from_db()
        messages.success(
            request,
            f"Child {decision.child.la_child_id}, episode from {decision.start_date:%-d %B %Y}: "
            f"{decision.get_choice_display().lower()}",
        )
    return redirect("open_episodes")


def _history_problems(request: HttpRequest) -> tuple[list[HistoryProblem], str]:
    """The stored history's problems for the children this user may see, and the rule asked for
    (all rules when none or an unknown one is asked for)."""
    problems = stored_history_problems(children=children_visible_to(request.user))
    rule = request.GET.get("rule", "")
    return problems, rule if rule in CHECKED else ""


def ssda903_checks(request: HttpRequest) -> HttpResponse:
    """The DfE's SSDA903 rules run now against the stored history: each problem by rule,
    severity, child, return, row and field, so the officer corrects them before submission."""
    _require_officer(request)
    problems, rule = _history_problems(request)
    shown = [p for p in problems if p.code == rule] if rule else problems
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    record_access(
        request,
        action="view",
        child_ids=sorted({p.child_pk for p in page}),
        count=len(page),
        filters={"rule": rule} if rule else {},
    )
    return render(
        request,
        "imports/ssda903_checks.html",
        {
            "counts": rule_counts(problems),
            "total": len(problems),
            "errors": sum(p.severity == "error" for p in problems),
            "rule": rule,
            "page": page,
        },
    )


def ssda903_checks_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_officer(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Not found")
    problems, rule = _history_problems(request)
    if rule:
        problems = [p for p in problems if p.code == rule]
    record_access(
        request,
        action="export",
        child_ids=sorted({p.child_pk for p in problems}),
        count=len(problems),
        filters={"format": fmt, **({"rule": rule} if rule else {})},
    )
    name = f"ssda903-checks-{reporting_date().isoformat()}{'-' + rule if rule else ''}.{fmt}"
    if fmt == "csv":
        return csv_response(name, EXPORT_HEADER, export_rows(problems))
    return xlsx_response(name, EXPORT_HEADER, export_rows(problems), sheet_title="SSDA903 checks")
