"""Annex A out: Ofsted's lists 1-11 computed from the case record as at a date, for an
inspection. Flow lists (contacts, referrals, assessments, section 47s) cover the six months to
the date, as Ofsted asks; the others are the children open in that category at the date.
Each list is one annotated query; no query per child."""

from datetime import date, timedelta
from io import BytesIO
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from casework.calendar import add_months
from casework.cohorts import (
    Category,
    care_episodes,
    latest_seen_visit,
    open_children,
    period_of_care_start,
    seen_visits,
)
from casework.importers.annex_a_layout import GENDERS, LISTS
from casework.models import (
    Assessment,
    CareEpisode,
    CareLeaver,
    CareReview,
    Child,
    Contact,
    CPPlan,
    CPReview,
    HealthCheck,
    InitialConference,
    MissingEpisode,
    Referral,
    Section47,
    Team,
)
from casework.queries import allocations_open_at, open_at, team_at

FLOW_MONTHS = 6


def _person(child: dict[str, Any], as_at: date) -> list[Any]:
    dob = child["child__date_of_birth"]
    age = None
    if dob:
        age = as_at.year - dob.year - ((as_at.month, as_at.day) < (dob.month, dob.day))
    return [
        child["child__la_child_id"],
        GENDERS.get(child["child__sex"], GENDERS["U"]),
        child["child__ethnicity"],
        dob,
        age,
    ]


def _yes_no(value: bool | None) -> str | None:
    if value is None:
        return None
    return "Yes" if value else "No"


def _allocation(qs: QuerySet, as_at: date, child_ref: str) -> QuerySet:
    return qs.annotate(
        team_id_at=team_at(as_at, child_ref),
        worker_name=Subquery(allocations_open_at(as_at, child_ref).values("worker__name")[:1]),
    )


def _latest(model, date_field: str, as_at: date, child_ref: str, **filters) -> Subquery:
    return Subquery(
        model.objects.filter(child=OuterRef(child_ref), **{f"{date_field}__lte": as_at}, **filters)
        .order_by(f"-{date_field}")
        .values(date_field)[:1]
    )


PERSON_FIELDS = ("child__la_child_id", "child__sex", "child__ethnicity", "child__date_of_birth")


def build_lists(as_at: date) -> dict[int, list[list[Any]]]:
    start = add_months(as_at, -FLOW_MONTHS)
    teams = dict(Team.objects.values_list("pk", "name"))
    lists: dict[int, list[list[Any]]] = {n: [] for n in LISTS}

    def alloc(row: dict[str, Any]) -> list[Any]:
        return [teams.get(row["team_id_at"]), row["worker_name"]]

    contacts = Contact.objects.filter(received_at__date__gt=start, received_at__date__lte=as_at)
    for row in contacts.order_by("received_at").values(*PERSON_FIELDS, "received_at", "source"):
        lists[1].append([*_person(row, as_at), row["received_at"].date(), row["source"]])

    referrals = _allocation(
        Referral.objects.filter(referral_date__gt=start, referral_date__lte=as_at),
        as_at,
        "child_id",
    ).annotate(
        previous=Subquery(
            Referral.objects.filter(
                child=OuterRef("child_id"),
                referral_date__lt=OuterRef("referral_date"),
                referral_date__gte=OuterRef("referral_date") - _year(),
            )
            .values("child")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
    )
    for row in referrals.order_by("referral_date").values(
        *PERSON_FIELDS, "referral_date", "source", "nfa", "previous", "team_id_at", "worker_name"
    ):
        lists[3].append(
            [
                *_person(row, as_at),
                row["referral_date"],
                row["source"],
                _yes_no(row["nfa"]),
                row["previous"] or 0,
                *alloc(row),
            ]
        )

    assessments = _allocation(
        Assessment.objects.filter(
            Q(start_date__gt=start, start_date__lte=as_at)
            | Q(start_date__lte=as_at, authorised_date__isnull=True)
        ),
        as_at,
        "child_id",
    ).annotate(seen=Exists(seen_visits(as_at, "child_id", since=OuterRef("start_date"))))
    for row in assessments.order_by("start_date").values(
        *PERSON_FIELDS,
        "child__disability",
        "start_date",
        "seen",
        "authorised_date",
        "team_id_at",
        "worker_name",
    ):
        lists[4].append(
            [
                *_person(row, as_at),
                _yes_no(row["child__disability"]),
                row["start_date"],
                _yes_no(row["seen"]),
                row["authorised_date"],
                None,
                *alloc(row),
            ]
        )

    s47s = _allocation(
        Section47.objects.filter(start_date__gt=start, start_date__lte=as_at), as_at, "child_id"
    ).annotate(
        icpc_date=Subquery(
            InitialConference.objects.filter(section47=OuterRef("pk")).values("date")[:1]
        ),
        icpc_plan=Subquery(
            InitialConference.objects.filter(section47=OuterRef("pk")).values("plan_made")[:1]
        ),
        # Earlier enquiries and initial conferences of the child in the 12 months before this
        # enquiry began, counted as List 3 counts earlier referrals.
        previous_s47s=_count(
            Section47.objects.filter(
                child=OuterRef("child_id"),
                start_date__lt=OuterRef("start_date"),
                start_date__gte=OuterRef("start_date") - _year(),
            )
        ),
        previous_icpcs=_count(
            InitialConference.objects.filter(
                child=OuterRef("child_id"),
                date__lt=OuterRef("start_date"),
                date__gte=OuterRef("start_date") - _year(),
            )
        ),
    )
    for row in s47s.order_by("start_date").values(
        *PERSON_FIELDS,
        "child__disability",
        "start_date",
        "icpc_not_required",
        "icpc_date",
        "icpc_plan",
        "previous_s47s",
        "previous_icpcs",
        "team_id_at",
        "worker_name",
    ):
        lists[5].append(
            [
                *_person(row, as_at),
                _yes_no(row["child__disability"]),
                row["start_date"],
                _yes_no(row["icpc_not_required"]),
                row["icpc_date"],
                _yes_no(row["icpc_plan"]),
                row["previous_s47s"],
                row["previous_icpcs"],
                *alloc(row),
            ]
        )

    children = open_children(as_at)
    cin = children.filter(
        category=Category.CIN
    ).annotate(  # type: ignore[misc]  # annotation
        worker_name=Subquery(allocations_open_at(as_at).values("worker__name")[:1]),
        # A child in need with no open referral is open through a short-break episode (V3/V4):
        # that episode's start is when the child became a child in need.
        referral_date=Coalesce(
            Subquery(
                Referral.objects.filter(
                    open_at(as_at, "referral_date", "closure_date"), child=OuterRef("pk")
                )
                .order_by("-referral_date")
                .values("referral_date")[:1]
            ),
            Subquery(
                CareEpisode.objects.filter(open_at(as_at), child=OuterRef("pk"))
                .order_by("start_date")
                .values("start_date")[:1]
            ),
        ),
        primary_need=Subquery(
            Referral.objects.filter(
                open_at(as_at, "referral_date", "closure_date"), child=OuterRef("pk")
            )
            .order_by("-referral_date")
            .values("primary_need")[:1]
        ),
        last_seen=latest_seen_visit(as_at),
    )
    for row in cin.order_by("la_child_id").values(
        "la_child_id",
        "sex",
        "ethnicity",
        "date_of_birth",
        "disability",
        "referral_date",
        "primary_need",
        "last_seen",
        "team_id",
        "worker_name",
    ):
        person = {
            "child__la_child_id": row["la_child_id"],
            "child__sex": row["sex"],
            "child__ethnicity": row["ethnicity"],
            "child__date_of_birth": row["date_of_birth"],
        }
        lists[6].append(
            [
                *_person(person, as_at),
                _yes_no(row["disability"]),
                row["referral_date"],
                row["primary_need"],
                row["last_seen"],
                None,
                None,
                "Open",
                teams.get(row["team_id"]),
                row["worker_name"],
            ]
        )

    plans = _allocation(
        CPPlan.objects.filter(start_date__lte=as_at).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=start)
        ),
        as_at,
        "child_id",
    ).annotate(
        last_visit=latest_seen_visit(as_at, "child_id"),
        seen_alone=Subquery(seen_visits(as_at, "child_id").values("seen_alone")[:1]),
        last_review=Subquery(
            CPReview.objects.filter(cp_plan=OuterRef("pk"), held_date__lte=as_at)
            .order_by("-held_date")
            .values("held_date")[:1]
        ),
        previous_plans=Subquery(
            CPPlan.objects.filter(child=OuterRef("child_id"), start_date__lt=OuterRef("start_date"))
            .values("child")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
    )
    for row in plans.order_by("start_date").values(
        *PERSON_FIELDS,
        "child__disability",
        "start_date",
        "initial_category",
        "latest_category",
        "last_visit",
        "seen_alone",
        "last_review",
        "end_date",
        "previous_plans",
        "team_id_at",
        "worker_name",
    ):
        end = row["end_date"] if row["end_date"] and row["end_date"] <= as_at else None
        lists[7].append(
            [
                *_person(row, as_at),
                _yes_no(row["child__disability"]),
                row["start_date"],
                row["initial_category"],
                row["latest_category"],
                row["last_visit"],
                _yes_no(row["seen_alone"]),
                row["last_review"],
                end,
                None,
                row["previous_plans"] or 0,
                *alloc(row),
            ]
        )

    lists[8] = _children_in_care(as_at, teams)

    leavers = _allocation(CareLeaver.objects.filter(open_at(as_at)), as_at, "child_id")
    for row in leavers.order_by("child__la_child_id").values(
        *PERSON_FIELDS,
        "child__disability",
        "eligibility",
        "team_id_at",
        "worker_name",
    ):
        lists[9].append(
            [
                *_person(row, as_at),
                _yes_no(row["child__disability"]),
                *alloc(row),
                CareLeaver.Eligibility(row["eligibility"]).label,
                # In touch, accommodation and its suitability, activity: the SSDA903 OC3
                # table's, which is not stored.
                None,
                None,
                None,
                None,
            ]
        )
    return lists


def _year() -> timedelta:
    # "In the last 12 months" as Ofsted's template counts it: 365 days before the referral.
    return timedelta(days=365)


# SSDA903 reasons for a new episode that begin a placement: S (the first placement of a period
# of care), P (change of placement and carers), T (change of placement, same carers), B and U (the
# same at once with a change of legal status). L changes the legal status only.
PLACEMENT_START_RNE = ("S", "P", "T", "B", "U")
# SSDA903 URN when the placement is not registered with Ofsted: no URN to give.
NO_URN = "XXXXXXX"


def window_start(as_at: date, months: int = 12) -> date:
    """The first day of the `months` calendar months ending on D: 1 Oct 2017 for 30 Sep 2018."""
    return add_months(as_at, -months) + timedelta(days=1)


def _count(records: QuerySet) -> Coalesce:
    # One grouped subquery per child row: a count without a query per child.
    return Coalesce(
        Subquery(
            records.order_by().values("child").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def legal_status_start(
    last_start: str = "last_start", last_status: str = "last_status"
) -> Subquery:
    """Start date of the child's current legal status: the start of the earliest episode of the
    unbroken run of adjoining episodes with the current episode's legal status. Episodes adjoin
    when one ends the day the next begins (SSDA903: DEC of one is DECOM of the next); a gap of a
    day, or an episode with another legal status between, starts the run again. Over rows
    annotated with the current episode's start and legal status (`last_start`, `last_status`).

    Set-based: an episode starts a run of its legal status when no episode of the child with the
    same legal status ends the day it begins; the run's start is the latest such episode at or
    before the current one, since episodes of one child do not overlap (the importer holds
    overlapping ones out of the history)."""
    continues = CareEpisode.objects.filter(
        child=OuterRef("child_id"),
        end_date=OuterRef("start_date"),
        legal_status=OuterRef("legal_status"),
        # Begun before: an episode that ends the day it begins does not continue itself.
        start_date__lt=OuterRef("start_date"),
    )
    return Subquery(
        CareEpisode.objects.filter(
            child=OuterRef("pk"),
            start_date__lte=OuterRef(last_start),
            legal_status=OuterRef(last_status),
        )
        .exclude(Exists(continues))
        .order_by("-start_date")
        .values("start_date")[:1],
        output_field=DateField(),
    )


def begins_placement() -> Q:
    """On a care_episodes() queryset: the episode begins a placement. Its RNE says so (S, P, T,
    B or U), or no care episode of the child ends the day it begins: after a gap or a short
    break the child is in a placement in care whatever the episode's code says (an RNE of L
    there is a coding error, and the placement still counts)."""
    adjoining = care_episodes().filter(
        child=OuterRef("child_id"),
        end_date=OuterRef("start_date"),
        start_date__lt=OuterRef("start_date"),
    )
    return Q(rne__in=PLACEMENT_START_RNE) | Q(~Exists(adjoining))


def placements_in_window(as_at: date, first_day: date) -> Any:
    """Number of placements the child had in the window first_day..D: the placements begun in it
    (`begins_placement`) plus the one the child was already in on its first
    day (a care episode begun before the window and open on its first day, or ending that day).
    Short breaks (V3/V4) are not placements in care."""
    begun = care_episodes().filter(
        begins_placement(),
        child=OuterRef("pk"),
        start_date__gte=first_day,
        start_date__lte=as_at,
    )
    carried_in = care_episodes().filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first_day),
        child=OuterRef("pk"),
        start_date__lt=first_day,
    )
    return _count(begun) + Case(When(Exists(carried_in), then=1), default=0)


def missing_in_window(kind: str, as_at: date, first_day: date) -> Case:
    """Missing (M) or absent (A) episodes of the SSDA903 MISSING table that were under way at
    some time in first_day..D: begun on or before D and not ended before first_day. Empty, not
    0, for every child while no missing episode is stored at all (no MISSING table loaded): a
    count from no data would say "never missing"."""
    count = _count(
        MissingEpisode.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first_day),
            child=OuterRef("pk"),
            kind=kind,
            start_date__lte=as_at,
        )
    )
    return Case(
        When(Exists(MissingEpisode.objects.all()), then=count),
        default=None,
        output_field=IntegerField(),
    )


def children_looked_after(as_at: date) -> QuerySet[Child]:
    """List 8's children: looked after at D, or ceased to be looked after in the six months to D
    (the list's "date ceased" and "reason ceased" columns are for them). Short breaks (V3/V4)
    are not care. Each row carries its latest care episode begun on or before D (`last_*`: the
    current episode, or the one that ended the period) and the columns computed from the
    history: see docs/imports.md, "Annex A out"."""
    ceased_after = add_months(as_at, -FLOW_MONTHS)
    first_day = window_start(as_at)
    last = (
        care_episodes().filter(child=OuterRef("pk"), start_date__lte=as_at).order_by("-start_date")
    )

    def latest(field: str) -> Subquery:
        return Subquery(last.values(field)[:1])

    listed = care_episodes().filter(
        Q(end_date__isnull=True) | Q(end_date__gt=ceased_after),
        child=OuterRef("pk"),
        start_date__lte=as_at,
    )
    return (
        Child.objects.filter(Exists(listed))
        .annotate(
            last_start=latest("start_date"),
            last_status=latest("legal_status"),
            care_start=period_of_care_start(as_at),
        )
        .annotate(
            last_end=latest("end_date"),
            last_rec=latest("rec"),
            need=latest("cin"),
            place=latest("place"),
            provider=latest("place_provider"),
            placement_postcode=latest("placement_postcode"),
            placement_la=latest("placement_la"),
            in_area=latest("in_area"),
            urn=latest("urn"),
            status_start=legal_status_start(),
            # The child was in another period of care in the 12 months to D: an episode before
            # the current period began that was still open on the window's first day.
            second_period=Exists(
                care_episodes().filter(
                    child=OuterRef("pk"),
                    start_date__lt=OuterRef("care_start"),
                    end_date__gte=first_day,
                )
            ),
            placements=placements_in_window(as_at, first_day),
            placement_start=Coalesce(
                Subquery(
                    care_episodes()
                    .filter(begins_placement(), child=OuterRef("pk"), start_date__lte=as_at)
                    .order_by("-start_date")
                    .values("start_date")[:1]
                ),
                F("care_start"),
            ),
            missing=missing_in_window(MissingEpisode.Kind.MISSING, as_at, first_day),
            absent=missing_in_window(MissingEpisode.Kind.ABSENT, as_at, first_day),
            last_review=_latest(CareReview, "held_date", as_at, "pk"),
            last_visit=latest_seen_visit(as_at),
            last_health=_latest(HealthCheck, "date", as_at, "pk", kind=HealthCheck.Kind.HEALTH),
            last_dental=_latest(HealthCheck, "date", as_at, "pk", kind=HealthCheck.Kind.DENTAL),
            team_id_at=team_at(as_at),
            worker_name=Subquery(allocations_open_at(as_at).values("worker__name")[:1]),
        )
    )


def _children_in_care(as_at: date, teams: dict[int, str]) -> list[list[Any]]:
    rows = []
    for row in (
        children_looked_after(as_at)  # type: ignore[misc]  # values() of annotations
        .order_by("la_child_id")
        .values(
            "la_child_id",
            "sex",
            "ethnicity",
            "date_of_birth",
            "disability",
            "uasc",
            "care_start",
            "need",
            "second_period",
            "status_start",
            "last_status",
            "last_review",
            "last_visit",
            "last_health",
            "last_dental",
            "placements",
            "last_end",
            "last_rec",
            "placement_start",
            "place",
            "provider",
            "placement_postcode",
            "urn",
            "in_area",
            "placement_la",
            "missing",
            "absent",
            "team_id_at",
            "worker_name",
        )
    ):
        person = {
            "child__la_child_id": row["la_child_id"],
            "child__sex": row["sex"],
            "child__ethnicity": row["ethnicity"],
            "child__date_of_birth": row["date_of_birth"],
        }
        location = (
            None if row["in_area"] is None else ("In area" if row["in_area"] else "Out of area")
        )
        ceased = row["last_end"] is not None and row["last_end"] <= as_at
        rows.append(
            [
                *_person(person, as_at),
                _yes_no(row["uasc"]),
                _yes_no(row["disability"]),
                row["care_start"],
                row["need"],
                _yes_no(row["second_period"]),
                row["status_start"],
                row["last_status"],
                row["last_review"],
                row["last_visit"],
                None,  # permanence plan: not in the case record
                None,  # IRO visits: not in the case record
                row["last_health"],
                row["last_dental"],
                row["placements"],
                row["last_end"] if ceased else None,
                (row["last_rec"] or None) if ceased else None,
                row["placement_start"],
                row["place"],
                row["provider"],
                row["placement_postcode"],
                None if row["urn"] in ("", NO_URN) else row["urn"],
                location,
                row["placement_la"],
                row["missing"],
                row["absent"],
                None,  # return interviews: the SSDA903 MISSING table does not record them
                None,
                teams.get(row["team_id_at"]),
                row["worker_name"],
            ]
        )
    return rows


def write_workbook(as_at: date, lists: dict[int, list[list[Any]]] | None = None) -> bytes:
    """The workbook as bytes. Cells are written as values, never formulas: text starting with
    '=' etc. is stored as a string cell (openpyxl data_type 's').

    Written in openpyxl's write-only mode, row by row: the demo council's 20,000 rows took 56 s
    when each appended row was looked up again by `sheet.max_row` (which scans every cell
    written so far)."""
    from common.exports import neutralise

    lists = lists if lists is not None else build_lists(as_at)
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet: Any, value: Any) -> Any:
        if isinstance(value, str):
            out = WriteOnlyCell(sheet, value=neutralise(value))
            out.data_type = "s"
            return out
        if hasattr(value, "year"):
            out = WriteOnlyCell(sheet, value=value)
            out.number_format = "DD/MM/YYYY"
            return out
        return value

    for number, header in LISTS.items():
        sheet = book.create_sheet(f"List {number}")
        sheet.freeze_panes = "A2"
        heading = []
        for text in header:
            title = WriteOnlyCell(sheet, value=text)
            title.font = bold
            heading.append(title)
        sheet.append(heading)
        for row in lists[number]:
            sheet.append([cell(sheet, value) for value in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
