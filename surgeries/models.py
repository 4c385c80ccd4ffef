"""Performance surgeries: follow-up actions on exception-list children, surgery meetings, their
frozen agendas, and the barrier codes that say why a child is overdue.

Rules kept here: fields, choices, constraints and indexes. Reads live in `queries.py` and
the `lists` package, writes in `services.py`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Stamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BarrierCode(Stamped):
    """Why a child is on an exception list (drift in case closure, section 47 under way...).
    Reference data, edited in the admin; seeded by a data migration."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class Surgery(Stamped):
    """A performance surgery meeting. Its scope is a service area or a set of teams; `scope_key`
    is the canonical form of that scope, so "the previous surgery of the same scope" is one
    indexed lookup."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    date = models.DateField(db_index=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_surgeries"
    )
    service_area = models.ForeignKey(
        "casework.ServiceArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    teams = models.ManyToManyField("casework.Team", related_name="surgeries")
    lists = models.JSONField(default=list, help_text="Measure codes of the exception lists")
    attendees = models.ManyToManyField("casework.Worker", blank=True, related_name="surgeries")
    scope_key = models.CharField(max_length=200, db_index=True)
    agenda_size = models.PositiveSmallIntegerField(
        default=40, help_text="How many children the chair asked for on the agenda."
    )
    agenda_children = models.JSONField(
        default=list,
        blank=True,
        help_text="Child ids of the agenda in meeting order, chosen when the surgery is planned.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "surgeries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="surgery_closed_at_iff_closed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %b %Y})"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Action(Stamped):
    """A follow-up action on a child of an exception list, owned by a worker.

    `raised_on` and `completed_on` are in the app's current date (the reporting date in the demo),
    so "overdue" and "done on time" compare like with like; `completed_at` is the real time."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Level(models.IntegerChoices):
        OWNER = 0, "Owner"
        TEAM_MANAGER = 1, "Team manager"
        HEAD_OF_SERVICE = 2, "Head of service"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="actions")
    list_code = models.CharField("Reason (exception list)", max_length=60, db_index=True)
    barrier = models.ForeignKey(
        BarrierCode, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    description = models.TextField(max_length=2000)
    owner = models.ForeignKey("casework.Worker", on_delete=models.PROTECT, related_name="actions")
    due_date = models.DateField(db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    outcome_note = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    surgery = models.ForeignKey(
        Surgery, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    raised_on = models.DateField()
    escalation_level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.OWNER)
    escalated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0) & Q(escalation_level__lte=2),
                name="action_escalation_level_0_to_2",
            ),
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | (~Q(status="open") & Q(completed_at__isnull=False)),
                name="action_completed_at_iff_not_open",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "list_code", "status"]),
            models.Index(fields=["owner", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} ({self.get_status_display()})"


class Discussion(Stamped):
    """What the surgery said about one child: a note and the barrier."""

    surgery = models.ForeignKey(Surgery, on_delete=models.PROTECT, related_name="discussions")
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=4000, blank=True)
    barrier = models.ForeignKey(
        BarrierCode, on_delete=models.PROTECT, null=True, blank=True, related_name="discussions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["surgery", "child"], name="one_discussion_per_child")
        ]

    def __str__(self) -> str:
        return f"Discussion {self.pk}"


class AgendaItem(models.Model):
    """A frozen agenda row, written when the surgery closes: the exception row as it stood at the
    meeting date, or an open action carried forward from the previous surgery of the same scope."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", "Overdue"
        DUE_SOON = "due_soon", "Due soon"
        CARRIED = "carried", "Carried forward action"

    surgery = models.ForeignKey(Surgery, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="+")
    list_code = models.CharField(max_length=60)
    list_label = models.CharField(max_length=200)
    category = models.CharField(max_length=20, blank=True)
    worker = models.ForeignKey(
        "casework.Worker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "casework.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    days_overdue = models.IntegerField(null=True, blank=True)
    rule = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    barrier = models.ForeignKey(
        BarrierCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carried_action = models.ForeignKey(
        Action, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["surgery", "position"]
        constraints = [
            models.UniqueConstraint(fields=["surgery", "position"], name="one_item_per_position")
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.position}"


class DigestSent(models.Model):
    """One row per team manager per week: the weekly digest is sent once even if the task runs
    twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="one_digest_per_week")
        ]

    def __str__(self) -> str:
        return f"Digest for week of {self.week_start}"


class ExceptionRefresh(models.Model):
    """A materialisation of every exception list as at one date (surgeries/workbench.py): the
    nightly refresh writes it, and the workbench reads `ExceptionEntry` rows only for a date
    whose refresh has finished (otherwise it computes the lists live)."""

    as_at = models.DateField(unique=True)
    due_soon_wd = models.PositiveSmallIntegerField(
        help_text="Due-soon window (working days) of the stored due-soon rows."
    )
    rows = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Exception lists as at {self.as_at:%d %b %Y}"


class ExceptionEntry(models.Model):
    """One (child, list, kind) row of the exception lists as at a date: exactly a row of
    `surgeries.lists.exception_rows` (the measures' failing()/due_soon()), stored. Derived
    data: rewritten for the whole date nightly and for one child whenever their record changes."""

    as_at = models.DateField()
    child = models.ForeignKey(
        "casework.Child", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    worker_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    list_code = models.CharField(max_length=64)
    kind = models.CharField(max_length=10)
    due_date = models.DateField(null=True)
    basis_date = models.DateField(null=True)
    category = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["as_at", "team_id"], name="exception_as_at_team"),
            models.Index(fields=["as_at", "worker_id"], name="exception_as_at_worker"),
            models.Index(fields=["as_at", "child"], name="exception_as_at_child"),
        ]

    def __str__(self) -> str:
        return f"{self.list_code} ({self.kind}) as at {self.as_at:%d %b %Y}"
