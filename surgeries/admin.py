from django.contrib import admin

from surgeries.models import Action, BarrierCode, Surgery


@admin.register(BarrierCode)
class BarrierCodeAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "active", "position")
    list_editable = ("active", "position")
    search_fields = ("label", "code")
    fields = ("code", "label", "active", "position")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Codes are referenced by actions and minutes: retire them (active off) instead.
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("pk", "list_code", "status", "due_date", "escalation_level", "raised_on")
    list_filter = ("status", "escalation_level", "list_code")
    list_select_related = ("owner",)
    readonly_fields = (
        "child",
        "owner",
        "created_by",
        "surgery",
        "escalated_at",
        "completed_at",
        "completed_on",
        "raised_on",
    )
    fields = (
        "child",
        "list_code",
        "barrier",
        "description",
        "owner",
        "due_date",
        "status",
        "outcome_note",
        "created_by",
        "surgery",
        "raised_on",
        "escalation_level",
        "escalated_at",
        "completed_at",
        "completed_on",
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Surgery)
class SurgeryAdmin(admin.ModelAdmin):
    list_display = ("title", "date", "status", "scope_key")
    list_filter = ("status",)
    fields = ("title", "date", "status", "scope_key", "lists", "closed_at")
    readonly_fields = ("status", "scope_key", "lists", "closed_at")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
