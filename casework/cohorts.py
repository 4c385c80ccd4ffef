"""Cohorts of the case record: who is open at D and in which category, when their episode and
their period of care began, when they were last seen. Written once here, for the case record's
own pages and exports and for the scorecard's measures above it."""

from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from casework.models import (
    CalendarDay,
    CareEpisode,
    CareLeaver,
    Child,
    CPPlan,
    Involvement,
    Referral,
    Visit,
)
from casework.queries import allocated_worker_at, open_at, team_at
from casework.workingdays import CALENDAR_START, wd_number


class Category:
    """A child open at D is in exactly one category, the first of PRECEDENCE whose records they
    have (DESIGN.md section 4): in care > child protection > care leaver > child in need (open
    otherwise). `category_at`, `category_set_at` and `category_set_q` are all built from it."""

    CIC = "cic"
    CP = "cp"
    CARE_LEAVER = "care_leaver"
    CIN = "cin"
    PRECEDENCE = (CIC, CP, CARE_LEAVER, CIN)
    LABELS = {
        CIC: "Child in care",
        CP: "Child protection",
        CARE_LEAVER: "Care leaver",
        CIN: "Child in need",
    }


# --- The records that make a child open at D, and their category ---------------------------------
#
# Each rule is written once, as a queryset of the records open at D. Two SQL shapes use it:
# `*_q(as_at, child_ref)` is a correlated EXISTS (for one child, or a page of them), and
# `*_set(as_at)` is an uncorrelated `pk IN (SELECT child_id ...)` that PostgreSQL and SQLite build
# once per statement and probe per child (for the measures, which read every open child: the
# correlated form made PostgreSQL probe four tables for each of the council's children).


def care_episodes_open_at(as_at: date) -> QuerySet[CareEpisode]:
    """Care episodes open at D, any legal status (a short break keeps the child open)."""
    return CareEpisode.objects.filter(open_at(as_at))


def in_care_records(as_at: date) -> QuerySet[CareEpisode]:
    """Care episodes open at D whose legal status is not a short break (V3/V4)."""
    return care_episodes_open_at(as_at).exclude(legal_status__in=CareEpisode.SHORT_BREAK_STATUSES)


def cp_plans_open_at(as_at: date) -> QuerySet[CPPlan]:
    return CPPlan.objects.filter(open_at(as_at))


def care_leaver_records_open_at(as_at: date) -> QuerySet[CareLeaver]:
    return CareLeaver.objects.filter(open_at(as_at))


def referrals_open_on(as_at: date) -> QuerySet[Referral]:
    return Referral.objects.filter(open_at(as_at, "referral_date", "closure_date"))


def _exists_for(records: QuerySet, child_ref: str) -> Q:
    return Q(Exists(records.filter(child=OuterRef(child_ref))))


def _child_in(records: QuerySet, child_ref: str = "pk") -> Q:
    return Q(**{f"{child_ref}__in": records.order_by().values("child_id")})


def in_care_q(as_at: date, child_ref: str = "pk") -> Q:
    """A care episode open at D whose legal status is not a short break (V3/V4)."""
    return _exists_for(in_care_records(as_at), child_ref)


def on_cp_plan_q(as_at: date, child_ref: str = "pk") -> Q:
    return _exists_for(cp_plans_open_at(as_at), child_ref)


def care_leaver_q(as_at: date, child_ref: str = "pk") -> Q:
    return _exists_for(care_leaver_records_open_at(as_at), child_ref)


def open_referral_q(as_at: date, child_ref: str = "pk") -> Q:
    return _exists_for(referrals_open_on(as_at), child_ref)


def open_q(as_at: date, child_ref: str = "pk") -> Q:
    """Open to social care at D: an open referral, care episode (any legal status, so a child
    loaded only from an SSDA903 return is open while in care), CP plan or care-leaver record."""
    return (
        open_referral_q(as_at, child_ref)
        | _exists_for(care_episodes_open_at(as_at), child_ref)
        | on_cp_plan_q(as_at, child_ref)
        | care_leaver_q(as_at, child_ref)
    )


def open_set(as_at: date, child_ref: str = "pk") -> Q:
    """open_q as one uncorrelated set (a UNION of the open records' children): the same
    children, found by joining the open records instead of testing every child."""
    return _child_in_any(
        [
            referrals_open_on(as_at),
            care_episodes_open_at(as_at),
            cp_plans_open_at(as_at),
            care_leaver_records_open_at(as_at),
        ],
        child_ref,
    )


def _child_in_any(record_sets: list[QuerySet], child_ref: str = "pk") -> Q:
    first, *others = (records.order_by().values("child_id") for records in record_sets)
    return Q(**{f"{child_ref}__in": first.union(*others)})


def _category_records(as_at: date) -> dict[str, QuerySet]:
    """The records that put an open child in each category but the last (child in need), which
    is every open child in none of them."""
    return {
        Category.CIC: in_care_records(as_at),
        Category.CP: cp_plans_open_at(as_at),
        Category.CARE_LEAVER: care_leaver_records_open_at(as_at),
    }


def category_at(as_at: date) -> Case:
    """Category by Category.PRECEDENCE: in care > child protection > care leaver > child in
    need."""
    records = _category_records(as_at)
    return _category({c: _exists_for(r, "pk") for c, r in records.items()})


def category_set_at(as_at: date) -> Case:
    """category_at from uncorrelated sets (for queries over many children)."""
    records = _category_records(as_at)
    return _category({c: _child_in(r) for c, r in records.items()})


def _category(has_records: dict[str, Q]) -> Case:
    *ranked, last = Category.PRECEDENCE
    return Case(
        *(When(has_records[c], then=Value(c)) for c in ranked),
        default=Value(last),
        output_field=CharField(),
    )


def category_set_q(as_at: date, category: str) -> Q:
    """Open at D and in `category` by Category.PRECEDENCE, as a filter PostgreSQL can answer by
    joining the open records rather than testing each child: the category's records as a set (a
    semi-join), the categories that take precedence as NOT EXISTS (anti-joins, whose row
    estimates are right where NOT IN's are guesses that mislead the plan)."""
    if category not in Category.PRECEDENCE:
        raise ValueError(f"Unknown category {category!r}")
    records = _category_records(as_at)
    ahead = Category.PRECEDENCE[: Category.PRECEDENCE.index(category)]
    if category in records:
        q = _child_in(records[category])
    else:
        # Child in need: open through a referral or a care episode (a short break: any care
        # episode that is care makes the child in care), and in none of the other categories.
        q = _child_in_any([referrals_open_on(as_at), care_episodes_open_at(as_at)])
    for higher in ahead:
        q &= ~_exists_for(records[higher], "pk")
    return q


def _open_child_rows(children: QuerySet[Child], as_at: date, category) -> QuerySet[Child]:
    return children.exclude(date_of_death__lte=as_at).annotate(
        child_id=F("pk"),
        worker_id=allocated_worker_at(as_at),
        team_id=team_at(as_at),
        category=category,
    )


def open_children(as_at: date) -> QuerySet[Child]:
    """Open children at D annotated with child_id, worker_id, team_id and category: the base of
    every child-level stock measure."""
    return _open_child_rows(Child.objects.filter(open_set(as_at)), as_at, category_set_at(as_at))


def children_in_category(as_at: date, category: str) -> QuerySet[Child]:
    """Open children at D in one category (the rows of open_children with that category)."""
    return _open_child_rows(
        Child.objects.filter(category_set_q(as_at, category)),
        as_at,
        Value(category, output_field=CharField()),
    )


# --- Building blocks for the timescale measures (added for the caseload, front door, referral,
# assessment and children in need sections; the functions above keep their behaviour) ---------


def children_in_need(as_at: date) -> QuerySet[Child]:
    """Children in need at D: open children whose category (by precedence) is child in need."""
    return children_in_category(as_at, Category.CIN)


def flag(condition: Q) -> Case:
    """A boolean annotation from a condition; NULL comparisons fall to False, never NULL, so
    `in_numerator=False` finds every row that is not in the numerator."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def wd_number_on(day: date) -> Subquery:
    """SQL: the working-day number of a fixed date, read from the calendar table in the same
    statement (not from a per-process cache, which would go stale when closure days change)."""
    return wd_number(Value(day, output_field=DateField()))


def working_days_before(day: date, n: int) -> Coalesce:
    """SQL: subtract_working_days(day, n), read from the calendar table inside the statement (an
    uncorrelated subquery, evaluated once): the working day numbered number(day) - n, the earliest
    start still inside an n-working-day timescale at `day` (CALENDAR_START if there is none).
    Not the per-process Python calendar: that is reloaded every few minutes, so the queries a
    measure runs would depend on when it last was, and it goes stale when closure days change."""
    number = CalendarDay.objects.filter(date=day).values("working_day_number")[:1]
    first = CalendarDay.objects.filter(
        working_day_number=Subquery(number, output_field=IntegerField()) - n, is_working_day=True
    ).values("date")[:1]
    return Coalesce(
        Subquery(first, output_field=DateField()),
        Value(CALENDAR_START, output_field=DateField()),
        output_field=DateField(),
    )


# A child reference: a field name of the query the expression is used in, or OuterRef("pk") for
# an expression nested one query deeper (inside `episode_start_row`).
ChildRef = str | OuterRef


def latest_open_referral_date(as_at: date, child_ref: ChildRef = "pk") -> Subquery:
    return Subquery(
        Referral.objects.filter(
            open_at(as_at, "referral_date", "closure_date"), child=OuterRef(child_ref)
        )
        .order_by("-referral_date")
        .values("referral_date")[:1],
        output_field=DateField(),
    )


def episode_start_at(as_at: date, child_ref: ChildRef = "pk") -> Coalesce:
    """When the child's current involvement with social care began: the latest open referral;
    for a child open without one (a 903-only child in care, short breaks, a care leaver), the
    start of the earliest open care episode, child protection plan or care-leaver record."""

    def earliest_open(model) -> Subquery:
        return Subquery(
            model.objects.filter(open_at(as_at), child=OuterRef(child_ref))
            .order_by("start_date")
            .values("start_date")[:1],
            output_field=DateField(),
        )

    return Coalesce(
        latest_open_referral_date(as_at, child_ref),
        earliest_open(CareEpisode),
        earliest_open(CPPlan),
        earliest_open(CareLeaver),
        output_field=DateField(),
    )


def episode_start_row(as_at: date) -> QuerySet[CalendarDay]:
    """For a condition on a child's episode start (`episode_start_at`) and its working-day
    number: the calendar row of that date, to filter inside an Exists on the child. Its `date`
    is the episode start and its `working_day_number` the start's number; anything correlated to
    the child inside it refers to OuterRef(OuterRef("pk")). No row when the child has no episode
    start (or it lies outside the calendar), as a NULL number compares false.

    Why: an annotation is written into the SQL again wherever another annotation uses it, so a
    rule reading the episode start in four places had PostgreSQL look it up four times per
    child (COALESCE of up to four subqueries each time, some inside other subqueries' WHERE,
    evaluated per row they scan). Here the start is found once per child: the row's index
    condition is evaluated once, when the lookup starts."""
    return CalendarDay.objects.filter(date=episode_start_at(as_at, OuterRef("pk")))


def seen_visits(
    as_at: date, child_ref: ChildRef = "pk", *, since: date | Combinable | None = None
) -> QuerySet[Visit]:
    """The child's visits on or before D at which the child was seen (and, with `since`, on or
    after that date or expression), newest first: for `.values(field)[:1]` subqueries and Exists."""
    visits = Visit.objects.filter(child=OuterRef(child_ref), child_seen=True, date__lte=as_at)
    if since is not None:
        visits = visits.filter(date__gte=since)
    return visits.order_by("-date")


def latest_seen_visit(
    as_at: date, child_ref: ChildRef = "pk", *, since: date | Combinable | None = None
) -> Subquery:
    """The date of the child's latest visit on or before D at which the child was seen (with
    `since`: the latest on or after it, NULL if none was)."""
    return Subquery(
        seen_visits(as_at, child_ref, since=since).values("date")[:1], output_field=DateField()
    )


def allocated_caseload_at(as_at: date, worker_ref: str = "pk") -> Coalesce:
    """The number of children allocated to the worker at D (allocated-worker involvements open at
    D), as a correlated subquery so a worker queryset stays one row per worker."""
    return Coalesce(
        Subquery(
            Involvement.objects.filter(
                open_at(as_at), worker=OuterRef(worker_ref), role=Involvement.Role.ALLOCATED_WORKER
            )
            .order_by()
            .values("worker")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
        output_field=IntegerField(),
    )


# --- care episodes and periods of care ---------------------------------------------------------


def care_episodes() -> QuerySet[CareEpisode]:
    """Episodes that are care for the measures: short breaks (legal status V3/V4) are not
    (DESIGN.md section 4; the DfE leaves them out of looked-after periods)."""
    return CareEpisode.objects.exclude(legal_status__in=CareEpisode.SHORT_BREAK_STATUSES)


# SSDA903 reason for new episode (RNE) S: "started to be looked after". The other codes continue
# the period: L (change of legal status only), P (change of placement and carers), T (change of
# placement, same carers), B and U (a change of legal status with either at the same time).
START_RNE = "S"
# SSDA903 reason episode ceased X1: "episode ceases, and new episode begins on same day, for any
# reason". Every other code ends the period of care.
CONTINUES_REC = "X1"


def starts_period_q() -> Q:
    """On a care_episodes() queryset: the episode starts a period of care.

    DfE definition (SSDA903 guide, "periods of care"; Children looked after in England, starts):
    a child starts to be looked after with an episode whose reason for new episode (RNE) is S;
    children looked after only under an agreed series of short-term placements (legal status V3
    or V4) are left out, so a short-break episode starts nothing and a care episode coded L, P,
    T, B or U continues the period even when it follows a short break or a gap in the data."""
    return Q(rne=START_RNE)


def ceases_period_q() -> Q:
    """On a care_episodes() queryset: the episode ends a period of care.

    DfE definition (SSDA903 guide, "reason episode ceased"; Children looked after in England,
    ceases): an episode with a date ceased whose reason episode ceased (REC) is anything but X1;
    X1 means a new episode began the same day (an X1 with no following episode is DfE rule 388's
    error, not a cease)."""
    return Q(end_date__isnull=False) & ~Q(rec=CONTINUES_REC) & ~Q(rec="")


def period_of_care_start(as_at: date, child_ref: str = "pk") -> Coalesce:
    """The start of the child's period of care current at D: the latest episode on or before D
    whose RNE is S (DfE: the episode in which the child started to be looked after; a short
    break coded S that care episodes then continue starts the period too, by the return's own
    coding). For a history that begins inside a period (the earliest loaded return has the child
    already looked after), the child's earliest episode on or before D."""
    episodes = CareEpisode.objects.filter(child=OuterRef(child_ref), start_date__lte=as_at)
    return Coalesce(
        Subquery(
            episodes.filter(rne=START_RNE).order_by("-start_date").values("start_date")[:1],
            output_field=DateField(),
        ),
        Subquery(episodes.order_by("start_date").values("start_date")[:1]),
        output_field=DateField(),
    )


def current_episode(as_at: date, child_ref: str = "pk") -> QuerySet[CareEpisode]:
    """The care episode open at D (the latest started, should the data overlap), for
    `.values(field)` subqueries."""
    return care_episodes().filter(open_at(as_at), child=OuterRef(child_ref)).order_by("-start_date")
