"""The Django admin for the case record and reference data.

Administrators manage teams, workers and reference data here; case data can be corrected but never
deleted (no delete permission, so no "delete selected" action either). Every changelist runs a
fixed number of queries whatever its length (list_select_related, annotations) and never counts a
big table in full (EstimatedCountPaginator, show_full_result_count = False), so it stays usable
with 100,000 children.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import router, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import Role
from casework import models as m
from casework import workingdays
from casework.queries import open_at
from casework.reporting import reporting_date
from casework.signals import child_records_changed
from common.admin_paginator import EstimatedCountPaginator


class FastChangelistMixin:
    """Big-table settings shared by every admin of the case record."""

    paginator: type[Paginator] = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50


class NoDeleteMixin:
    """Case data is never hard-deleted from the UI (DESIGN.md section 4): records are closed with
    an end date instead. Without delete permission Django also drops "delete selected"."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefreshesStoredListsMixin:
    """An edit of a child's case record in the admin (the form and its inlines, or a revert to
    an earlier version from the history page) tells the layers above which children it touched,
    in the same transaction, as an import does (`child_records_changed`): the workbench's
    stored exception rows of those children are rewritten then, so the workbench agrees with
    the drill-downs and the scorecard on the next request, not after the nightly refresh.

    The children are noted when the object is saved and announced once the inlines are saved
    too (`save_related`), so the rows are computed from the whole edit. A worker's own record
    carries no child row (a child's team is the allocation's): the workers' caseload lists,
    like a closure day's new calendar, follow at the nightly refresh."""

    def _touched_children(self, obj: Any, form: Any) -> set[int]:
        if isinstance(obj, m.Child):
            return {obj.pk}
        ids: set[int] = {obj.child_id} if getattr(obj, "child_id", None) else set()
        # A record moved to another child changes the lists of both.
        before = (getattr(form, "initial", None) or {}).get("child")
        if before:
            ids.add(getattr(before, "pk", before))
        return ids

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        pending: set[int] = getattr(request, "_children_to_refresh", set())
        request._children_to_refresh = pending | self._touched_children(obj, form)  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        self._announce(request)

    def history_form_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Reverting to a version saves the object without save_related, and outside the
        # change form's transaction: the save and the refresh must commit together.
        with transaction.atomic(using=router.db_for_write(self.model)):  # type: ignore[attr-defined]
            response = super().history_form_view(request, *args, **kwargs)  # type: ignore[misc]
            self._announce(request)
        return response

    def _announce(self, request: HttpRequest) -> None:
        ids: set[int] = getattr(request, "_children_to_refresh", set())
        request._children_to_refresh = set()  # type: ignore[attr-defined]
        if ids:
            child_records_changed.send(sender=self.model, child_ids=sorted(ids))  # type: ignore[attr-defined]


class CaseRecordAdmin(
    RefreshesStoredListsMixin, FastChangelistMixin, NoDeleteMixin, SimpleHistoryAdmin
):
    """Case models with a change history."""


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _is_performance_officer(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "role", None) is not None) and (
        user.role == Role.PERFORMANCE_OFFICER  # type: ignore[union-attr]
    )


class PerformanceOfficerReadableMixin:
    """Import runs and their quarantined records are the performance officers' working lists.
    They still need a staff account to reach the admin at all."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or _is_performance_officer(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _is_performance_officer(request)  # type: ignore[misc]


# --- Inlines on the child -------------------------------------------------------------------------


class ChildInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InvolvementInline(ChildInline):
    model = m.Involvement
    fields = ("role", "worker", "team", "start_date", "end_date", "reason_for_change")
    raw_id_fields = ("worker", "team")


class ReferralInline(ChildInline):
    model = m.Referral
    fields = ("referral_date", "team", "source", "primary_need", "nfa", "closure_date")
    raw_id_fields = ("team", "contact")


class CINPlanInline(ChildInline):
    model = m.CINPlan
    fields = ("start_date", "end_date", "referral")
    raw_id_fields = ("referral",)
    verbose_name_plural = "CIN plans"


class CPPlanInline(ChildInline):
    model = m.CPPlan
    fields = ("start_date", "end_date", "initial_category", "latest_category", "referral")
    raw_id_fields = ("referral",)


class CareEpisodeInline(ChildInline):
    model = m.CareEpisode
    fields = ("start_date", "end_date", "rne", "legal_status", "place", "rec")


class CareLeaverInline(ChildInline):
    model = m.CareLeaver
    fields = ("eligibility", "start_date", "end_date", "pathway_plan_date", "personal_adviser")
    raw_id_fields = ("personal_adviser",)


class VisitInline(ChildInline):
    """Read-only here: a child in care for years has hundreds of visits, and an editable row
    costs a query per widget. Each row links to the visit's own page for corrections."""

    model = m.Visit
    fields = ("date", "visit_type", "child_seen", "seen_alone", "worker", "recorded_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Visit]:
        return super().get_queryset(request).select_related("worker")


# --- Organisation and reference data --------------------------------------------------------------


@admin.register(m.ServiceArea)
class ServiceAreaAdmin(FastChangelistMixin, admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(m.Team)
class TeamAdmin(FastChangelistMixin, admin.ModelAdmin):
    list_display = ("name", "service_area", "kind")
    list_filter = ("kind", "service_area")
    list_select_related = ("service_area",)
    search_fields = ("name",)


@admin.register(m.Worker)
class WorkerAdmin(CaseRecordAdmin):
    list_display = ("name", "staff_id", "role", "team", "fte", "agency", "start_date", "end_date")
    list_filter = ("role", "agency", "team__service_area", "team")
    list_select_related = ("team",)
    search_fields = ("name", "=staff_id")
    raw_id_fields = ("user",)


@admin.register(m.CouncilClosureDay)
class CouncilClosureDayAdmin(FastChangelistMixin, admin.ModelAdmin):
    """Closure days change every working-day timescale, so each change rebuilds the calendar."""

    list_display = ("date", "reason")
    date_hierarchy = "date"
    search_fields = ("reason",)

    def _rebuilt(self, request: HttpRequest) -> None:
        workingdays.rebuild()
        messages.info(request, "The working-day calendar has been rebuilt.")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._rebuilt(request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        self._rebuilt(request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        self._rebuilt(request)


@admin.register(m.CalendarDay)
class CalendarDayAdmin(FastChangelistMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Derived from bank holidays and closure days: read it here, change the closure days."""

    list_display = ("date", "is_working_day", "working_day_number", "holiday_name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("holiday_name",)


# --- Children -----------------------------------------------------------------------------------


@admin.register(m.Child)
class ChildAdmin(CaseRecordAdmin):
    list_display = (
        "la_child_id",
        "last_name",
        "first_name",
        "date_of_birth",
        "sex",
        "upn",
        "allocated_worker",
        "date_of_death",
    )
    list_display_links = ("la_child_id", "last_name")
    list_filter = ("sex", "disability", "uasc")
    # Exact ids and name prefixes: a leading wildcard would scan 100,000 rows.
    search_fields = ("=la_child_id", "=upn", "^last_name", "^first_name")
    readonly_fields = ("public_id",)
    inlines = [
        InvolvementInline,
        ReferralInline,
        CINPlanInline,
        CPPlanInline,
        CareEpisodeInline,
        CareLeaverInline,
        VisitInline,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Child]:
        # One subquery instead of a lookup per row for the allocated worker column.
        allocation = m.Involvement.objects.filter(
            open_at(reporting_date()),
            child=OuterRef("pk"),
            role=m.Involvement.Role.ALLOCATED_WORKER,
        )
        return (
            super()
            .get_queryset(request)
            .annotate(allocated_worker_name=Subquery(allocation.values("worker__name")[:1]))
        )

    @admin.display(description="Allocated worker", ordering="allocated_worker_name")
    def allocated_worker(self, obj: m.Child) -> str:
        return getattr(obj, "allocated_worker_name", None) or "Unallocated"


class ChildRecordAdmin(CaseRecordAdmin):
    """A row that belongs to one child: the child's id and name, found by LA child id."""

    autocomplete_fields: tuple[str, ...] = ("child",)
    child_search = ("=child__la_child_id", "^child__last_name")

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return [*self.child_search, *super().get_search_fields(request)]

    @admin.display(description="LA child ID", ordering="child__la_child_id")
    def child_id(self, obj: Any) -> str:
        return obj.child.la_child_id if obj.child_id else ""


@admin.register(m.Involvement)
class InvolvementAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "role", "worker", "team", "start_date", "end_date")
    list_filter = ("role", "team__service_area", "team", ("end_date", admin.EmptyFieldListFilter))
    list_select_related = ("child", "worker", "team")
    autocomplete_fields = ("child", "worker")
    search_fields = ("worker__name",)
    date_hierarchy = "start_date"


@admin.register(m.Contact)
class ContactAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "received_at", "source", "decided_at", "outcome", "team")
    list_filter = ("outcome", "team")
    list_select_related = ("child", "team")
    date_hierarchy = "received_at"


@admin.register(m.Referral)
class ReferralAdmin(ChildRecordAdmin):
    list_display = (
        "child_id",
        "child",
        "referral_date",
        "team",
        "source",
        "primary_need",
        "nfa",
        "closure_date",
    )
    list_filter = (
        "nfa",
        "team__service_area",
        "team",
        ("closure_date", admin.EmptyFieldListFilter),
    )
    list_select_related = ("child", "team")
    raw_id_fields = ("contact",)
    date_hierarchy = "referral_date"


@admin.register(m.Assessment)
class AssessmentAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "start_date", "authorised_date", "factors")
    list_filter = (("authorised_date", admin.EmptyFieldListFilter),)
    list_select_related = ("child",)
    raw_id_fields = ("referral",)
    date_hierarchy = "start_date"


@admin.register(m.CINPlan)
class CINPlanAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "start_date", "end_date")
    list_filter = (("end_date", admin.EmptyFieldListFilter),)
    list_select_related = ("child",)
    raw_id_fields = ("referral",)
    date_hierarchy = "start_date"


@admin.register(m.Section47)
class Section47Admin(ChildRecordAdmin):
    list_display = (
        "child_id",
        "child",
        "start_date",
        "icpc_target_date",
        "icpc_not_required",
        "end_date",
    )
    list_filter = ("icpc_not_required",)
    list_select_related = ("child",)
    raw_id_fields = ("referral",)
    date_hierarchy = "start_date"


@admin.register(m.InitialConference)
class InitialConferenceAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "date", "plan_made")
    list_filter = ("plan_made",)
    list_select_related = ("child",)
    raw_id_fields = ("section47", "referral")
    date_hierarchy = "date"


@admin.register(m.CPPlan)
class CPPlanAdmin(ChildRecordAdmin):
    list_display = (
        "child_id",
        "child",
        "start_date",
        "end_date",
        "initial_category",
        "latest_category",
    )
    list_filter = ("latest_category", ("end_date", admin.EmptyFieldListFilter))
    list_select_related = ("child",)
    raw_id_fields = ("referral",)
    date_hierarchy = "start_date"


@admin.register(m.CPReview)
class CPReviewAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "due_date", "held_date")
    list_filter = (("held_date", admin.EmptyFieldListFilter),)
    list_select_related = ("child",)
    raw_id_fields = ("cp_plan",)
    date_hierarchy = "due_date"


@admin.register(m.CareEpisode)
class CareEpisodeAdmin(ChildRecordAdmin):
    list_display = (
        "child_id",
        "child",
        "start_date",
        "end_date",
        "rne",
        "legal_status",
        "place",
        "placement_la",
        "in_area",
    )
    list_filter = ("legal_status", "place", "in_area", ("end_date", admin.EmptyFieldListFilter))
    list_select_related = ("child",)
    date_hierarchy = "start_date"


@admin.register(m.MissingEpisode)
class MissingEpisodeAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "kind", "start_date", "end_date")
    list_filter = ("kind",)
    list_select_related = ("child",)
    date_hierarchy = "start_date"


@admin.register(m.CareReview)
class CareReviewAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "due_date", "held_date", "child_participation")
    list_select_related = ("child",)
    date_hierarchy = "held_date"


@admin.register(m.CareLeaver)
class CareLeaverAdmin(ChildRecordAdmin):
    list_display = (
        "child_id",
        "child",
        "eligibility",
        "start_date",
        "end_date",
        "pathway_plan_date",
        "latest_review_date",
        "personal_adviser",
    )
    list_filter = ("eligibility", ("end_date", admin.EmptyFieldListFilter))
    list_select_related = ("child", "personal_adviser")
    autocomplete_fields = ("child", "personal_adviser")


@admin.register(m.Visit)
class VisitAdmin(ChildRecordAdmin):
    # No date_hierarchy: its DISTINCT over dates would scan the biggest table on every page.
    list_display = (
        "child_id",
        "child",
        "date",
        "visit_type",
        "child_seen",
        "seen_alone",
        "worker",
        "recorded_at",
    )
    list_filter = ("visit_type", "child_seen", "seen_alone", "date")
    list_select_related = ("child", "worker")
    autocomplete_fields = ("child", "worker")
    readonly_fields = ("public_id",)


@admin.register(m.HealthCheck)
class HealthCheckAdmin(ChildRecordAdmin):
    list_display = ("child_id", "child", "kind", "date")
    list_filter = ("kind", "date")
    list_select_related = ("child",)


# --- Feedback, voice and risk --------------------------------------------------------------------


@admin.register(m.Complaint)
class ComplaintAdmin(CaseRecordAdmin):
    list_display = ("received_date", "child", "team", "stage", "outcome")
    list_filter = ("outcome", "stage", "team")
    list_select_related = ("child", "team")
    autocomplete_fields = ("child",)
    search_fields = ("=child__la_child_id",)
    date_hierarchy = "received_date"


@admin.register(m.VoiceAccount)
class VoiceAccountAdmin(
    RefreshesStoredListsMixin, FastChangelistMixin, NoDeleteMixin, admin.ModelAdmin
):
    list_display = ("opened_date", "closed_date", "child", "worker")
    list_filter = (("closed_date", admin.EmptyFieldListFilter),)
    list_select_related = ("child", "worker")
    autocomplete_fields = ("child", "worker")
    search_fields = ("=child__la_child_id", "worker__name")
    date_hierarchy = "opened_date"


@admin.register(m.VoiceStatement)
class VoiceStatementAdmin(
    RefreshesStoredListsMixin, FastChangelistMixin, NoDeleteMixin, admin.ModelAdmin
):
    list_display = ("date", "child", "scenario")
    list_select_related = ("child",)
    autocomplete_fields = ("child",)
    search_fields = ("=child__la_child_id", "scenario")
    date_hierarchy = "date"


@admin.register(m.StrategicRisk)
class StrategicRiskAdmin(FastChangelistMixin, admin.ModelAdmin):
    list_display = ("title", "quarter_end", "owner", "likelihood", "impact", "score")
    list_filter = ("quarter_end",)
    search_fields = ("title", "owner")
    readonly_fields = ("score",)


# --- Imports -------------------------------------------------------------------------------------


class QuarantinedRecordInline(admin.TabularInline):
    model = m.QuarantinedRecord
    fields = ("file", "row", "table", "reasons", "reviewed")
    readonly_fields = ("file", "row", "table", "reasons", "reviewed")
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.ImportRun)
class ImportRunAdmin(
    FastChangelistMixin, PerformanceOfficerReadableMixin, ReadOnlyMixin, admin.ModelAdmin
):
    """Written only by the importers; the record of what was loaded is not edited by hand."""

    list_display = ("started_at", "kind", "filename", "outcome", "user", "finished_at")
    list_filter = ("kind", "outcome")
    list_select_related = ("user",)
    search_fields = ("filename", "=digest")
    date_hierarchy = "started_at"
    inlines = [QuarantinedRecordInline]


@admin.register(m.QuarantinedRecord)
class QuarantinedRecordAdmin(
    FastChangelistMixin, PerformanceOfficerReadableMixin, NoDeleteMixin, admin.ModelAdmin
):
    """Only "reviewed" can change: the record itself is what the file said."""

    list_display = ("import_run", "file", "row", "table", "reviewed")
    list_filter = ("reviewed", "table", "import_run__kind")
    list_select_related = ("import_run",)
    search_fields = ("file", "table")
    readonly_fields = ("import_run", "file", "row", "table", "record", "reasons")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
