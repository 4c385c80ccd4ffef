"""The case record. Field names follow the DfE CIN census, the SSDA903 return and Data to Insight's
Standard Safeguarding Dataset so imports map one to one.

Rules kept here: fields, choices, constraints, indexes and tiny properties of one row. Reads live in
`queries.py`, writes in `services.py`. Case data is never hard-deleted from the UI: every foreign
key is PROTECT, and case models keep a change history.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Stamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def _end_after_start(
    model: str, start: str = "start_date", end: str = "end_date", *, message: str = ""
) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=f"{model}_{end}_not_before_{start}",
        violation_error_message=message
        or f"The {end.replace('_', ' ')} cannot be before the {start.replace('_', ' ')}.",
    )


# --- Organisation -------------------------------------------------------------------------------


class ServiceArea(Stamped):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(Stamped):
    class Kind(models.TextChoices):
        FRONT_DOOR = "front_door", "Front door / MASH"
        ASSESSMENT = "assessment", "Assessment"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        CHILDREN_IN_CARE = "children_in_care", "Children in care"
        CARE_LEAVERS = "care_leavers", "Care leavers"
        DISABLED_CHILDREN = "disabled_children", "Disabled children"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, unique=True)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Worker(Stamped):
    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        ASYE = "asye", "Newly qualified social worker (ASYE)"
        SENIOR_PRACTITIONER = "senior_practitioner", "Senior practitioner"
        TEAM_MANAGER = "team_manager", "Team manager"
        HEAD_OF_SERVICE = "head_of_service", "Head of service"
        PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
        FAMILY_SUPPORT = "family_support", "Family support worker"

    # Roles counted as "social workers" by the caseload measures.
    SOCIAL_WORK_ROLES = (Role.SOCIAL_WORKER, Role.ASYE, Role.SENIOR_PRACTITIONER)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    staff_id = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=30, choices=Role.choices, db_index=True)
    fte = models.DecimalField("FTE", max_digits=3, decimal_places=2, default=1)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="workers")
    agency = models.BooleanField(default=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="worker",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            _end_after_start("worker"),
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1),
                name="worker_fte_between_0_and_1",
                violation_error_message="FTE must be more than 0 and at most 1.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CouncilClosureDay(Stamped):
    """A day the council is closed although it is not a bank holiday (e.g. between Christmas and
    New Year). It is not a working day for any timescale."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}: {self.reason}"


class CalendarDay(models.Model):
    """One row per date. `working_day_number` is the running count of working days up to and
    including the date, so "working days after S up to and including E" is
    `number(E) - number(S)`: integer arithmetic inside SQL. Rebuilt by workingdays.rebuild()."""

    date = models.DateField(primary_key=True)
    is_working_day = models.BooleanField()
    working_day_number = models.IntegerField(db_index=True)
    holiday_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} ({self.working_day_number})"


# --- Children -----------------------------------------------------------------------------------


class Child(Stamped):
    class Sex(models.TextChoices):
        MALE = "M", "Male"
        FEMALE = "F", "Female"
        UNKNOWN = "U", "Not known"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    la_child_id = models.CharField("LA child ID", max_length=36, unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, blank=True)
    upn = models.CharField("UPN", max_length=13, blank=True)
    disability = models.BooleanField(default=False)
    uasc = models.BooleanField("Unaccompanied asylum-seeking child", default=False)
    postcode = models.CharField(max_length=10, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    # The SSDA903 collection year (year ending 31 March) whose header last set sex, date of
    # birth, ethnicity and UPN: a return loaded later but for an earlier year must not undo a
    # later year's correction.
    ssda903_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["last_name", "first_name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=F("date_of_birth")),
                name="child_death_not_before_birth",
                violation_error_message="The date of death cannot be before the date of birth.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.la_child_id

    def get_absolute_url(self) -> str:
        return child_url(self.public_id)

    @property
    def full_name(self) -> str:
        return str(self)


def child_url(public_id: uuid.UUID | str) -> str:
    """The child record's address, for rows that carry the public id without the Child."""
    return reverse("child_overview", args=[public_id])


class Involvement(Stamped):
    """A worker's involvement with a child (SSD ssd_involvements). The allocated-worker history
    drives caseloads, "allocated", changes of social worker and the team a child belongs to."""

    class Role(models.TextChoices):
        ALLOCATED_WORKER = "allocated", "Allocated worker"
        PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
        IRO = "iro", "Independent reviewing officer"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="involvements")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="involvements")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="involvements")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ALLOCATED_WORKER)
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(null=True, blank=True, db_index=True)
    reason_for_change = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            _end_after_start("involvement"),
            models.UniqueConstraint(
                fields=["child", "role"],
                condition=Q(end_date__isnull=True),
                name="one_open_involvement_of_a_role_per_child",
                violation_error_message="This child already has an open involvement of this role.",
            ),
        ]
        # "Open at D" reads start and end together, and the scope reads the child's id: with
        # both in the index the scope's team and child look-ups never touch the table (a head of
        # service's visible children on SQLite, demo size: 106 ms to 19 ms with the referral
        # index below).
        indexes = [
            models.Index(fields=["child", "role", "start_date", "end_date"]),
            models.Index(fields=["worker", "role", "start_date"]),
            models.Index(fields=["team", "role", "start_date", "end_date", "child"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.worker} ({self.start_date})"


# --- Front door and children in need -------------------------------------------------------------


class Contact(Stamped):
    class Outcome(models.TextChoices):
        REFERRAL = "referral", "Referral to social care"
        EARLY_HELP = "early_help", "Early help"
        ADVICE = "advice", "Advice and information"
        NFA = "nfa", "No further action"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="contacts", null=True, blank=True
    )
    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=10, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            _end_after_start(
                "contact",
                "received_at",
                "decided_at",
                message="The decision cannot be before the contact was received.",
            )
        ]

    def __str__(self) -> str:
        return f"Contact {self.received_at:%d %b %Y %H:%M}"


class Referral(Stamped):
    """A CIN episode: opened by a referral, closed by a closure date. An open referral is an open
    social care episode."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="referrals", help_text="Responsible team"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    referral_date = models.DateField(db_index=True)
    source = models.CharField(max_length=4, blank=True)
    primary_need = models.CharField(max_length=4, blank=True)
    nfa = models.BooleanField("No further action", default=False)
    closure_date = models.DateField(null=True, blank=True, db_index=True)
    closure_reason = models.CharField(max_length=4, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referral_date"]
        constraints = [
            _end_after_start("referral", "referral_date", "closure_date"),
            models.UniqueConstraint(
                fields=["child", "referral_date"], name="one_referral_per_child_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["child", "referral_date"]),
            # The scope's "referred to the team, open at D" set, read from the index alone.
            models.Index(fields=["team", "referral_date", "closure_date", "child"]),
        ]

    def __str__(self) -> str:
        return f"Referral {self.referral_date:%d %b %Y}"


class Assessment(Stamped):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="assessments")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    start_date = models.DateField(db_index=True)
    authorised_date = models.DateField(null=True, blank=True, db_index=True)
    factors = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            _end_after_start("assessment", "start_date", "authorised_date"),
            models.UniqueConstraint(
                fields=["child", "start_date"], name="one_assessment_per_child_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.start_date:%d %b %Y}"


class CINPlan(Stamped):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cin_plans")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="cin_plans"
    )
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "CIN plan"
        constraints = [
            _end_after_start("cinplan"),
            models.UniqueConstraint(fields=["child", "start_date"], name="one_cin_plan_per_day"),
        ]

    def __str__(self) -> str:
        return f"CIN plan {self.start_date:%d %b %Y}"


class Section47(Stamped):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="section47s")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="section47s"
    )
    start_date = models.DateField("Strategy discussion", db_index=True)
    icpc_target_date = models.DateField("ICPC target date", null=True, blank=True)
    icpc_not_required = models.BooleanField("ICPC not required", default=False)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        constraints = [
            _end_after_start("section47"),
            models.UniqueConstraint(fields=["child", "start_date"], name="one_s47_per_day"),
        ]

    def __str__(self) -> str:
        return f"Section 47 {self.start_date:%d %b %Y}"


class InitialConference(Stamped):
    """Initial child protection conference (ICPC)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="initial_conferences")
    section47 = models.ForeignKey(
        Section47, on_delete=models.PROTECT, null=True, blank=True, related_name="conferences"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="conferences"
    )
    date = models.DateField(db_index=True)
    plan_made = models.BooleanField("Outcome: child protection plan", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = "initial child protection conference"
        constraints = [
            models.UniqueConstraint(fields=["child", "date"], name="one_icpc_per_child_per_day")
        ]

    def __str__(self) -> str:
        return f"ICPC {self.date:%d %b %Y}"


class CPPlan(Stamped):
    class Category(models.TextChoices):
        NEGLECT = "NEG", "Neglect"
        PHYSICAL = "PHY", "Physical abuse"
        SEXUAL = "SAB", "Sexual abuse"
        EMOTIONAL = "EMO", "Emotional abuse"
        MULTIPLE = "MUL", "Multiple"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cp_plans")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="cp_plans"
    )
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(null=True, blank=True, db_index=True)
    initial_category = models.CharField(max_length=3, choices=Category.choices, blank=True)
    latest_category = models.CharField(max_length=3, choices=Category.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "child protection plan"
        constraints = [
            _end_after_start("cpplan"),
            models.UniqueConstraint(fields=["child", "start_date"], name="one_cp_plan_per_day"),
        ]

    def __str__(self) -> str:
        return f"CP plan {self.start_date:%d %b %Y}"


class CPReview(Stamped):
    """Review child protection conference. The child is kept on the row so scope filters need
    no join through the plan."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cp_reviews")
    cp_plan = models.ForeignKey(CPPlan, on_delete=models.PROTECT, related_name="reviews")
    due_date = models.DateField(db_index=True)
    held_date = models.DateField(null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_date"]
        verbose_name = "child protection review"
        constraints = [
            models.UniqueConstraint(fields=["cp_plan", "due_date"], name="one_cp_review_per_due")
        ]

    def __str__(self) -> str:
        return f"CP review due {self.due_date:%d %b %Y}"


# --- Children in care ---------------------------------------------------------------------------


class CareEpisode(Stamped):
    """An SSDA903 episode. A period of care is a run of contiguous episodes; a placement is a run
    of episodes with the same placement (a new placement starts with RNE P or B)."""

    # Legal statuses that are short breaks, not "in care" for the measures (DESIGN.md section 4).
    SHORT_BREAK_STATUSES = ("V3", "V4")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_episodes")
    start_date = models.DateField("DECOM", db_index=True)
    end_date = models.DateField("DEC", null=True, blank=True, db_index=True)
    rne = models.CharField("Reason for new episode", max_length=1)
    legal_status = models.CharField("LS", max_length=2, db_index=True)
    cin = models.CharField("Category of need", max_length=2, blank=True)
    place = models.CharField("Placement type", max_length=3)
    place_provider = models.CharField(max_length=3, blank=True)
    rec = models.CharField("Reason episode ceased", max_length=3, blank=True)
    reason_place_change = models.CharField(max_length=5, blank=True)
    home_postcode = models.CharField(max_length=10, blank=True)
    placement_postcode = models.CharField(max_length=10, blank=True)
    placement_la = models.CharField(
        "Placement LA code", max_length=9, blank=True, help_text="ONS code, e.g. E10000013"
    )
    in_area = models.BooleanField("Placed inside the council's area", null=True, blank=True)
    distance_miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    # SSDA903 URN: Ofsted's unique reference number of the placement provider (7 characters,
    # "SC" and 6 digits for older registrations; XXXXXXX when the placement is not registered).
    urn = models.CharField(
        "URN of the placement provider", max_length=8, blank=True, default="", db_default=""
    )
    # The latest SSDA903 collection year (year ending 31 March) whose return reported this
    # episode: a return is authoritative for its own year, so an earlier year's copy never
    # overwrites it. Empty for an episode recorded in the app.
    return_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # The end date was not reported: the episode was open in its last return and missing from a
    # later one, and the performance officer chose (or has not yet chosen) to close it at the
    # end of that year (OpenEpisodeDecision).
    end_inferred = models.BooleanField(default=False, db_default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            _end_after_start("careepisode"),
            models.UniqueConstraint(
                fields=["child", "start_date"], name="one_care_episode_per_child_per_start"
            ),
        ]
        indexes = [models.Index(fields=["child", "start_date"])]

    def __str__(self) -> str:
        return f"Episode {self.start_date:%d %b %Y} {self.legal_status}/{self.place}"


class HeldEpisode(Stamped):
    """An SSDA903 episode kept out of the care history because it overlaps another episode of
    the child (DfE rule 503-style overlap: an episode starts before the previous one ended).
    Both episodes of an overlapping pair are held, whichever return brought them, so the stored
    history does not depend on the order returns were loaded in; a later return that removes
    the overlap releases them."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="held_episodes")
    start_date = models.DateField("DECOM")
    end_date = models.DateField("DEC", null=True, blank=True)
    return_year = models.PositiveSmallIntegerField()
    row = models.JSONField(help_text="The CareEpisode fields as the return gave them")
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "start_date"], name="one_held_episode_per_child_per_start"
            )
        ]

    def __str__(self) -> str:
        return f"Held episode {self.start_date:%d %b %Y}"


class SSDA903Return(Stamped):
    """A collection year whose SSDA903 return has been loaded (year ending 31 March)."""

    collection_year = models.PositiveSmallIntegerField(unique=True)
    import_run = models.ForeignKey("ImportRun", on_delete=models.PROTECT, related_name="+")
    tables = models.JSONField(default=list)

    class Meta:
        ordering = ["collection_year"]

    def __str__(self) -> str:
        return f"SSDA903 {self.collection_year - 1}/{self.collection_year % 100:02d}"


class OpenEpisodeDecision(Stamped):
    """An episode open at the end of the last return that reported it and missing from a later
    return. The later return is authoritative for its year, so until the performance officer
    chooses, the episode is closed at 31 March of the year it was last reported; "keep open"
    restores it as reported."""

    class Choice(models.TextChoices):
        PENDING = "pending", "Not decided (closed at the end of the year last reported)"
        KEEP_OPEN = "keep_open", "Keep open"
        CLOSE = "close", "Close at the end of the year last reported"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("DECOM")
    last_reported_year = models.PositiveSmallIntegerField()
    choice = models.CharField(max_length=10, choices=Choice.choices, default=Choice.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_reported_year", "child", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "start_date"], name="one_open_episode_decision_per_episode"
            )
        ]

    def __str__(self) -> str:
        return f"Episode {self.start_date:%d %b %Y} last reported {self.last_reported_year}"


class CareOutcome(Stamped):
    """SSDA903 OC2: outcomes of a child looked after continuously for 12 months at 31 March of
    the collection year (year ending 31 March), one row per child per year. Each flag is True,
    False or not known (blank in the return)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_outcomes")
    collection_year = models.PositiveSmallIntegerField()
    sdq_score = models.PositiveSmallIntegerField("SDQ score", null=True, blank=True)
    sdq_reason = models.CharField("Reason no SDQ", max_length=4, blank=True)
    convicted = models.BooleanField(null=True, blank=True)
    health_check = models.BooleanField("Health assessment up to date", null=True, blank=True)
    immunisations = models.BooleanField("Immunisations up to date", null=True, blank=True)
    teeth_check = models.BooleanField("Dental check up to date", null=True, blank=True)
    health_assessment = models.BooleanField(
        "Development assessment up to date (under 5)", null=True, blank=True
    )
    substance_misuse = models.BooleanField(null=True, blank=True)
    intervention_received = models.BooleanField(null=True, blank=True)
    intervention_offered = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-collection_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year"], name="one_care_outcome_per_child_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"OC2 {self.collection_year}"


class MissingEpisode(Stamped):
    """SSDA903 MISSING table: a time a child looked after was missing from their placement (M),
    or away from it without authorisation (A, "absent" in Ofsted's Annex A), with its start and
    end dates. Keyed by child and start date (MIS_START), as the return keys it; of the copies in
    several returns the latest collection year's wins (`return_year`)."""

    class Kind(models.TextChoices):
        MISSING = "M", "Missing from placement"
        ABSENT = "A", "Away from placement without authorisation"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="missing_episodes")
    kind = models.CharField("MISSING", max_length=1, choices=Kind.choices)
    start_date = models.DateField("MIS_START")
    end_date = models.DateField("MIS_END", null=True, blank=True)
    return_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            _end_after_start("missingepisode"),
            models.UniqueConstraint(
                fields=["child", "start_date"], name="one_missing_episode_per_child_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date:%d %b %Y}"


class CareReview(Stamped):
    """Statutory review of a child in care."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_reviews")
    due_date = models.DateField(null=True, blank=True)
    held_date = models.DateField(null=True, blank=True, db_index=True)
    child_participation = models.CharField(max_length=4, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "held_date"], name="one_care_review_per_day")
        ]

    def __str__(self) -> str:
        return f"Review {self.held_date or self.due_date}"


class CareLeaver(Stamped):
    class Eligibility(models.TextChoices):
        ELIGIBLE = "eligible", "Eligible"
        RELEVANT = "relevant", "Relevant"
        FORMER_RELEVANT = "former_relevant", "Former relevant"
        QUALIFYING = "qualifying", "Qualifying"

    # Categories owed a pathway plan (Children (Leaving Care) Act 2000).
    PATHWAY_PLAN_CATEGORIES = (
        Eligibility.ELIGIBLE,
        Eligibility.RELEVANT,
        Eligibility.FORMER_RELEVANT,
    )

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_leaver_records")
    eligibility = models.CharField(max_length=20, choices=Eligibility.choices)
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(null=True, blank=True, db_index=True)
    pathway_plan_date = models.DateField(null=True, blank=True)
    latest_review_date = models.DateField(null=True, blank=True)
    personal_adviser = models.ForeignKey(
        Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="care_leavers"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            _end_after_start("careleaver"),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(end_date__isnull=True),
                name="one_open_care_leaver_record_per_child",
                violation_error_message="This child already has an open care leaver record.",
            ),
        ]

    def __str__(self) -> str:
        return f"Care leaver ({self.get_eligibility_display()})"


# --- Visits and health ---------------------------------------------------------------------------


class Visit(Stamped):
    class Type(models.TextChoices):
        CIN = "cin", "Child in need visit"
        CP = "cp", "Child protection visit"
        CLA = "cla", "Child in care visit"
        ASSESSMENT = "assessment", "Assessment visit"
        OTHER = "other", "Other visit"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="visits")
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    date = models.DateField(db_index=True)
    visit_type = models.CharField(max_length=20, choices=Type.choices)
    child_seen = models.BooleanField(default=True)
    seen_alone = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(help_text="When the visit was written up")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child_seen=True) | Q(seen_alone=False),
                name="visit_seen_alone_needs_seen",
                violation_error_message="A child who was not seen cannot have been seen alone.",
            )
        ]
        indexes = [
            models.Index(fields=["child", "date"], name="visit_child_date"),
            models.Index(
                fields=["child", "date"], condition=Q(child_seen=True), name="visit_seen_child_date"
            ),
            # The admin's changelist orders by -date, -pk: with the date alone indexed, PostgreSQL
            # joined and sorted every visit of each date it reached (2,300 a day at tier XL), so
            # page 1 and the deepest page grew 1.4x and 1.7x from L to XL (docs/performance.md).
            models.Index(fields=["date", "id"], name="visit_date_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_visit_type_display()} {self.date:%d %b %Y}"


class HealthCheck(Stamped):
    class Kind(models.TextChoices):
        HEALTH = "health", "Health assessment"
        DENTAL = "dental", "Dental check"
        DEVELOPMENT = "development", "Development check"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="health_checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind", "date"], name="one_check_of_a_kind_per_day"
            )
        ]
        indexes = [models.Index(fields=["child", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d %b %Y}"


# --- Feedback, voice and risk --------------------------------------------------------------------


class Complaint(Stamped):
    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTIALLY_UPHELD = "partially_upheld", "Partially upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"
        PENDING = "pending", "Not yet decided"

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    received_date = models.DateField(db_index=True)
    stage = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__gte=1) & Q(stage__lte=3),
                name="complaint_stage_1_to_3",
                violation_error_message="A complaint is at stage 1, 2 or 3.",
            )
        ]

    def __str__(self) -> str:
        return f"Complaint {self.received_date:%d %b %Y}"


class VoiceAccount(Stamped):
    """A Mind of My Own account, held by a child or by a worker."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="voice_accounts"
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="voice_accounts"
    )
    opened_date = models.DateField(db_index=True)
    closed_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_date"]
        constraints = [
            _end_after_start("voiceaccount", "opened_date", "closed_date"),
            models.CheckConstraint(
                condition=Q(child__isnull=True, worker__isnull=False)
                | Q(child__isnull=False, worker__isnull=True),
                name="voice_account_child_xor_worker",
                violation_error_message="An account belongs to either a child or a worker.",
            ),
        ]

    def __str__(self) -> str:
        return f"Mind of My Own account {self.opened_date:%d %b %Y}"


class VoiceStatement(Stamped):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="voice_statements")
    date = models.DateField(db_index=True)
    scenario = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Statement {self.date:%d %b %Y}"


class StrategicRisk(Stamped):
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=150)
    quarter_end = models.DateField(db_index=True)
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    score = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-quarter_end", "-score"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_1_to_5",
                violation_error_message="Likelihood and impact are scored 1 to 5.",
            ),
            models.UniqueConstraint(fields=["title", "quarter_end"], name="one_risk_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.quarter_end})"


# --- Imports -------------------------------------------------------------------------------------


class ImportRun(Stamped):
    class Kind(models.TextChoices):
        CIN_CENSUS = "cin_census", "CIN census"
        SSDA903 = "ssda903", "SSDA903"
        ANNEX_A = "annex_a", "Annex A"

    class Outcome(models.TextChoices):
        LOADED = "loaded", "Loaded"
        LOADED_WITH_QUARANTINE = "quarantined", "Loaded, some records quarantined"
        REJECTED = "rejected", "Rejected"
        UNCHANGED = "unchanged", "Already loaded: nothing changed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    digest = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    counts = models.JSONField(default=dict)
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.get_outcome_display()})"


class QuarantinedRecord(Stamped):
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="quarantined")
    file = models.CharField(max_length=255)
    row = models.PositiveIntegerField()
    table = models.CharField(max_length=50)
    record = models.JSONField()
    reasons = models.JSONField()
    reviewed = models.BooleanField(default=False)

    class Meta:
        ordering = ["import_run", "file", "row"]

    def __str__(self) -> str:
        return f"{self.file} row {self.row}"
