"""Scorecard pages: the quarterly scorecard, drill-downs to the children behind each number, the
charts, the exports and the committee pack.

Aggregates (the scorecard, charts, scorecard exports, the pack) are for every role. Child-level
pages (drill-downs and their exports) are for child-level roles only, for a scope the user's own
scope covers, and always filtered again by `scope_for(user)`: anything else answers 404.
Reads are in `scorecard/queries.py`, page assembly in `scorecard/presenter.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import record_access
from accounts.roles import CHILD_LEVEL_ROLES, Role
from casework.models import Worker
from casework.reporting import reporting_date
from casework.scope import Scope, scope_for
from scorecard import narrative, queries, services, tasks
from scorecard.exports import csv_response, xlsx_response
from scorecard.forms import ReportEditForm
from scorecard.measures import registry
from scorecard.measures.base import COUNCIL, Measure, MeasureScope, Period, Unit
from scorecard.models import ReportRender
from scorecard.pack import pdf_bytes, pdf_response, render_report
from scorecard.periods import Quarter, latest_complete_quarter, measure_period
from scorecard.presenter import (
    SCORECARD_HEADER,
    build_sections,
    drill_links,
    drilldown_url,
    quarter_choices,
    report_charts,
    scope_label,
    scope_value,
    scorecard_export_rows,
    scorecard_figures,
    scorecard_page_figures,
)
from scorecard.report_files import report_docx, report_xlsx
from scorecard.tables import DrilldownTable

PER_PAGE = 50
COHORTS = ("numerator", "denominator", "failing")


# --- Request parsing ---------------------------------------------------------------------------


def _quarter_or_404(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError:
        raise Http404("No such quarter") from None


def _measure_or_404(code: str) -> Measure:
    try:
        return registry.get(code)
    except KeyError:
        raise Http404("No such measure") from None


def default_scope(user: Any) -> MeasureScope:
    """Where a user's scorecard opens: their own team, area or caseload, else the council."""
    role = getattr(user, "role", None)
    worker: Worker | None = getattr(user, "worker", None)
    if role == Role.HEAD_OF_SERVICE:
        area_id = user.service_area_id or (worker.team.service_area_id if worker else None)
        if area_id:
            return MeasureScope("service_area", area_id)
    if role == Role.TEAM_MANAGER and worker is not None:
        return MeasureScope("team", worker.team_id)
    if role == Role.SOCIAL_WORKER and worker is not None:
        return MeasureScope("worker", worker.pk)
    return COUNCIL


def parse_scope(text: str | None, user: Any, user_scope: Scope) -> MeasureScope:
    """A scope from the query string. Council, service areas and teams are open to everyone for
    aggregates; a worker's figures only to those whose scope covers that worker."""
    if not text:
        return default_scope(user)
    if text == "council":
        return COUNCIL
    level, _, raw_pk = text.partition(":")
    try:
        pk = int(raw_pk)
    except ValueError:
        raise Http404("No such scope") from None
    if not queries.scope_exists(level, pk):
        raise Http404("No such scope")
    scope = MeasureScope(level, pk)
    if level == "worker" and not queries.covers(user_scope, scope):
        raise Http404("No such scope")
    return scope


def can_see_children(user: Any, user_scope: Scope) -> bool:
    return getattr(user, "role", None) in CHILD_LEVEL_ROLES and not user_scope.is_empty


def render_page_or_fragment(
    request: HttpRequest, template: str, fragment: str, context: dict[str, Any]
) -> TemplateResponse:
    """The one place that decides page or fragment: htmx requests get the named partial."""
    name = f"{template}#{fragment}" if getattr(request, "htmx", False) else template
    response = TemplateResponse(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def scorecard_current(request: HttpRequest) -> HttpResponse:
    """/scorecard/ opens the latest complete quarter; the picker form also lands here with
    `quarter`, `scope` and `view` and is redirected to the page it chose."""
    quarter = latest_complete_quarter(reporting_date())
    chosen = request.GET.get("quarter")
    if chosen:
        quarter = _quarter_or_404(chosen)
    views = {"charts": "scorecard:charts", "report": "scorecard:report"}
    view_name = views.get(request.GET.get("view") or "", "scorecard:quarter")
    url = reverse(view_name, args=[quarter.label])
    scope = request.GET.get("scope")
    return redirect(f"{url}?{urlencode({'scope': scope})}" if scope else url)


@require_GET
def scorecard_page(request: HttpRequest, quarter: str) -> HttpResponse:
    q = _quarter_or_404(quarter)
    user_scope = scope_for(request.user)
    scope = parse_scope(request.GET.get("scope"), request.user, user_scope)
    drill = can_see_children(request.user, user_scope) and queries.covers(user_scope, scope)
    rows, from_snapshot, trend_quarters, trend_values, missing = scorecard_page_figures(q, scope)
    sections = build_sections(
        rows, q, scope, drill=drill, trend_values=trend_values, trend_quarters=trend_quarters
    )
    options = queries.scope_options(request.user, user_scope)
    context = {
        "quarter": q,
        "scope": scope,
        "scope_value": scope_value(scope),
        "scope_label": scope_label(scope, options),
        "scope_options": options,
        "quarter_choices": quarter_choices(q),
        "sections": sections,
        "drill": drill,
        "missing_nights": missing,
        "from_snapshot": from_snapshot,
        "can_see_children": can_see_children(request.user, user_scope),
        "view_name": "scorecard",
    }
    return render_page_or_fragment(request, "scorecard/scorecard.html", "scorecard", context)


# --- Charts ------------------------------------------------------------------------------------


@require_GET
def charts_page(request: HttpRequest, quarter: str) -> HttpResponse:
    q = _quarter_or_404(quarter)
    user_scope = scope_for(request.user)
    scope = parse_scope(request.GET.get("scope"), request.user, user_scope)
    context = {
        "quarter": q,
        "scope": scope,
        "scope_value": scope_value(scope),
        "scope_label": scope_label(scope),
        "scope_options": queries.scope_options(request.user, user_scope),
        "quarter_choices": quarter_choices(q),
        "charts": report_charts(q, scope),
        "view_name": "charts",
    }
    return render_page_or_fragment(request, "scorecard/charts.html", "charts", context)


# --- Scorecard exports and the committee pack -----------------------------------------------


@require_GET
def scorecard_export(request: HttpRequest, quarter: str, fmt: str) -> HttpResponse:
    q = _quarter_or_404(quarter)
    scope = parse_scope(request.GET.get("scope"), request.user, scope_for(request.user))
    rows = scorecard_export_rows(scorecard_figures(q, scope)[0])
    name = f"scorecard-{q.label}-{scope_value(scope).replace(':', '-')}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", SCORECARD_HEADER, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", SCORECARD_HEADER, rows, sheet_title=q.title)
    raise Http404("No such format")


# --- The committee report ----------------------------------------------------------------------


def _report_request(request: HttpRequest, quarter: str) -> tuple[Quarter, MeasureScope, Scope]:
    q = _quarter_or_404(quarter)
    user_scope = scope_for(request.user)
    scope = parse_scope(request.GET.get("scope") or "council", request.user, user_scope)
    return q, scope, user_scope


EDITORS = {Role.PERFORMANCE_OFFICER, Role.ADMINISTRATOR}


def _can_edit_report(user: Any) -> bool:
    return getattr(user, "role", None) in EDITORS


def _report_context(request: HttpRequest, q: Quarter, scope: MeasureScope, user_scope: Scope):
    options = queries.scope_options(request.user, user_scope)
    saved = services.report_for(q, scope)
    return {
        "quarter": q,
        "scope": scope,
        "scope_value": scope_value(scope),
        "scope_label": scope_label(scope, options),
        "scope_options": options,
        "quarter_choices": quarter_choices(q),
        "view_name": "report",
        "saved": saved,
        "versions": list(saved.versions.select_related("published_by")) if saved else [],
        "can_edit": _can_edit_report(request.user),
        "version_formats": [("pdf", "PDF"), ("docx", "Word"), ("xlsx", "XLSX")],
    }


@require_GET
def report_page(request: HttpRequest, quarter: str) -> HttpResponse:
    """The committee report for a quarter and scope as it stands: today's figures with the
    officer's cover and edits. The preview before publishing, and the published versions."""
    q, scope, user_scope = _report_request(request, quarter)
    context = _report_context(request, q, scope, user_scope)
    context["report"] = services.report_working(q, scope)
    return TemplateResponse(request, "scorecard/report.html", context)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, quarter: str) -> HttpResponse:
    """The performance officer's edit of the cover and narrative, each part beside its draft
    and, when the numbers have moved since the edit, the draft's changes."""
    q, scope, user_scope = _report_request(request, quarter)
    if not _can_edit_report(request.user):
        raise Http404("No such page")
    context = _report_context(request, q, scope, user_scope)
    report = services.report_working(q, scope)
    saved = context["saved"]
    parts = [("summary", "Summary of key performance")] + [
        (s.slug, s.title) for s in report.sections
    ]
    drafts = report.drafts()
    initial: dict[str, Any] = {
        f"text_{key}": (saved.texts.get(key) if saved else "") or drafts[key] for key, _ in parts
    }
    if saved:
        initial.update(
            meeting_date=saved.meeting_date, officer=saved.officer, sponsor=saved.sponsor
        )
    form = ReportEditForm(request.POST or None, initial=initial, parts=parts)
    if request.method == "POST" and form.is_valid():
        services.report_edit(
            quarter=q,
            scope=scope,
            meeting_date=form.cleaned_data["meeting_date"],
            officer=form.cleaned_data["officer"],
            sponsor=form.cleaned_data["sponsor"],
            texts=form.texts(),
        )
        messages.success(request, "Report saved. This is the preview of the report as it stands.")
        return redirect(_report_url(q, scope))
    context.update(
        form=form,
        report=report,
        parts=[
            {
                "key": key,
                "field": form[f"text_{key}"],
                "draft": drafts[key],
                "edited": bool(saved and key in saved.texts),
                "moved": narrative.draft_changes(saved.drafts[key], drafts[key])
                if saved and key in saved.drafts and saved.drafts[key] != drafts[key]
                else [],
            }
            for key, _ in parts
        ],
        history=list(saved.history.select_related("history_user")[:50]) if saved else [],
    )
    return TemplateResponse(request, "scorecard/report_edit.html", context)


def _report_url(q: Quarter, scope: MeasureScope) -> str:
    return f"{reverse('scorecard:report', args=[q.label])}?scope={scope_value(scope)}"


@require_POST
def report_publish(request: HttpRequest, quarter: str) -> HttpResponse:
    q, scope, _ = _report_request(request, quarter)
    if not _can_edit_report(request.user):
        raise Http404("No such page")
    try:
        version = services.report_publish(quarter=q, scope=scope, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {version.number} published")
    return redirect(_report_url(q, scope))


VERSION_FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def report_version(request: HttpRequest, quarter: str, number: int, fmt: str) -> HttpResponse:
    """A published version's file, exactly as it was published."""
    q, scope, _ = _report_request(request, quarter)
    saved = services.report_for(q, scope)
    version = saved.versions.filter(number=number).first() if saved else None
    if version is None or fmt not in VERSION_FORMATS:
        raise Http404("No such version")
    response = HttpResponse(bytes(getattr(version, fmt)), content_type=VERSION_FORMATS[fmt])
    where = scope_value(scope).replace(":", "-")
    name = f"committee-report-{q.label}-{where}-v{number}.{fmt}"
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@require_GET
def report_download(request: HttpRequest, quarter: str, fmt: str) -> HttpResponse:
    """The report as it stands (the preview), as PDF, DOCX or XLSX."""
    q, scope, user_scope = _report_request(request, quarter)
    where = scope_value(scope).replace(":", "-")
    if fmt == "pdf" and not services.report_snapshot_complete(q, scope):
        # Every figure must be calculated now (seconds on a large council): offer a task that
        # renders it, with its progress shown, rather than a request that seems to hang.
        context = {**_report_context(request, q, scope, user_scope), "render": None}
        return TemplateResponse(request, "scorecard/report_render.html", context)
    report = services.report_working(q, scope)
    if fmt == "pdf":
        document = render_report(report, base_url=request.build_absolute_uri("/"))
        return pdf_response(pdf_bytes(document), f"committee-pack-{q.label}.pdf")
    if fmt == "docx":
        body = report_docx(report)
    elif fmt == "xlsx":
        body = report_xlsx(report)
    else:
        raise Http404("No such format")
    response = HttpResponse(body, content_type=VERSION_FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="committee-report-{q.label}-{where}.{fmt}"'
    )
    return response


def _render_or_404(request: HttpRequest, number: int) -> ReportRender:
    found = ReportRender.objects.filter(pk=number, requested_by_id=request.user.pk).first()
    if found is None:
        raise Http404("No such render")
    return found


def _queue_render(render_id: int) -> None:
    """Queue the render; a broker that does not answer fails the render with a reason the
    progress page shows, rather than failing the request."""
    try:
        tasks.report_render.delay(render_id)
    except Exception as exc:
        services.report_render_fail(render_id, f"The task queue did not answer: {exc!r}")


@require_POST
def report_render_new(request: HttpRequest, quarter: str) -> HttpResponse:
    """Start rendering a pack whose figures must be calculated now."""
    q, scope, _ = _report_request(request, quarter)
    render = services.report_render_request(quarter=q, scope=scope, user=request.user)
    transaction.on_commit(partial(_queue_render, render.pk))
    url = reverse("scorecard:report_render", args=[q.label, render.pk])
    return redirect(f"{url}?scope={scope_value(scope)}")


@require_GET
def report_render(request: HttpRequest, quarter: str, number: int) -> HttpResponse:
    """How far a background render has got; htmx asks again every two seconds until done."""
    q, scope, user_scope = _report_request(request, quarter)
    render = _render_or_404(request, number)
    context = {**_report_context(request, q, scope, user_scope), "render": render}
    return render_page_or_fragment(request, "scorecard/report_render.html", "progress", context)


@require_GET
def report_render_pdf(request: HttpRequest, quarter: str, number: int) -> HttpResponse:
    q = _quarter_or_404(quarter)
    render = _render_or_404(request, number)
    if render.status != ReportRender.Status.DONE:
        raise Http404("Not ready")
    return pdf_response(bytes(render.pdf), f"committee-pack-{q.label}.pdf")


@require_GET
def committee_pack(request: HttpRequest, quarter: str) -> HttpResponse:
    """The report as a PDF."""
    return report_download(request, quarter, "pdf")


@dataclass(frozen=True)
class DrilldownRequest:
    quarter: Quarter
    measure: Measure
    period: Period
    scope: MeasureScope
    cohort: str
    user_scope: Scope
    as_reported: bool = False

    @property
    def filters(self) -> dict[str, str]:
        found = {
            "quarter": self.quarter.label,
            "code": self.measure.code,
            "scope": scope_value(self.scope),
            "cohort": self.cohort,
        }
        if self.as_reported:
            found["as_reported"] = "1"
        return found

    def rows(self) -> QuerySet:
        find = queries.reported_rows if self.as_reported else queries.drilldown_rows
        return find(self.measure, self.period, self.scope, self.cohort, self.user_scope)


def _parse_drilldown(
    request: HttpRequest, quarter: str, code: str, action: str
) -> DrilldownRequest:
    """Parse and authorise a drill-down; every refusal is audited and answers 404."""
    q = _quarter_or_404(quarter)
    measure = _measure_or_404(code)
    user_scope = scope_for(request.user)
    cohort = request.GET.get("cohort") or "numerator"
    as_reported = request.GET.get("as_reported") == "1"
    filters = {
        "quarter": q.label,
        "code": code,
        "scope": request.GET.get("scope", ""),
        "cohort": cohort,
        "refused": action,
    }
    try:
        if not can_see_children(request.user, user_scope):
            raise Http404("No such list")
        if cohort not in COHORTS or (cohort == "denominator" and measure.unit != Unit.PERCENT):
            raise Http404("No such list")
        if cohort == "failing" and measure.failing_q() is None:
            raise Http404("No such list")
        # Stored cohorts are listed for child measures only (event and worker ids are not
        # children).
        if as_reported and measure.subject != "child":
            raise Http404("No such list")
        scope = parse_scope(request.GET.get("scope"), request.user, user_scope)
        if not queries.covers(user_scope, scope):
            raise Http404("No such list")
    except Http404:
        record_access(request, action="refused", filters=filters, status_code=404)
        raise
    period = measure_period(measure, q)
    return DrilldownRequest(q, measure, period, scope, cohort, user_scope, as_reported)


COHORT_LABELS = {
    "numerator": "counted in the figure",
    "denominator": "in the whole cohort",
    "failing": "outside the measure's timescale or standard",
}


@require_GET
def drilldown(request: HttpRequest, quarter: str, code: str) -> HttpResponse:
    dd = _parse_drilldown(request, quarter, code, "drilldown")
    rows = dd.rows()
    exclude = ("child", "la_child_id") if dd.measure.subject == "worker" else ()
    if dd.cohort != "denominator":
        exclude = (*exclude, "in_numerator")
    if dd.cohort != "failing" or dd.as_reported:
        exclude = (*exclude, "rule")
    if dd.as_reported:
        exclude = (*exclude, "due_date", "basis_date")
    table = DrilldownTable(rows, exclude=exclude, measure=dd.measure)
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    page_rows = list(table.page.object_list) if table.page else []
    record_access(
        request,
        action="drilldown",
        child_ids=[r.record["child_id"] for r in page_rows if r.record["child_id"]],
        count=table.page.paginator.count if table.page else 0,
        filters=dd.filters,
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    export_base = reverse(
        "scorecard:drilldown_export", args=[dd.quarter.label, dd.measure.code, "csv"]
    )
    scorecard_url = reverse("scorecard:quarter", args=[dd.quarter.label])
    context = {
        "quarter": dd.quarter,
        "measure": dd.measure,
        "period": dd.period,
        "scope": dd.scope,
        "scope_label": scope_label(dd.scope),
        "scope_value": scope_value(dd.scope),
        "cohort": dd.cohort,
        "cohort_label": COHORT_LABELS[dd.cohort],
        "table": table,
        "count": table.page.paginator.count if table.page else 0,
        "export_csv": f"{export_base}?{query.urlencode()}",
        "export_xlsx": f"{export_base.removesuffix('csv')}xlsx?{query.urlencode()}",
        "back_url": f"{scorecard_url}?scope={scope_value(dd.scope)}",
        "cohort_links": {
            c: drilldown_url(dd.quarter, dd.measure.code, dd.scope, c)
            + ("&as_reported=1" if dd.as_reported else "")
            for c in drill_links(dd.quarter, dd.measure, dd.scope)
        },
        "as_reported": dd.as_reported,
        "switch_url": _switch_url(request, dd),
    }
    return render_page_or_fragment(request, "scorecard/drilldown.html", "results", context)


def _switch_url(request: HttpRequest, dd: DrilldownRequest) -> str:
    """The link between the list calculated now and the list as stored at the quarter end
    (offered only where the rollup stored one for this scope)."""
    query = request.GET.copy()
    query.pop("page", None)
    if dd.as_reported:
        query.pop("as_reported", None)
        return f"?{query.urlencode()}"
    if dd.measure.subject != "child" or not queries.has_stored_cohort(
        dd.measure, dd.scope, dd.period.as_at
    ):
        return ""
    query["as_reported"] = "1"
    return f"?{query.urlencode()}"


DRILLDOWN_HEADER = [
    "Child",
    "LA child ID",
    "Team",
    "Worker",
    "Counted",
    "Due date",
    "From",
    "Rule",
]


@require_GET
def drilldown_export(request: HttpRequest, quarter: str, code: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    dd = _parse_drilldown(request, quarter, code, "export")
    records = list(dd.rows())
    record_access(
        request,
        action="export",
        child_ids=[r["child_id"] for r in records if r["child_id"]],
        count=len(records),
        filters={**dd.filters, "format": fmt},
    )
    rows = [
        [
            " ".join(p for p in (r["dd_first"], r["dd_last"]) if p),
            r["dd_la_id"],
            r["dd_team"],
            r["dd_worker"],
            "Yes" if r["in_numerator"] else "No",
            r["due_date"],
            r["basis_date"],
            dd.measure.row_rule(r["basis_date"], r["due_date"]),
        ]
        for r in records
    ]
    where = scope_value(dd.scope).replace(":", "-")
    name = f"{dd.measure.code}-{dd.cohort}-{dd.quarter.label}-{where}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", DRILLDOWN_HEADER, rows)
    return xlsx_response(f"{name}.xlsx", DRILLDOWN_HEADER, rows, sheet_title=dd.measure.code)
