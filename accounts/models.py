"""Users and the access audit."""

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from accounts.roles import PRECEDENCE, Role


class User(AbstractUser):
    """A login. Its role comes from its groups; its place in the structure from its Worker row
    (`user.worker`), or `service_area` for heads of service and leaders without a caseload."""

    service_area = models.ForeignKey(
        "casework.ServiceArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="For heads of service: the service area they lead.",
    )
    otp_required = models.BooleanField(
        "Second factor required",
        default=False,
        help_text="Require a TOTP second factor even if the role does not.",
    )

    @cached_property
    def role(self) -> Role | None:
        if self.is_superuser:
            return Role.ADMINISTRATOR
        names = {g.name for g in self.groups.all()}
        for role in PRECEDENCE:
            if role.value in names:
                return role
        return None

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else "No role"

    @property
    def needs_second_factor(self) -> bool:
        # Anyone who can reach the admin (staff) needs it too, whatever their role.
        return (
            self.otp_required
            or self.is_staff
            or (self.role is not None and self.role.value in settings.OTP_REQUIRED_ROLES)
        )


class AccessEvent(models.Model):
    """One row per view or export of child-level data, written in the request, also for refusals.
    Append-only: the app has no path that updates or deletes it, and the admin is read-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    role = models.CharField(max_length=30, blank=True)
    action = models.CharField(max_length=30)  # view, list, export, drilldown, refused
    url_name = models.CharField(max_length=100)
    path = models.CharField(max_length=500)
    child_ids = models.JSONField(default=list, help_text="Internal child ids, never names")
    count = models.PositiveIntegerField(default=0)
    filters = models.JSONField(default=dict, blank=True)
    status_code = models.PositiveSmallIntegerField(default=200)
    request_id = models.CharField(max_length=36, db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.url_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Access events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access events cannot be deleted.")
