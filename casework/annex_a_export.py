"""Annex A out: Ofsted's lists 1-11 computed from the case record as at a date, for an
inspection. Flow lists (contacts, referrals, assessments, section 47s) cover the six months to
the date, as Ofsted asks; the others are the children open in that category at the date.
Each list is one annotated query; no query per child."""

from datetime import date, timedelta
from io import BytesIO
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from openpyxl import Workbook
from openpyxl.styles import Font

from casework.calendar import add_months
from casework.cohorts import (
    Category,
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
    Contact,
    CPPlan,
    CPReview,
    HealthCheck,
    InitialConference,
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
    )
    for row in s47s.order_by("start_date").values(
        *PERSON_FIELDS,
        "child__disability",
        "start_date",
        "icpc_not_required",
        "icpc_date",
        "icpc_plan",
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
                None,
                None,
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

    lists[8] = _children_in_care(children, as_at, teams)

    leavers = _allocation(CareLeaver.objects.filter(open_at(as_at)), as_at, "child_id")
    for row in leavers.order_by("child__la_child_id").values(
        *PERSON_FIELDS,
        "child__disability",
        "eligibility",
        "pathway_plan_date",
        "latest_review_date",
        "team_id_at",
        "worker_name",
    ):
        lists[9].append(
            [
                *_person(row, as_at),
                _yes_no(row["child__disability"]),
                *alloc(row),
                CareLeaver.Eligibility(row["eligibility"]).label,
                None,
                None,
                None,
                None,
                row["pathway_plan_date"],
                row["latest_review_date"],
            ]
        )
    return lists


def _year() -> timedelta:
    # "In the last 12 months" as Ofsted's template counts it: 365 days before the referral.
    return timedelta(days=365)


def _children_in_care(children: QuerySet, as_at: date, teams: dict[int, str]) -> list[list[Any]]:
    current = CareEpisode.objects.filter(open_at(as_at), child=OuterRef("pk")).order_by(
        "-start_date"
    )
    cic = children.filter(category=Category.CIC).annotate(
        worker_name=Subquery(allocations_open_at(as_at).values("worker__name")[:1]),
        episode_start=Subquery(current.values("start_date")[:1]),
        # "Date started to be looked after" is the start of the current period of care.
        period_start=period_of_care_start(as_at),
        legal_status=Subquery(current.values("legal_status")[:1]),
        need=Subquery(current.values("cin")[:1]),
        place=Subquery(current.values("place")[:1]),
        provider=Subquery(current.values("place_provider")[:1]),
        placement_postcode=Subquery(current.values("placement_postcode")[:1]),
        placement_la=Subquery(current.values("placement_la")[:1]),
        in_area=Subquery(current.values("in_area")[:1]),
        last_review=_latest(CareReview, "held_date", as_at, "pk"),
        last_visit=latest_seen_visit(as_at),
        last_health=_latest(HealthCheck, "date", as_at, "pk", kind=HealthCheck.Kind.HEALTH),
        last_dental=_latest(HealthCheck, "date", as_at, "pk", kind=HealthCheck.Kind.DENTAL),
    )
    rows = []
    for row in cic.order_by("la_child_id").values(
        "la_child_id",
        "sex",
        "ethnicity",
        "date_of_birth",
        "disability",
        "uasc",
        "episode_start",
        "period_start",
        "legal_status",
        "need",
        "place",
        "provider",
        "placement_postcode",
        "placement_la",
        "in_area",
        "last_review",
        "last_visit",
        "last_health",
        "last_dental",
        "team_id",
        "worker_name",
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
        rows.append(
            [
                *_person(person, as_at),
                _yes_no(row["uasc"]),
                _yes_no(row["disability"]),
                row["period_start"] or row["episode_start"],
                row["need"],
                None,
                row["episode_start"],
                row["legal_status"],
                row["last_review"],
                row["last_visit"],
                None,
                None,
                row["last_health"],
                row["last_dental"],
                None,
                None,
                None,
                row["episode_start"],
                row["place"],
                row["provider"],
                row["placement_postcode"],
                None,
                location,
                row["placement_la"],
                None,
                None,
                None,
                None,
                teams.get(row["team_id"]),
                row["worker_name"],
            ]
        )
    return rows


def write_workbook(as_at: date, lists: dict[int, list[list[Any]]] | None = None) -> bytes:
    """The workbook as bytes. Cells are written as values, never formulas: text starting with
    '=' etc. is stored as a string cell (openpyxl data_type 's')."""
    from common.exports import neutralise

    lists = lists if lists is not None else build_lists(as_at)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for number, header in LISTS.items():
        sheet = book.create_sheet(f"List {number}")
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for row in lists[number]:
            sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif hasattr(cell.value, "year"):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
