"""Surgery pages: the workbench, actions, surgery meetings, the barrier report. Each view parses
the request, calls one query or service and renders; anything out of scope is a 404 (and an
audit row saying so). Pages work without JavaScript; htmx swaps fragments of the same templates."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from accounts.audit import record_access
from accounts.models import User
from accounts.roles import Role
from casework.models import ServiceArea
from casework.reporting import reporting_date
from casework.scope import scope_for
from common.htmx import render_page_or_fragment
from common.paginators import CountedPaginator
from scorecard.exports import csv_response, xlsx_response
from surgeries import lists as ex
from surgeries import queries, services
from surgeries.agenda import AGENDA_PAGE, agenda_page, child_at_meeting, meeting_agenda
from surgeries.filters import WorkbenchFilterForm
from surgeries.forms import ActionForm, CloseActionForm, DiscussionForm, SurgeryForm
from surgeries.impact import surgery_impacts
from surgeries.minutes import MeetingDocument
from surgeries.models import Action, Surgery
from surgeries.tables import (
    ActionTable,
    SurgeryTable,
    sort_caption,
    sort_headers,
    workbench_export_rows,
)

PER_PAGE = 50


def audited_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Record a refusal in the access audit before answering 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            record_access(request, action="refused", status_code=404)
            raise

    return wrapper


def _user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware guards every surgery page)."""
    return cast(User, request.user)


def _list_labels() -> dict[str, str]:
    return {x.code: x.label for x in ex.surgery_lists()}


def _safe_next(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


# --- workbench ----------------------------------------------------------------------------------


def _workbench_request(
    request: HttpRequest, as_at
) -> tuple[WorkbenchFilterForm, ex.RowFilter, str]:
    form = WorkbenchFilterForm(request.GET or None, user=request.user, as_at=as_at)
    row_filter = form.row_filter() if form.is_bound else ex.RowFilter()
    sort = request.GET.get("sort", ex.DEFAULT_SORT)
    if sort.lstrip("-") not in ex.SORTS:
        sort = ex.DEFAULT_SORT
    return form, row_filter, sort


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    as_at = reporting_date()
    form, row_filter, sort = _workbench_request(request, as_at)
    # The scope's workers in post, read once for the worker filter's choices.
    form.use_workers(queries.workers_in_scope(user=request.user, as_at=as_at))
    page = queries.workbench(
        user=request.user,
        as_at=as_at,
        filters=row_filter,
        sort=sort,
        page=_page_number(request),
        per_page=PER_PAGE,
    )
    form.offer_lists(page.lists_with_rows)
    record_access(
        request,
        action="list",
        child_ids=sorted({r.child_id for r in page.rows}),
        filters={**row_filter.as_dict(), "sort": sort, "page": page.number},
    )
    query = request.GET.copy()
    selected = form.selected(query)
    context = {
        "as_at": as_at,
        "form": form,
        "selected": selected,
        "filters_in_words": (
            "Filtered by " + "; ".join(t["text"] for t in selected) if selected else "No filters"
        ),
        "page": page,
        "rows": page.rows,
        "headers": sort_headers(sort, query),
        "sort_caption": sort_caption(sort),
        "list_summary": [
            {
                "code": x.code,
                "label": x.label,
                "overdue": page.counts.overdue(x.code),
                "due_soon": page.counts.due_soon(x.code),
            }
            for x in ex.surgery_lists()
            if x.code in page.counts.by_list
        ],
        "page_of_rows": page.as_page(),
        "export_query": _without(query, "page"),
        "next_url": request.get_full_path(),
    }
    return render_page_or_fragment(request, "surgeries/workbench.html", context)


def _without(query, *names: str) -> str:
    q = query.copy()
    for name in names:
        q.pop(name, None)
    return q.urlencode()


@require_GET
def workbench_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    as_at = reporting_date()
    _form, row_filter, sort = _workbench_request(request, as_at)
    rows = queries.workbench_export(user=request.user, as_at=as_at, filters=row_filter, sort=sort)
    record_access(
        request,
        action="export",
        child_ids=sorted({r.child_id for r in rows}),
        count=len(rows),
        filters={**row_filter.as_dict(), "format": fmt},
    )
    header, values = workbench_export_rows(rows)
    filename = f"children-needing-action-{as_at:%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, values)
    return xlsx_response(filename, header, values, sheet_title="Children needing action")


# --- actions ------------------------------------------------------------------------------------


@audited_404
def action_new(request: HttpRequest) -> HttpResponse:
    """GET: the add-action page (the no-JavaScript route from a row), or with htmx from the
    workbench the row with the form open under it. POST: create the action, then redirect back
    (plain form) or return the redrawn workbench row (htmx)."""
    as_at = reporting_date()
    params = request.POST if request.method == "POST" else request.GET
    surgery = None
    if params.get("surgery"):
        surgery = queries.get_surgery_or_404(user=request.user, public_id=params["surgery"])
    # Whatever the surgery's date, the child must be in the user's scope today.
    child = queries.get_visible_child_or_404(
        user=request.user, public_id=params.get("child"), as_at=as_at
    )
    list_code = params.get("list_code") or params.get("list") or ""
    kind = params.get("kind", "")
    inline = bool(getattr(request, "htmx", False)) and surgery is None
    row = (
        queries.exception_row(
            user=request.user, as_at=as_at, child_id=child.pk, list_code=list_code, kind=kind
        )
        if inline or request.method != "POST"
        else None
    )
    fallback = (
        reverse("surgeries:surgery_child", args=[surgery.public_id, child.public_id])
        if surgery
        else reverse("surgeries:workbench")
    )
    next_url = _safe_next(request, params.get("next"), fallback)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "child": child.public_id,
            "list_code": list_code,
            "surgery": surgery.public_id if surgery else None,
            "next": next_url,
            "owner": row.worker_id if row else None,
        },
        owners=queries.workers_in_scope(user=request.user, as_at=as_at),
        barriers=queries.barrier_codes(),
        today=as_at,
        inline=inline,
        auto_id=f"{row.key}-%s" if inline and row else "id_%s",
    )
    if inline and request.method != "POST":
        # Opened from the row's link: the keyboard user lands in the first field (htmx focuses
        # an autofocus element of the content it swaps in).
        form.fields["description"].widget.attrs["autofocus"] = True
    record_access(
        request, action="view" if request.method != "POST" else "create", child_ids=[child.pk]
    )
    added = False
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(
                user=_user(request),
                child=child,
                list_code=form.cleaned_data["list_code"],
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
                barrier=form.cleaned_data["barrier"],
                surgery=surgery,
                today=as_at,
            )
            added = True
        except services.ServiceError as error:
            _add_errors(form, error)
    if inline:
        if added:
            row = queries.exception_row(
                user=request.user, as_at=as_at, child_id=child.pk, list_code=list_code, kind=kind
            )
        context = {
            "row": row,
            "group_key": ex.row_key(child.pk, list_code, kind),
            "row_form": None if added else form,
            "added": added,
            "next_url": next_url,
        }
        response = render(request, "surgeries/workbench.html#group", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    if added:
        messages.success(request, "Action added.")
        return redirect(next_url)
    page = {"form": form, "child": child, "row": row, "back_url": next_url}
    status = 422 if request.method == "POST" else 200
    return render(request, "surgeries/action_new.html", page, status=status)


def _add_errors(form, error: services.ServiceError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(None if field not in form.fields else field, e.message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _actions_page(request: HttpRequest, actions, *, title: str, current: str) -> HttpResponse:
    as_at = reporting_date()
    table = ActionTable(actions, list_labels=_list_labels())
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    records = [row.record for row in table.page.object_list] if table.page else []
    queries.mark_no_longer_overdue(records, as_at=as_at)
    record_access(request, action="list", child_ids=sorted({a.child_id for a in records}))
    return render_page_or_fragment(
        request,
        "surgeries/actions.html",
        {"table": table, "title": title, "current": current, "as_at": as_at},
    )


@require_GET
def actions_mine(request: HttpRequest) -> HttpResponse:
    actions = queries.my_actions(user=request.user, as_at=reporting_date())
    return _actions_page(request, actions, title="My actions", current="mine")


@require_GET
def actions_team(request: HttpRequest) -> HttpResponse:
    actions = queries.team_actions(user=request.user, as_at=reporting_date())
    return _actions_page(request, actions, title="My team's actions", current="team")


@require_GET
def actions_overdue(request: HttpRequest) -> HttpResponse:
    actions = queries.overdue_actions(user=request.user, as_at=reporting_date())
    return _actions_page(request, actions, title="Overdue actions", current="overdue")


@audited_404
@require_GET
def action_detail(request: HttpRequest, public_id) -> HttpResponse:
    as_at = reporting_date()
    action = queries.get_action_or_404(user=request.user, public_id=public_id, as_at=as_at)
    queries.mark_no_longer_overdue([action], as_at=as_at)
    record_access(request, action="view", child_ids=[action.child_id])
    back_url = _action_back_url(request, action, request.GET.get("next"))
    return render(
        request,
        "surgeries/action_detail.html",
        {
            "action": action,
            "list_label": _list_labels().get(action.list_code, action.list_code),
            "form": CloseActionForm(),
            "as_at": as_at,
            "back_url": back_url,
        },
    )


def _action_back_url(request: HttpRequest, action: Action, candidate: str | None) -> str:
    """Where the action's back link goes: the page it was opened from (a safe `next`), else
    its surgery's agenda, else the user's actions."""
    if action.surgery is not None:
        fallback = reverse("surgeries:surgery_detail", args=[action.surgery.public_id])
    else:
        fallback = reverse("surgeries:actions_mine")
    return _safe_next(request, candidate, fallback)


def _close_action(request: HttpRequest, public_id, service) -> HttpResponse:
    as_at = reporting_date()
    action = queries.get_action_or_404(user=request.user, public_id=public_id, as_at=as_at)
    record_access(request, action="update", child_ids=[action.child_id])
    form = CloseActionForm(request.POST)
    if form.is_valid():
        try:
            service(
                user=request.user,
                action=action,
                outcome_note=form.cleaned_data["outcome_note"],
                today=as_at,
            )
        except services.ServiceError as error:
            _add_errors(form, error)
    if form.errors:
        queries.mark_no_longer_overdue([action], as_at=as_at)
        context = {
            "action": action,
            "list_label": _list_labels().get(action.list_code, action.list_code),
            "form": form,
            "as_at": as_at,
            "back_url": _action_back_url(request, action, request.POST.get("next")),
        }
        return render(request, "surgeries/action_detail.html", context, status=422)
    messages.success(request, "Action updated.")
    # From a surgery's child page the chair goes back to the meeting.
    fallback = reverse("surgeries:action_detail", args=[action.public_id])
    return redirect(_safe_next(request, request.POST.get("next"), fallback))


@audited_404
@require_POST
def action_complete(request: HttpRequest, public_id) -> HttpResponse:
    return _close_action(request, public_id, services.action_complete)


@audited_404
@require_POST
def action_cancel(request: HttpRequest, public_id) -> HttpResponse:
    return _close_action(request, public_id, services.action_cancel)


# --- surgeries ----------------------------------------------------------------------------------


@require_GET
def surgery_list(request: HttpRequest) -> HttpResponse:
    as_at = reporting_date()
    table = SurgeryTable(queries.surgeries_visible_to(user=request.user))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    records = [row.record for row in table.page.object_list] if table.page else []
    impacts = surgery_impacts(records, as_at=as_at)
    for surgery in records:
        surgery.impact = impacts.get(surgery.pk)
    return render(
        request,
        "surgeries/surgery_list.html",
        {"table": table, "can_chair": queries.can_chair(request.user)},
    )


def _surgery_form(request: HttpRequest, data=None) -> SurgeryForm:
    user = _user(request)
    scope = scope_for(user)
    areas = ServiceArea.objects.none()
    if user.role == Role.HEAD_OF_SERVICE:
        areas = ServiceArea.objects.filter(teams__pk__in=sorted(scope.team_ids)).distinct()
    return SurgeryForm(
        data,
        areas=areas,
        teams=queries.teams_in_scope(user=user),
        workers=queries.workers_in_scope(user=user, as_at=reporting_date()),
        initial={"date": reporting_date(), "agenda_size": 40},
    )


def surgery_new(request: HttpRequest) -> HttpResponse:
    if not queries.can_chair(request.user):
        raise Http404("Only a surgery chair can create a surgery")
    form = _surgery_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            surgery = services.surgery_create(
                user=_user(request),
                title=data["title"],
                date=data["date"],
                service_area=data.get("service_area"),
                teams=data["teams"],
                lists=data["lists"],
                attendees=data["attendees"],
                today=reporting_date(),
                agenda_size=data["agenda_size"],
            )
        except services.ServiceError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Surgery created. Its agenda is below.")
            return redirect("surgeries:surgery_detail", public_id=surgery.public_id)
    status = 422 if form.errors else 200
    return render(request, "surgeries/surgery_new.html", {"form": form}, status=status)


@audited_404
@require_GET
def surgery_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The agenda, paged, grouped by team and worker, with the meeting's progress."""
    as_at = reporting_date()
    surgery = queries.get_surgery_or_404(user=request.user, public_id=public_id)
    agenda = meeting_agenda(user=request.user, surgery=surgery, as_at=as_at)
    page = agenda_page(agenda, _page_number(request))
    impact = surgery_impacts([surgery], as_at=as_at).get(surgery.pk)
    record_access(request, action="view", child_ids=sorted(agenda.child_ids))
    context = {
        "surgery": surgery,
        "agenda": agenda,
        "page": page,
        "agenda_pages": _agenda_pages(page),
        "impact": impact,
        "labels": _list_labels(),
        "teams": list(surgery.teams.all()),
        "attendees": list(surgery.attendees.select_related("team")),
        "is_chair": surgery.chair_id == request.user.pk,
        "next_child": agenda.next_undiscussed(),
        "as_at": as_at,
    }
    return render_page_or_fragment(
        request, "surgeries/surgery_detail.html", context, fragment="agenda"
    )


def _agenda_pages(page) -> Page:
    """The agenda's page as a Django Page (it pages children, grouped after the cut), for the
    one pagination tag."""
    return CountedPaginator([], AGENDA_PAGE, count=page.count).page_of(page.number)


@audited_404
def surgery_child(request: HttpRequest, public_id, child_id) -> HttpResponse:
    """One child at the surgery: where they are in the agenda, their lists, every open action
    on them (from the workbench or an earlier surgery) to update rather than duplicate, the
    discussion (note and barrier) and the actions agreed."""
    as_at = reporting_date()
    surgery = queries.get_surgery_or_404(user=request.user, public_id=public_id)
    at = child_at_meeting(user=request.user, surgery=surgery, public_id=child_id, as_at=as_at)
    child, rows, discussion = at.child, at.rows, at.discussion
    record_access(request, action="view", child_ids=[child.pk])
    barriers = queries.barrier_codes()
    data = request.POST if request.method == "POST" else None
    form = DiscussionForm(
        data,
        barriers=barriers,
        initial={"note": discussion.note, "barrier": discussion.barrier} if discussion else None,
    )
    if data is not None and form.is_valid():
        try:
            services.surgery_record_discussion(
                user=_user(request),
                surgery=surgery,
                child=child,
                note=form.cleaned_data["note"],
                barrier=form.cleaned_data["barrier"],
            )
        except services.ServiceError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Discussion of {child.full_name} recorded.")
            target = at.next_id if "next" in request.POST and at.next_id else child.public_id
            return redirect("surgeries:surgery_child", public_id=surgery.public_id, child_id=target)
    open_lists = {a.list_code for a in at.actions if a.status == Action.Status.OPEN}
    list_code = next((r.list_code for r in rows if r.list_code not in open_lists), None)
    action_form = ActionForm(
        initial={
            "child": child.public_id,
            "surgery": surgery.public_id,
            "list_code": list_code or (rows[0].list_code if rows else None),
            # The child's allocated worker, as the workbench's row form offers.
            "owner": rows[0].worker_id if rows else None,
            "next": request.get_full_path(),
        },
        owners=_meeting_owners(request, rows),
        barriers=barriers,
        today=reporting_date(),
    )
    context = {
        "surgery": surgery,
        "child": child,
        "at": at,
        "rows": rows,
        "form": form,
        "action_form": action_form,
        "open_actions": [a for a in at.actions if a.status == Action.Status.OPEN],
        "agreed": [a for a in at.actions if a.surgery_id == surgery.pk],
        "close_form": CloseActionForm(),
        "labels": _list_labels(),
        "here": request.get_full_path(),
        "is_chair": surgery.chair_id == request.user.pk and not surgery.is_closed,
    }
    return render(
        request, "surgeries/surgery_child.html", context, status=422 if form.errors else 200
    )


def _meeting_owners(request: HttpRequest, rows: list[Any]):
    """Who may own an action agreed for the child: the current workers of the child's team (a
    head of service's whole scope is hundreds of names), else of the user's scope."""
    owners = queries.workers_in_scope(user=request.user, as_at=reporting_date())
    team_id = rows[0].team_id if rows else None
    if team_id is not None and owners.filter(team_id=team_id).exists():
        owners = owners.filter(team_id=team_id)
    return owners.select_related(None).only("pk", "name")


@audited_404
def surgery_close(request: HttpRequest, public_id) -> HttpResponse:
    """GET: what closing will freeze, and a confirmation button. POST: close."""
    surgery = queries.get_surgery_or_404(user=request.user, public_id=public_id)
    if request.method == "GET":
        if surgery.is_closed or surgery.chair_id != request.user.pk:
            return redirect("surgeries:surgery_detail", public_id=surgery.public_id)
        as_at = reporting_date()
        agenda = meeting_agenda(user=request.user, surgery=surgery, as_at=as_at)
        record_access(request, action="view", child_ids=sorted(agenda.child_ids))
        return render(
            request,
            "surgeries/surgery_close.html",
            {
                "surgery": surgery,
                "agenda": agenda,
                "rows": sum(c.overdue + c.due_soon for c in agenda.counts),
            },
        )
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        services.surgery_close(user=_user(request), surgery=surgery, as_at=reporting_date())
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        record_access(
            request,
            action="close",
            child_ids=sorted(set(surgery.agenda_items.values_list("child_id", flat=True))),
        )
        messages.success(request, "Surgery closed. The minutes are ready to download.")
    return redirect("surgeries:surgery_detail", public_id=surgery.public_id)


@audited_404
@require_GET
def surgery_minutes(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """The minutes of a closed surgery (PDF or XLSX); `?appendix=1` adds the children of the
    lists who were not on the agenda."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404("No such format")
    surgery: Surgery = queries.get_surgery_or_404(user=request.user, public_id=public_id)
    if not surgery.is_closed:
        raise Http404("Minutes are produced when the surgery closes")
    return _agenda_document(request, surgery, fmt, kind="minutes")


@audited_404
@require_GET
def surgery_agenda_export(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """The agenda to circulate before the meeting (PDF or XLSX)."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404("No such format")
    surgery: Surgery = queries.get_surgery_or_404(user=request.user, public_id=public_id)
    return _agenda_document(request, surgery, fmt, kind="agenda")


def _agenda_document(
    request: HttpRequest, surgery: Surgery, fmt: str, *, kind: str
) -> HttpResponse:
    appendix = request.GET.get("appendix") == "1"
    agenda = meeting_agenda(
        user=request.user, surgery=surgery, as_at=reporting_date(), with_appendix=appendix
    )
    record_access(
        request,
        action="export",
        child_ids=sorted(agenda.child_ids),
        filters={"format": fmt, "document": kind, "appendix": appendix},
    )
    document = MeetingDocument(
        surgery=surgery,
        agenda=agenda,
        attendees=list(surgery.attendees.select_related("team").order_by("name")),
        teams=list(surgery.teams.order_by("name")),
        labels=_list_labels(),
        kind=kind,
        with_appendix=appendix,
    )
    filename = f"surgery-{kind}-{surgery.date:%Y-%m-%d}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(
            document.xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(document.pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- barrier report -----------------------------------------------------------------------------


@require_GET
def barriers(request: HttpRequest) -> HttpResponse:
    rows = queries.barrier_rollup(user=request.user, as_at=reporting_date())
    record_access(request, action="list", count=sum(r["count"] for r in rows))
    return render(request, "surgeries/barriers.html", {"rows": rows})
