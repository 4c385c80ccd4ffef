"""Views of the case record: home, the child record (one URL per tab), the two recording forms,
the caseload and the accessibility statement.

Every child-level view starts from the user's scope (casework.scope) so anything out of scope is a
404, and writes an access audit row in the request."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    ExpressionWrapper,
    F,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from accounts.audit import record_access
from accounts.errors import RoleRefused
from accounts.models import User
from accounts.roles import CHILD_LEVEL_LABELS, CHILD_LEVEL_ROLES, Role
from casework import codes
from casework import models as m
from casework.audit_views import AUDIT_READERS
from casework.cohorts import category_at, latest_seen_visit, open_q
from casework.forms import (
    ChildSearchForm,
    HealthCheckForm,
    VisitCorrectionForm,
    VisitForm,
    VisitWithdrawForm,
)
from casework.queries import (
    SEARCH_LIMIT,
    allocations_open_at,
    children_matching,
    parse_date_of_birth,
)
from casework.reporting import reporting_date, reporting_now
from casework.scope import children_visible_to, get_visible_child_or_404
from casework.services import (
    CORRECTING_MANAGERS,
    health_check_record,
    visit_correct,
    visit_correction_refusal,
    visit_record,
    visit_withdraw,
)
from casework.tables import CaseloadTable
from common.navigation import safe_next, with_next

# --- Home and static pages ----------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    # LoginRequiredMiddleware guarantees a signed-in user on every view not marked
    # login_not_required.
    return cast(User, request.user)


def home(request: HttpRequest) -> HttpResponse:
    role = _user(request).role
    return render(
        request,
        "casework/home.html",
        {
            "as_at": reporting_date(),
            "role": role.value if role else "",
            "has_worker": getattr(request.user, "worker", None) is not None,
        },
    )


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/accessibility.html")


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- The child record ---------------------------------------------------------------------------

TABS = [
    ("overview", "Overview", "child_overview"),
    ("visits", "Visits", "child_visits"),
    ("plans", "Plans and conferences", "child_plans"),
    ("care", "Care and placements", "child_care"),
    ("health", "Health", "child_health"),
    ("history", "History", "child_history"),
]


def _record_header(child: m.Child, as_at: date) -> dict[str, Any]:
    """Category and allocated worker at the reporting date, in one query."""
    allocation = allocations_open_at(as_at)
    header = (
        m.Child.objects.filter(pk=child.pk)
        .annotate(
            is_open=ExpressionWrapper(open_q(as_at), output_field=BooleanField()),
            category=category_at(as_at),
            worker_name=Subquery(allocation.values("worker__name")[:1]),
            team_name=Subquery(allocation.values("team__name")[:1]),
            allocated_date=Subquery(allocation.values("start_date")[:1]),
        )
        .values("is_open", "category", "worker_name", "team_name", "allocated_date")
        .get()
    )
    result: dict[str, Any] = dict(header)
    if not result["is_open"] or (child.date_of_death and child.date_of_death <= as_at):
        result["category"] = None
    return result


def _child_page(request: HttpRequest, public_id: Any, tab: str) -> dict[str, Any]:
    """The child (404 outside the user's scope), the audit row and the record's shared context."""
    try:
        child = get_visible_child_or_404(request.user, public_id)
    except Http404:
        # Attempts on records outside the user's scope are audited too (the path holds the public
        # id); the page itself reveals nothing.
        record_access(request, action="refused", status_code=404)
        raise
    record_access(request, action="view", child_ids=[child.pk])
    as_at = reporting_date()
    header = _record_header(child, as_at)
    # The list the record was opened from (a workbench, a drill-down, a search): its back link,
    # kept from tab to tab.
    back_url = safe_next(request, request.GET.get("next"))
    return {
        "child": child,
        "as_at": as_at,
        "header": header,
        "tab": tab,
        "tab_label": dict((key, label) for key, label, _ in TABS)[tab],
        "back_url": back_url,
        "tabs": [
            {
                "text": label,
                "href": with_next(reverse(name, args=[child.public_id]), back_url),
                "current": key == tab,
            }
            for key, label, name in TABS
        ]
        + (
            # Who viewed this record: for the people who answer for it (accounts.audit_views).
            [
                {
                    "text": "Who viewed",
                    "href": with_next(reverse("child_access", args=[child.public_id]), back_url),
                    "current": False,
                }
            ]
            if _user(request).role in AUDIT_READERS
            else []
        ),
        "identity_details": [
            {"key": "Date of birth", "value": _long_date(child.date_of_birth)},
            {"key": "LA child ID", "value": child.la_child_id},
            {"key": "Allocated worker", "value": header["worker_name"] or "Unallocated"},
            {"key": "As at", "value": _long_date(as_at)},
        ],
        "can_record_visit": getattr(request.user, "worker", None) is not None,
    }


def _long_date(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


@dataclass(frozen=True)
class TimelineItem:
    title: str
    date: date
    byline: str = ""
    description: str = ""


def _events(
    model: Any,
    kind: str,
    day: Any,
    text1: Any = None,
    text2: Any = None,
    flag: Any = None,
    **filters: Any,
) -> QuerySet:
    """One arm of the timeline union: the same five columns from any event table."""
    char = CharField()
    return (
        model.objects.filter(**filters)
        .order_by()  # default orderings are not allowed inside a UNION arm
        .annotate(
            ev_kind=Value(kind, output_field=char),
            ev_date=ExpressionWrapper(day, output_field=DateField())
            if not isinstance(day, str)
            else F(day),
            ev_text1=text1 if text1 is not None else Value(None, output_field=char),
            ev_text2=text2 if text2 is not None else Value(None, output_field=char),
            ev_flag=flag if flag is not None else Value(None, output_field=BooleanField()),
        )
        .values("ev_kind", "ev_date", "ev_text1", "ev_text2", "ev_flag")
    )


def child_timeline(child: m.Child, as_at: date) -> list[TimelineItem]:
    """Every event of the child's record up to the reporting date, newest first: one UNION query
    whatever the number of events."""
    c = {"child": child}
    arms = [
        _events(m.Contact, "contact", TruncDate("received_at"), text2=F("outcome"), **c),
        _events(m.Referral, "referral", "referral_date", text1=F("team__name"), flag=F("nfa"), **c),
        _events(
            m.Referral,
            "referral_closed",
            "closure_date",
            text1=F("closure_reason"),
            closure_date__isnull=False,
            **c,
        ),
        _events(m.Assessment, "assessment", "start_date", **c),
        _events(
            m.Assessment,
            "assessment_authorised",
            "authorised_date",
            authorised_date__isnull=False,
            **c,
        ),
        _events(m.CINPlan, "cin_plan", "start_date", **c),
        _events(m.CINPlan, "cin_plan_end", "end_date", end_date__isnull=False, **c),
        _events(m.Section47, "section47", "start_date", **c),
        _events(m.InitialConference, "icpc", "date", flag=F("plan_made"), **c),
        _events(m.CPPlan, "cp_plan", "start_date", text1=F("initial_category"), **c),
        _events(m.CPPlan, "cp_plan_end", "end_date", end_date__isnull=False, **c),
        _events(m.CPReview, "cp_review", "held_date", held_date__isnull=False, **c),
        _events(
            m.CareEpisode, "episode", "start_date", text1=F("legal_status"), text2=F("place"), **c
        ),
        _events(
            m.CareEpisode, "episode_end", "end_date", text1=F("rec"), end_date__isnull=False, **c
        ),
        _events(m.CareReview, "care_review", "held_date", held_date__isnull=False, **c),
        _events(
            m.Visit,
            "visit",
            "date",
            text1=F("worker__name"),
            text2=F("visit_type"),
            flag=F("child_seen"),
            **c,
        ),
        _events(m.HealthCheck, "check", "date", text2=F("kind"), **c),
    ]
    union = arms[0].union(*arms[1:], all=True).order_by("-ev_date", "ev_kind")
    items = []
    for row in union:
        if row["ev_date"] is None or row["ev_date"] > as_at:
            continue
        items.append(_timeline_item(row))
    return items


def _timeline_item(row: dict[str, Any]) -> TimelineItem:
    kind, day, text1, text2, flag = (
        row[k] for k in ("ev_kind", "ev_date", "ev_text1", "ev_text2", "ev_flag")
    )
    if kind == "visit":
        seen = "Child seen" if flag else "Child not seen"
        return TimelineItem(
            m.Visit.Type(text2).label if text2 in m.Visit.Type.values else "Visit",
            day,
            text1 or "",
            seen,
        )
    if kind == "check":
        return TimelineItem(
            m.HealthCheck.Kind(text2).label if text2 in m.HealthCheck.Kind.values else "Check", day
        )
    if kind == "contact":
        outcome = dict(m.Contact.Outcome.choices).get(text2 or "", "")
        return TimelineItem(
            "Contact received", day, description=f"Outcome: {outcome}" if outcome else ""
        )
    if kind == "referral":
        return TimelineItem(
            "Referral",
            day,
            description=f"Responsible team: {text1}" + (" (no further action)" if flag else ""),
        )
    if kind == "icpc":
        return TimelineItem(
            "Initial child protection conference",
            day,
            description="Child protection plan made" if flag else "No plan made",
        )
    if kind == "cp_plan":
        category = dict(m.CPPlan.Category.choices).get(text1 or "", "")
        return TimelineItem(
            "Child protection plan started",
            day,
            description=f"Category: {category}" if category else "",
        )
    if kind == "episode":
        return TimelineItem(
            "Care episode started", day, description=f"Legal status {text1}, placement type {text2}"
        )
    if kind == "episode_end":
        return TimelineItem(
            "Care episode ended", day, description=f"Reason {text1}" if text1 else ""
        )
    titles = {
        "referral_closed": "Case closed",
        "assessment": "Assessment started",
        "assessment_authorised": "Assessment authorised",
        "cin_plan": "Child in need plan started",
        "cin_plan_end": "Child in need plan ended",
        "section47": "Section 47 enquiry started",
        "cp_plan_end": "Child protection plan ended",
        "cp_review": "Child protection review conference",
        "care_review": "Child in care review",
    }
    return TimelineItem(titles.get(kind, kind), day)


def child_overview(request: HttpRequest, public_id: Any) -> HttpResponse:
    context = _child_page(request, public_id, "overview")
    child: m.Child = context["child"]
    header = context["header"]
    context["summary_rows"] = [
        {"key": "Name", "value": child.full_name},
        {
            "key": "Date of birth",
            "value": f"{child.date_of_birth:%-d %B %Y}" if child.date_of_birth else "",
        },
        {"key": "Sex", "value": child.get_sex_display()},
        {"key": "LA child ID", "value": child.la_child_id},
        {"key": "UPN", "value": child.upn},
        {"key": "Ethnicity", "value": codes.meaning("ethnicity", child.ethnicity)},
        {"key": "Disability", "value": "Yes" if child.disability else "No"},
        {"key": "Unaccompanied asylum-seeking child", "value": "Yes" if child.uasc else "No"},
        {"key": "Allocated worker", "value": header["worker_name"] or "Unallocated"},
        {"key": "Team", "value": header["team_name"] or ""},
        {
            "key": "Date allocated",
            "value": f"{header['allocated_date']:%-d %B %Y}" if header["allocated_date"] else "",
        },
    ]
    context["timeline"] = child_timeline(child, context["as_at"])
    return render(request, "casework/child_overview.html", context)


def child_visits(request: HttpRequest, public_id: Any) -> HttpResponse:
    context = _child_page(request, public_id, "visits")
    visits = (
        m.Visit.objects.filter(child=context["child"])
        .select_related("worker")
        .order_by("-date", "-recorded_at")
    )
    context["page"] = Paginator(visits, 25).get_page(request.GET.get("page"))
    # Which rows get a "Correct" link: the same rule as visit_correction_refusal, per row.
    user = _user(request)
    worker = getattr(user, "worker", None)
    context["correct_any"] = user.role in CORRECTING_MANAGERS
    context["own_worker_id"] = worker.pk if worker else None
    context["own_since"] = reporting_now() - timedelta(days=settings.VISIT_CORRECTION_DAYS)
    context["correction_days"] = settings.VISIT_CORRECTION_DAYS
    return render(request, "casework/child_visits.html", context)


def child_plans(request: HttpRequest, public_id: Any) -> HttpResponse:
    context = _child_page(request, public_id, "plans")
    child = context["child"]
    context.update(
        referrals=m.Referral.objects.filter(child=child).select_related("team"),
        assessments=m.Assessment.objects.filter(child=child),
        cin_plans=m.CINPlan.objects.filter(child=child),
        section47s=m.Section47.objects.filter(child=child),
        conferences=m.InitialConference.objects.filter(child=child),
        cp_plans=m.CPPlan.objects.filter(child=child),
        cp_reviews=m.CPReview.objects.filter(child=child),
    )
    return render(request, "casework/child_plans.html", context)


def child_care(request: HttpRequest, public_id: Any) -> HttpResponse:
    context = _child_page(request, public_id, "care")
    child = context["child"]
    context.update(
        episodes=m.CareEpisode.objects.filter(child=child),
        care_reviews=m.CareReview.objects.filter(child=child),
        care_leaver_records=m.CareLeaver.objects.filter(child=child).select_related(
            "personal_adviser"
        ),
    )
    return render(request, "casework/child_care.html", context)


def child_health(request: HttpRequest, public_id: Any) -> HttpResponse:
    context = _child_page(request, public_id, "health")
    context["checks"] = m.HealthCheck.objects.filter(child=context["child"])
    return render(request, "casework/child_health.html", context)


# Case models whose change history the History tab shows, with their label.
HISTORY_MODELS: list[tuple[Any, str]] = [
    (m.Child, "Child details"),
    (m.Involvement, "Involvement"),
    (m.Contact, "Contact"),
    (m.Referral, "Referral"),
    (m.Assessment, "Assessment"),
    (m.CINPlan, "Child in need plan"),
    (m.Section47, "Section 47 enquiry"),
    (m.InitialConference, "Initial child protection conference"),
    (m.CPPlan, "Child protection plan"),
    (m.CPReview, "Child protection review"),
    (m.CareEpisode, "Care episode"),
    (m.CareReview, "Child in care review"),
    (m.CareLeaver, "Care leaver record"),
    (m.Visit, "Visit"),
    (m.HealthCheck, "Health check"),
]
SKIP_IN_DIFF = {"id", "created_at", "updated_at", "child", "public_id"}
HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    who: str
    what: str
    action: str
    changes: list[str]
    reason: str = ""


def child_history(child: m.Child) -> list[HistoryEntry]:
    """Changes to the child and their case records, newest first: one query per record type
    (fixed), diffs worked out in Python between consecutive versions of each record."""
    entries: list[HistoryEntry] = []
    for model, label in HISTORY_MODELS:
        history = model.history.model.objects
        rows = history.filter(**({"id": child.pk} if model is m.Child else {"child_id": child.pk}))
        rows = rows.select_related("history_user").order_by("id", "history_date", "history_id")
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in SKIP_IN_DIFF and f.name not in SKIP_IN_DIFF
        ]
        previous: dict[int, Any] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            if before is not None:
                for field in fields:
                    old, new = getattr(before, field.attname), getattr(row, field.attname)
                    if old != new:
                        # Keep abbreviations (UPN, LA child ID) as written.
                        name = str(field.verbose_name)
                        changes.append(f"{name[:1].upper()}{name[1:]}: {_show(old)} → {_show(new)}")
            previous[row.id] = row
            user = row.history_user
            entries.append(
                HistoryEntry(
                    when=row.history_date,
                    who=(user.get_full_name() or user.get_username())
                    if user
                    else "System or import",
                    what=label,
                    action="Withdrawn"
                    if model is m.Visit and row.history_type == "-"
                    else HISTORY_TYPES.get(row.history_type, row.history_type),
                    changes=changes,
                    reason=row.history_change_reason or "",
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return str(value)


def child_history_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    context = _child_page(request, public_id, "history")
    context["page"] = Paginator(child_history(context["child"]), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "casework/child_history.html", context)


# --- Recording forms ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    context = _child_page(request, public_id, "visits")
    worker = getattr(request.user, "worker", None)
    if worker is None:
        # A visit is recorded by the worker who made it; logins without a worker record cannot.
        raise PermissionDenied("Only a worker can record their visit.")
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_record(child=context["child"], worker=worker, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Visit recorded")
            return redirect("child_visits", public_id=context["child"].public_id)
    context["form"] = form
    return render(request, "casework/visit_form.html", context)


def _visit_to_correct(request: HttpRequest, public_id: Any, visit_id: Any) -> dict[str, Any]:
    """The child page context and the visit (404 unless it is this in-scope child's), refused in
    words when this user may not correct it."""
    context = _child_page(request, public_id, "visits")
    visit = get_object_or_404(
        m.Visit.objects.select_related("worker"), child=context["child"], public_id=visit_id
    )
    refusal = visit_correction_refusal(user=_user(request), visit=visit)
    if refusal:
        raise PermissionDenied(refusal)
    context["visit"] = visit
    return context


@require_http_methods(["GET", "POST"])
def visit_correct_view(request: HttpRequest, public_id: Any, visit_id: Any) -> HttpResponse:
    context = _visit_to_correct(request, public_id, visit_id)
    visit = context["visit"]
    initial = {
        "date": visit.date,
        "visit_type": visit.visit_type,
        "child_seen": "yes" if visit.child_seen else "no",
        "seen_alone": "yes" if visit.seen_alone else "no",
    }
    form = VisitCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit_correct(user=_user(request), visit=visit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Visit corrected. The change and its reason are in the history"
            )
            return redirect("child_visits", public_id=context["child"].public_id)
    context["form"] = form
    return render(request, "casework/visit_correct.html", context)


@require_http_methods(["GET", "POST"])
def visit_withdraw_view(request: HttpRequest, public_id: Any, visit_id: Any) -> HttpResponse:
    context = _visit_to_correct(request, public_id, visit_id)
    form = VisitWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_withdraw(user=_user(request), visit=context["visit"], **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Visit withdrawn. It is kept, with its reason, in the history"
            )
            return redirect("child_visits", public_id=context["child"].public_id)
    context["form"] = form
    return render(request, "casework/visit_withdraw.html", context)


@require_http_methods(["GET", "POST"])
def health_check_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    context = _child_page(request, public_id, "health")
    form = HealthCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            health_check_record(child=context["child"], **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Check recorded")
            return redirect("child_health", public_id=context["child"].public_id)
    context["form"] = form
    return render(request, "casework/health_check_form.html", context)


# --- Find a child ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def child_search(request: HttpRequest) -> HttpResponse:
    """Find a child by name, LA child ID or date of birth, among the children the user may see
    only: a child outside the scope is not found, and nothing about it is written to the audit.
    The search itself is audited like a list (the ids of the children shown; what was typed is
    not kept, as it may be a name). Four queries whatever the number of results."""
    user = _user(request)
    if user.role not in CHILD_LEVEL_ROLES:
        raise RoleRefused("Searches for children", CHILD_LEVEL_LABELS)
    form = ChildSearchForm(request.GET if "q" in request.GET else None)
    results: list[m.Child] | None = None
    as_at = reporting_date()
    if form.is_valid():
        text = form.cleaned_data["q"]
        scoped = children_visible_to(user, as_at=as_at)
        results = list(
            children_matching(scoped, text=text).annotate(
                worker_name=Subquery(allocations_open_at(as_at).values("worker__name")[:1])
            )
        )
        by = "date of birth" if parse_date_of_birth(text) else "name or LA child ID"
        record_access(
            request, action="search", child_ids=[c.pk for c in results], filters={"by": by}
        )
    return render(
        request,
        "casework/child_search.html",
        {"form": form, "results": results, "limit": SEARCH_LIMIT, "as_at": as_at},
    )


# --- My caseload --------------------------------------------------------------------------------


def caseload_children(user: Any, as_at: date) -> QuerySet[m.Child]:
    """The children on this user's caseload at D: a social worker's allocated children, a team
    manager's team's children (and so their own allocations). Annotated for the table with
    subqueries so the page runs a fixed number of queries whatever its length."""
    # The scope is the caseload: a social worker's is their allocations, a manager's their team.
    visible = children_visible_to(user, as_at=as_at)
    allocation = allocations_open_at(as_at)
    return visible.annotate(
        category=category_at(as_at),
        worker_name=Subquery(allocation.values("worker__name")[:1]),
        allocated_date=Subquery(allocation.values("start_date")[:1]),
        last_seen=latest_seen_visit(as_at),
    )


def caseload(request: HttpRequest) -> HttpResponse:
    as_at = reporting_date()
    role = _user(request).role
    if role not in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER):
        # A list of children outside the user's role answers like any out-of-scope record,
        # and the refusal is audited like one.
        record_access(request, action="refused", status_code=404)
        raise Http404("The caseload is for social workers and team managers.")
    table = CaseloadTable(caseload_children(request.user, as_at))
    if role == Role.SOCIAL_WORKER:
        table.columns.hide("worker_name")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    rows = list(table.page.object_list) if table.page else []
    record_access(
        request,
        action="list",
        child_ids=[row.record.pk for row in rows],
        count=table.paginator.count if table.page else 0,
    )
    return render(
        request,
        "casework/caseload.html",
        {"table": table, "as_at": as_at, "is_manager": role == Role.TEAM_MANAGER},
    )
