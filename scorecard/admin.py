"""Admin for the scorecard: targets and benchmarks are edited here (each change a new dated row
keeps history); snapshots, cohorts and rollup runs are read-only records of what was computed."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from scorecard.models import Benchmark, KpiSnapshot, MeasureTarget, RollupRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the rollup: editing a snapshot would falsify a reported figure."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MeasureTarget)
class MeasureTargetAdmin(admin.ModelAdmin):
    list_display = ("code", "effective_from", "target", "tolerance", "better", "note")
    list_filter = ("better",)
    search_fields = ("code",)
    ordering = ("code", "-effective_from")
    fields = ("code", "effective_from", "target", "tolerance", "better", "note")


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "period", "value", "effective_from", "source")
    list_filter = ("label",)
    search_fields = ("code", "label")
    ordering = ("code", "label", "-effective_from")
    fields = ("code", "label", "period", "value", "effective_from", "source")


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("code", "scope_level", "scope_id", "date", "numerator", "denominator", "value")
    list_filter = ("scope_level", "date")
    search_fields = ("code",)
    date_hierarchy = "date"
    # Millions of rows after a backfill: never count the whole table for the changelist.
    show_full_result_count = False
    list_per_page = 100
    fields = (
        "code",
        "scope_level",
        "scope_id",
        "date",
        "numerator",
        "denominator",
        "value",
        "run",
        "computed_at",
    )


@admin.register(RollupRun)
class RollupRunAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "date_from",
        "date_to",
        "trigger",
        "status",
        "chunks_done",
        "chunks_expected",
        "started_at",
        "finished_at",
    )
    list_filter = ("status", "trigger")
    date_hierarchy = "started_at"
    fields = (
        "date_from",
        "date_to",
        "month_ends",
        "trigger",
        "status",
        "chunks_expected",
        "chunks_done",
        "started_at",
        "finished_at",
        "timings",
        "error",
    )
