"""Admin for logins and the access audit.

A user's role is the Django group they are in (accounts.roles); administrators give roles by
adding groups here. The access audit is evidence of who looked at which children: nobody, a
superuser included, can add, change or delete it through the admin.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import AccessEvent, User
from accounts.two_factor import second_factor_reset
from common.admin_paginator import EstimatedCountPaginator


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role_name",
        "service_area",
        "is_staff",
        "is_active",
        "otp_required",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active", "otp_required")
    list_select_related = ("service_area",)
    actions = ["reset_second_factor"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("Place in the structure and second factor", {"fields": ("service_area", "otp_required")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # The role comes from the groups: one prefetch instead of a query per row.
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Role")
    def role_name(self, obj: User) -> str:
        return obj.role_label

    @admin.action(
        description="Reset the second factor of the selected users (lost or new phone)",
        permissions=["change"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """A user who lost their phone cannot sign in; an administrator removes their devices
        and the user sets up a new one at the next sign-in (accounts.two_factor)."""
        users = list(queryset)
        removed = sum(second_factor_reset(request=request, user=u) for u in users)
        self.message_user(
            request,
            f"Second factor reset for {len(users)} user{'s' if len(users) != 1 else ''} "
            f"({removed} device{'s' if removed != 1 else ''} removed). They set up a new one "
            "the next time they sign in.",
            messages.SUCCESS,
        )


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Strictly read-only: the audit must be trustworthy evidence."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 100
    list_display = (
        "at",
        "user",
        "role",
        "action",
        "url_name",
        "count",
        "status_code",
        "request_id",
    )
    list_filter = ("action", "role", "status_code", "at")
    list_select_related = ("user",)
    search_fields = ("=request_id", "=user__username", "url_name")
    readonly_fields = [f.name for f in AccessEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
