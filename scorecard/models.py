"""Scorecard storage: targets and benchmarks (versioned by date), the nightly snapshots of every
measure at every scope, the child ids behind quarter-end figures, a record of each rollup run,
and the committee reports being prepared and published.

Measures themselves are code (scorecard/measures/), not rows: a code here is a measure code.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Polarity(models.TextChoices):
    """Mirrors scorecard.measures.base.Better; blank on a target means "as the measure says"."""

    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"
    NEITHER = "", "As the measure defines"


class MeasureTarget(models.Model):
    """The target, tolerance and polarity of a measure from a date. The target in force at D is
    the row with the latest `effective_from` ≤ D, so changing a target never rewrites history."""

    code = models.CharField(max_length=60, db_index=True)
    effective_from = models.DateField()
    target = models.DecimalField(max_digits=10, decimal_places=2)
    # In the value's unit (percentage points for percentages). Blank: the default in rating.py.
    tolerance = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    better = models.CharField(max_length=4, choices=Polarity.choices, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="measuretarget_one_per_code_date"
            ),
            models.CheckConstraint(
                condition=models.Q(tolerance__isnull=True) | models.Q(tolerance__gte=0),
                name="measuretarget_tolerance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} target {self.target} from {self.effective_from}"


class Benchmark(models.Model):
    """A comparator figure: England, statistical neighbours, Good/Outstanding authorities. The
    benchmark shown at D is the latest `effective_from` ≤ D for each label."""

    code = models.CharField(max_length=60, db_index=True)
    label = models.CharField(max_length=100)
    period = models.CharField(max_length=60, help_text="The period the figure is for, e.g. 2017-18")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    effective_from = models.DateField()
    source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "label", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "label", "effective_from"], name="benchmark_one_per_label_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label} {self.period}: {self.value}"


class ScopeLevel(models.TextChoices):
    COUNCIL = "council", "Council"
    SERVICE_AREA = "service_area", "Service area"
    TEAM = "team", "Team"
    WORKER = "worker", "Worker"


COUNCIL_SCOPE_ID = 0


class RollupRun(models.Model):
    """One rollup: a date (date_from = date_to) or a backfill range. Chunks are groups of
    measures for one date, done by Celery workers or in process."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    date_from = models.DateField()
    date_to = models.DateField()
    month_ends = models.BooleanField(default=False)
    trigger = models.CharField(max_length=20, blank=True, help_text="beat, command or task")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    chunks_expected = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    # {date: {code: milliseconds}}: which measures are done, and how long each took.
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["date_to", "status"], name="rolluprun_date_status")]

    def __str__(self) -> str:
        dates = (
            f"{self.date_from}"
            if self.date_from == self.date_to
            else f"{self.date_from} to {self.date_to}"
        )
        return f"Rollup {dates} ({self.status})"

    @property
    def is_single_date(self) -> bool:
        return self.date_from == self.date_to


class KpiSnapshot(models.Model):
    """A measure's value at one scope on one date. Stocks are as at `date`; flows over the
    measure's default period ending on `date`. Written only by the rollup (an upsert on the
    unique key, so re-running a date replaces rather than duplicates)."""

    code = models.CharField(max_length=60)
    scope_level = models.CharField(max_length=12, choices=ScopeLevel.choices)
    # The service area, team or worker pk; 0 for the council. Not a foreign key: a snapshot
    # outlives a team that is renamed or closed, and the page reads by (level, id) anyway.
    scope_id = models.PositiveBigIntegerField(default=COUNCIL_SCOPE_ID)
    date = models.DateField()
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    value = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    run = models.ForeignKey(
        RollupRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    computed_at = models.DateTimeField()

    class Meta:
        # The admin names it as people say it, not by the class ("Kpi snapshots").
        verbose_name = "measure snapshot"
        verbose_name_plural = "measure snapshots (the nightly figures)"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "scope_level", "scope_id", "date"], name="kpisnapshot_unique_key"
            )
        ]
        indexes = [
            # Trends and the snapshot scorecard: every code for one scope over a date range.
            models.Index(fields=["scope_level", "scope_id", "date"], name="kpisnapshot_scope_date"),
            # Missed nights: which dates have council rows.
            models.Index(fields=["date", "scope_level"], name="kpisnapshot_date_level"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.scope_level}:{self.scope_id} {self.date} = {self.value}"


class SnapshotCohort(models.Model):
    """The row ids behind a quarter-end snapshot, so a committee figure can be reproduced after
    the case record changes. Ids are child pks for child measures, worker pks for worker
    measures and event pks (contact, referral...) for event measures: `subject` says which."""

    snapshot = models.OneToOneField(KpiSnapshot, on_delete=models.CASCADE, related_name="cohort")
    subject = models.CharField(max_length=10)
    numerator_ids = models.JSONField(default=list)
    # Empty for counts, whose denominator is the numerator.
    denominator_ids = models.JSONField(default=list)
    child_ids = models.JSONField(default=list, help_text="Distinct children behind the rows")

    def __str__(self) -> str:
        return f"Cohort of {self.snapshot}"


class CommitteeReport(models.Model):
    """The committee report of a quarter and scope being prepared: the cover the performance
    officer sets and their edits of the drafted narrative, by key ("summary" or a section's
    slug). Each edit keeps the draft it was made from (`drafts`), so when the numbers later
    change the edit page shows how the draft moved beneath the edit. Who changed what is in
    the history."""

    quarter = models.CharField(max_length=10, help_text='The financial quarter, "2018-19-Q2"')
    scope_level = models.CharField(max_length=20, choices=ScopeLevel.choices)
    scope_id = models.PositiveIntegerField(help_text="0 for the council")
    meeting_date = models.DateField(null=True, blank=True)
    officer = models.CharField("officer contact", max_length=200, blank=True)
    sponsor = models.CharField("report sponsor", max_length=200, blank=True)
    texts = models.JSONField(default=dict, blank=True)
    drafts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "scope_level", "scope_id"], name="one_report_per_quarter_scope"
            )
        ]

    def __str__(self) -> str:
        return f"Committee report {self.quarter} ({self.scope_level} {self.scope_id})"


class ReportVersion(models.Model):
    """A published version of a committee report, frozen: its figures as they were read from
    the quarter-end snapshot, its text as published, and the files the committee received, so
    later changes to the record or a re-run rollup cannot alter it."""

    report = models.ForeignKey(CommitteeReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    figures = models.JSONField(help_text="The scorecard rows as published")
    texts = models.JSONField(help_text="The summary and each section's narrative as published")
    cover = models.JSONField()
    pdf = models.BinaryField()
    docx = models.BinaryField()
    xlsx = models.BinaryField()
    history = HistoricalRecords(excluded_fields=["pdf", "docx", "xlsx"])

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.report} version {self.number}"


class ReportRender(models.Model):
    """A committee pack rendered in the background, because its quarter has no complete
    quarter-end snapshot and every measure must be calculated now (seconds on a large council).
    The page polls `progress`; the PDF is kept for its requester to download."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    quarter = models.CharField(max_length=10)
    scope_level = models.CharField(max_length=20, choices=ScopeLevel.choices)
    scope_id = models.PositiveIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    stage = models.CharField(max_length=100, blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Pack {self.quarter} ({self.scope_level} {self.scope_id}): {self.status}"
