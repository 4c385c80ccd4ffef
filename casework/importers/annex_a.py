"""Annex A importer: fills what the statutory returns lack — allocated worker and team, the
latest visit, plan dates, health and dental checks, care-leaver pathway plans.

Sheets are found by their name ("List 3") and columns by header (case and spacing ignored);
coded values such as "a) Male" lose their "a) " prefix. Lists 2, 10 and 11 (early help and
adoption) are validated and counted, not stored. Annex A is a snapshot: allocations start on the
snapshot date (`as_at`, default the latest date in the file)."""

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook

from casework.importers.annex_a_layout import (
    DISABILITY,
    DOB,
    ETHNICITY,
    GENDER,
    ID,
    LISTS,
    READ_ALSO,
    TEAM,
    WORKER,
    normalise,
    sheet_number,
)
from casework.importers.common import child_ids, import_team, parse_date
from casework.importers.report import Record, StructuralError
from casework.importers.upsert import upsert
from casework.models import (
    Assessment,
    CareEpisode,
    CareLeaver,
    CareReview,
    Child,
    Contact,
    CPPlan,
    HealthCheck,
    ImportRun,
    InitialConference,
    Involvement,
    Referral,
    Section47,
    ServiceArea,
    Team,
    Visit,
    Worker,
)
from casework.reporting import reporting_date

STORED_LISTS = {1, 3, 4, 5, 6, 7, 8, 9}
ICPC_PLAN = "Did the Initial Child Protection Conference Result in a Child Protection Plan"
PREFIX = re.compile(r"^[a-z]\)\s*")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
ELIGIBILITY = {e.label.lower(): e.value for e in CareLeaver.Eligibility}
SEX = {"male": "M", "female": "F"}

# Columns read as dates, by list.
DATE_COLUMNS: dict[int, tuple[str, ...]] = {
    1: (DOB, "Date of Contact"),
    2: (DOB, "Assessment start date", "Assessment completion date"),
    3: (DOB, "Date of Referral"),
    4: (DOB, "Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation"),
    5: (
        DOB,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Date of Initial Child Protection Conference",
    ),
    6: (DOB, "CIN Start Date", "Date Child Was Last Seen", "CIN Closure Date"),
    7: (
        DOB,
        "Child Protection Plan Start Date",
        "Date of the Last Statutory Visit",
        "Date of latest review conference",
        "Child Protection Plan End Date",
    ),
    8: (
        DOB,
        "Date Started to be Looked After",
        "Start date of current legal status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Date Ceased to be Looked After",
        "Start Date of Most Recent Placement",
    ),
    9: (DOB, "Date of Latest Pathway Plan", "Date Pathway Plan Last Reviewed"),
    10: (DOB,),
    11: (),
}


def clean(value: Any) -> Any:
    if isinstance(value, str):
        text = " ".join(value.replace("\u00a0", " ").split())
        text = PREFIX.sub("", text)
        return "" if text in {"#N/A", "N/A"} else text
    return value


def yes(value: Any) -> bool | None:
    text = str(value or "").strip().lower()
    if text in {"yes", "y", "true", "1"}:
        return True
    if text in {"no", "n", "false", "0"}:
        return False
    return None


class AnnexAImporter:
    kind = ImportRun.Kind.ANNEX_A

    def __init__(self, as_at: date | None = None) -> None:
        self.as_at = as_at

    def parse(self, paths: Sequence[Path]) -> list[Record]:
        records: list[Record] = []
        for path in paths:
            try:
                book = load_workbook(path, read_only=True, data_only=False)
            except Exception as exc:  # zip, xml and format errors all mean "not a workbook"
                raise StructuralError(path.name, f"Not an Excel workbook (.xlsx): {exc}") from None
            found = False
            for sheet in book.worksheets:
                number = sheet_number(sheet.title)
                if number is None or number not in LISTS:
                    continue
                found = True
                rows = sheet.iter_rows(values_only=True)
                header = [normalise(h) for h in next(rows, ())]
                wanted = {normalise(h): h for h in [*LISTS[number], *READ_ALSO.get(number, [])]}
                key_columns = [ID] if number != 11 else ["Individual adopter identifier"]
                missing = [h for h in key_columns if normalise(h) not in header]
                if missing:
                    raise StructuralError(
                        path.name,
                        f"List {number} has no column '{missing[0]}'.",
                        field=f"List {number}",
                    )
                for n, values in enumerate(rows, start=2):
                    if not any(v not in (None, "") for v in values):
                        continue
                    data: dict[str, Any] = {"_list": number}
                    for column, value in zip(header, values, strict=False):
                        if column in wanted:
                            data[wanted[column]] = clean(value)
                    record = Record(
                        table=f"list_{number}", file=f"{path.name} List {number}", row=n, data=data
                    )
                    for column in DATE_COLUMNS.get(number, ()):
                        try:
                            data[column] = parse_date(data.get(column), formats=DATE_FORMATS)
                        except ValueError as exc:
                            data[column] = None
                            record.problem(column, str(exc))
                    records.append(record)
            book.close()
            if not found:
                raise StructuralError(
                    path.name, "No sheet named 'List 1' to 'List 11': not an Annex A workbook."
                )
        return records

    def validate(self, records: list[Record]) -> None:
        leavers: dict[str, int] = {}
        for r in records:
            if r.data["_list"] == 9 and r.data.get(ID):
                key = str(r.data[ID])
                if key in leavers:
                    r.problem(ID, f"repeats the care leaver in row {leavers[key]} of List 9.")
                leavers.setdefault(key, r.row)
        for r in records:
            number = r.data["_list"]
            if number == 11:
                continue
            if not str(r.data.get(ID) or "").strip():
                r.problem(ID, "is missing.")
            if (
                number in STORED_LISTS
                and r.data.get(GENDER)
                and str(r.data[GENDER]).lower()
                not in {*SEX, "not stated/recorded", "unknown", "not known", "other"}
            ):
                r.problem(GENDER, f"'{r.data[GENDER]}' is not a recognised gender.")
            category = r.data.get("Eligibility Category")
            if number == 9 and category and self._eligibility(category) is None:
                r.problem("Eligibility Category", f"'{category}' is not an eligibility category.")
            starts_ends = {
                6: ("CIN Start Date", "CIN Closure Date"),
                7: ("Child Protection Plan Start Date", "Child Protection Plan End Date"),
                4: (
                    "Continuous Assessment Start Date",
                    "Continuous Assessment Date of Authorisation",
                ),
            }
            if number in starts_ends:
                s, e = starts_ends[number]
                if r.data.get(e) and r.data.get(s) and r.data[e] < r.data[s]:
                    r.problem(e, f"is before the {s.lower()}.")
                if not r.data.get(s) and not any(p.field == s for p in r.problems):
                    r.problem(s, "is missing.")
        if self.as_at is None:
            # A snapshot date from the file would be unsafe (an expected date of birth is in the
            # future): default to the app's reporting date; the upload page asks for it.
            self.as_at = reporting_date()

    @staticmethod
    def _eligibility(value: str) -> str | None:
        text = str(value).lower().removesuffix(" child").strip()
        return ELIGIBILITY.get(text)

    def load(self, records: list[Record]) -> dict[str, Any]:
        assert self.as_at is not None
        as_at = self.as_at
        counts: dict[str, Any] = {}
        by_list: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in records:
            by_list[r.data["_list"]].append(r.data)
        people: dict[str, dict[str, Any]] = {}
        for number in sorted(STORED_LISTS):
            for d in by_list[number]:
                person = people.setdefault(str(d[ID]), {"la_child_id": str(d[ID])})
                if d.get(DOB):
                    person["date_of_birth"] = d[DOB]
                if d.get(GENDER):
                    person["sex"] = SEX.get(str(d[GENDER]).lower(), "U")
                if d.get(ETHNICITY):
                    person["ethnicity"] = str(d[ETHNICITY])[:4]
                if yes(d.get(DISABILITY)) is not None:
                    person["disability"] = yes(d.get(DISABILITY))
        # Each child's fields are those the lists gave; the upsert compares only those.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for person in people.values():
            groups[tuple(sorted(person))].append(person)
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        for rows in groups.values():
            for k, v in (
                upsert(Child, ["la_child_id"], rows, scope_field="la_child_id").as_dict().items()
            ):
                totals[k] += v
        counts["children"] = totals
        ids = child_ids(people)
        teams = self._teams_and_workers(records, as_at)

        def cid(d: dict[str, Any]) -> int:
            return ids[str(d[ID])]

        default_team = import_team().pk
        tz = timezone.get_current_timezone()
        counts["contacts"] = upsert(
            Contact,
            ["child_id", "received_at"],
            [
                {
                    "child_id": cid(d),
                    "received_at": datetime.combine(d["Date of Contact"], time(9), tzinfo=tz),
                    "source": str(d.get("Contact Source") or "")[:10],
                }
                for d in by_list[1]
                if d.get("Date of Contact")
            ],
            scope_field="child_id",
        ).as_dict()
        referrals = [
            {
                "child_id": cid(d),
                "referral_date": d["Date of Referral"],
                "source": str(d.get("Referral Source") or "")[:4],
                "nfa": bool(yes(d.get("Referral NFA?"))),
                "team_id": teams.get(str(d.get(TEAM) or ""), (default_team, {}))[0],
            }
            for d in by_list[3]
            if d.get("Date of Referral")
        ] + [
            {
                "child_id": cid(d),
                "referral_date": d["CIN Start Date"],
                "primary_need": str(d.get("Primary Need Code") or "").split(" ")[0][:4],
                "closure_date": d.get("CIN Closure Date"),
                "closure_reason": str(d.get("Reason for Closure") or "").split(" ")[0][:4],
                "team_id": teams.get(str(d.get(TEAM) or ""), (default_team, {}))[0],
            }
            for d in by_list[6]
        ]
        counts["referrals"] = _upsert_grouped(
            Referral, ["child_id", "referral_date"], referrals, create_only=("team_id",)
        )
        counts["assessments"] = upsert(
            Assessment,
            ["child_id", "start_date"],
            [
                {
                    "child_id": cid(d),
                    "start_date": d["Continuous Assessment Start Date"],
                    "authorised_date": d.get("Continuous Assessment Date of Authorisation"),
                }
                for d in by_list[4]
            ],
            scope_field="child_id",
        ).as_dict()
        s47_key = "Strategy discussion initiating Section 47 Enquiry Start Date"
        icpc_key = "Date of Initial Child Protection Conference"
        counts["section47s"] = upsert(
            Section47,
            ["child_id", "start_date"],
            [
                {
                    "child_id": cid(d),
                    "start_date": d[s47_key],
                    "icpc_not_required": bool(
                        yes(d.get("Was an Initial Child Protection Conference deemed unnecessary?"))
                    ),
                }
                for d in by_list[5]
                if d.get(s47_key)
            ],
            scope_field="child_id",
        ).as_dict()
        counts["initial_conferences"] = upsert(
            InitialConference,
            ["child_id", "date"],
            [
                {
                    "child_id": cid(d),
                    "date": d[icpc_key],
                    "plan_made": bool(yes(d.get(ICPC_PLAN))),
                }
                for d in by_list[5]
                if d.get(icpc_key)
            ],
            scope_field="child_id",
        ).as_dict()
        counts["cp_plans"] = upsert(
            CPPlan,
            ["child_id", "start_date"],
            [
                {
                    "child_id": cid(d),
                    "start_date": d["Child Protection Plan Start Date"],
                    "end_date": d.get("Child Protection Plan End Date"),
                    "initial_category": _category(d.get("Initial Category of Abuse")),
                    "latest_category": _category(d.get("Latest Category of Abuse")),
                }
                for d in by_list[7]
            ],
            scope_field="child_id",
        ).as_dict()
        visits = (
            [
                (cid(d), d["Date Child Was Last Seen"], Visit.Type.CIN, None)
                for d in by_list[6]
                if d.get("Date Child Was Last Seen")
            ]
            + [
                (
                    cid(d),
                    d["Date of the Last Statutory Visit"],
                    Visit.Type.CP,
                    yes(d.get("Was the Child Seen Alone?")),
                )
                for d in by_list[7]
                if d.get("Date of the Last Statutory Visit")
            ]
            + [
                (cid(d), d["Date of Last Social Work Visit"], Visit.Type.CLA, None)
                for d in by_list[8]
                if d.get("Date of Last Social Work Visit")
            ]
        )
        # Only List 7 says whether the child was seen alone: other lists leave the field as
        # the app recorded it.
        counts["visits"] = _upsert_grouped(
            Visit,
            ["child_id", "date"],
            [
                {
                    "child_id": c,
                    "date": day,
                    "visit_type": kind,
                    "child_seen": True,
                    "recorded_at": datetime.combine(day, time(17), tzinfo=tz),
                    **({} if alone is None else {"seen_alone": alone}),
                }
                for c, day, kind, alone in visits
            ],
            create_only=("recorded_at", "visit_type"),
        )
        checks = [
            {"child_id": cid(d), "kind": kind, "date": d[column]}
            for d in by_list[8]
            for column, kind in (
                ("Date of Last Health Assessment", HealthCheck.Kind.HEALTH),
                ("Date of Last Dental Check", HealthCheck.Kind.DENTAL),
            )
            if d.get(column)
        ]
        counts["health_checks"] = upsert(
            HealthCheck, ["child_id", "kind", "date"], checks, scope_field="child_id"
        ).as_dict()
        counts["care_reviews"] = upsert(
            CareReview,
            ["child_id", "held_date"],
            [
                {"child_id": cid(d), "held_date": d["Date of Latest Statutory Review"]}
                for d in by_list[8]
                if d.get("Date of Latest Statutory Review")
            ],
            scope_field="child_id",
        ).as_dict()
        counts["care_episodes"] = _upsert_grouped(
            CareEpisode,
            ["child_id", "start_date"],
            [self._episode(cid(d), d) for d in by_list[8] if self._episode_start(d)],
            # Annex A does not say why the episode started: keep the 903's reason.
            create_only=("rne",),
        )
        counts["care_leavers"] = self._care_leavers([(cid(d), d) for d in by_list[9]], as_at)
        counts["allocations"] = self._allocations(records, ids, teams, as_at)
        for number in sorted(set(by_list) - STORED_LISTS):
            counts[f"list_{number}"] = {"validated, not stored": len(by_list[number])}
        return counts

    @staticmethod
    def _episode_start(d: dict[str, Any]) -> date | None:
        starts = [
            d.get("Start date of current legal status"),
            d.get("Start Date of Most Recent Placement"),
        ]
        known: list[date] = [s for s in starts if s]
        return max(known) if known else d.get("Date Started to be Looked After")

    def _episode(self, child_id: int, d: dict[str, Any]) -> dict[str, Any]:
        location = str(d.get("Placement Location") or "").lower()
        return {
            "child_id": child_id,
            "start_date": self._episode_start(d),
            "end_date": d.get("Date Ceased to be Looked After"),
            "rne": "S",
            "legal_status": str(d.get("Child's Legal Status") or "").split(":")[0][:2],
            "cin": str(d.get("Child's Category of Need") or "").split(" ")[0][:2],
            "place": str(d.get("Placement Type") or "").split(":")[0][:3],
            "place_provider": str(d.get("Placement Provider") or "").split(" ")[0][:3],
            "placement_postcode": str(d.get("Placement postcode") or "")[:10],
            "placement_la": str(d.get("LA of Placement") or "")[:9],
            # Only a stated URN changes it; a blank one keeps what the 903 said.
            **({"urn": str(d["URN of Placement"])[:8]} if d.get("URN of Placement") else {}),
            # Only a stated location changes in_area; a blank one keeps what the 903 said.
            **(
                {"in_area": location == "in area"} if location in {"in area", "out of area"} else {}
            ),
        }

    def _care_leavers(self, rows: list[tuple[int, dict[str, Any]]], as_at: date) -> dict[str, int]:
        data: list[dict[str, Any]] = []
        for child_id, d in rows:
            eligibility = (
                self._eligibility(d.get("Eligibility Category") or "")
                or CareLeaver.Eligibility.FORMER_RELEVANT
            )
            data.append(
                {
                    "child_id": child_id,
                    "eligibility": eligibility,
                    "pathway_plan_date": d.get("Date of Latest Pathway Plan"),
                    "latest_review_date": d.get("Date Pathway Plan Last Reviewed"),
                }
            )
        open_records = {
            c: pk
            for pk, c in CareLeaver.objects.filter(
                child_id__in=[c for c, _ in rows], end_date__isnull=True
            ).values_list("pk", "child_id")
        }
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        new, changed = [], []
        for row in data:
            pk = open_records.get(row["child_id"])
            if pk is None:
                new.append(CareLeaver(start_date=as_at, **row))
            else:
                changed.append(CareLeaver(pk=pk, **row))
        CareLeaver.objects.bulk_create(new)
        if changed:
            before = {
                r["pk"]: (r["eligibility"], r["pathway_plan_date"], r["latest_review_date"])
                for r in CareLeaver.objects.filter(pk__in=[c.pk for c in changed]).values(
                    "pk", "eligibility", "pathway_plan_date", "latest_review_date"
                )
            }
            changed = [
                c
                for c in changed
                if before[c.pk] != (c.eligibility, c.pathway_plan_date, c.latest_review_date)
            ]
            CareLeaver.objects.bulk_update(
                changed, ["eligibility", "pathway_plan_date", "latest_review_date"]
            )
        counts["created"] = len(new)
        counts["updated"] = len(changed)
        counts["unchanged"] = len(data) - len(new) - len(changed)
        return counts

    @staticmethod
    def _teams_and_workers(
        records: list[Record], as_at: date
    ) -> dict[str, tuple[int, dict[str, int]]]:
        """Teams and workers named in the lists, created in the imported-records area if new."""
        names: dict[str, set[str]] = defaultdict(set)
        for r in records:
            team = r.data.get(TEAM)
            if team:
                names[str(team)].add(str(r.data.get(WORKER) or ""))
        if not names:
            return {}
        area, _ = ServiceArea.objects.get_or_create(name="Imported records")
        existing = dict(Team.objects.filter(name__in=names).values_list("name", "pk"))
        Team.objects.bulk_create(
            [
                Team(name=n[:100], service_area=area, kind=Team.Kind.SAFEGUARDING)
                for n in sorted(set(names) - set(existing))
            ]
        )
        team_ids = dict(Team.objects.filter(name__in=names).values_list("name", "pk"))
        out: dict[str, tuple[int, dict[str, int]]] = {}
        for team_name, workers in names.items():
            tid = team_ids[team_name[:100]]
            workers.discard("")
            known = dict(
                Worker.objects.filter(team_id=tid, name__in=workers).values_list("name", "pk")
            )
            Worker.objects.bulk_create(
                [
                    Worker(
                        staff_id=f"AA-{tid}-{abs(hash(w)) % 10**8}",
                        name=w[:150],
                        role=Worker.Role.SOCIAL_WORKER,
                        team_id=tid,
                        start_date=as_at,
                    )
                    for w in sorted(workers - set(known))
                ]
            )
            out[team_name] = (
                tid,
                dict(
                    Worker.objects.filter(team_id=tid, name__in=workers).values_list("name", "pk")
                ),
            )
        return out

    @staticmethod
    def _allocations(
        records: list[Record],
        ids: dict[str, int],
        teams: dict[str, tuple[int, dict[str, int]]],
        as_at: date,
    ) -> dict[str, int]:
        """Allocated worker at the snapshot: keep an open allocation to the same worker, else
        end the open one the day before and start the named worker on the snapshot date."""
        wanted: dict[int, tuple[int, int]] = {}
        for r in records:
            team, worker = r.data.get(TEAM), r.data.get(WORKER)
            if team and worker and str(team) in teams and str(r.data.get(ID)) in ids:
                tid, workers = teams[str(team)]
                if str(worker) in workers:
                    wanted[ids[str(r.data[ID])]] = (workers[str(worker)], tid)
        current = {
            c: (pk, w, s)
            for pk, c, w, s in Involvement.objects.filter(
                child_id__in=wanted, role=Involvement.Role.ALLOCATED_WORKER, end_date__isnull=True
            ).values_list("pk", "child_id", "worker_id", "start_date")
        }
        ended, created, unchanged = [], [], 0
        for child_id, (worker_id, team_id) in wanted.items():
            open_row = current.get(child_id)
            if open_row and open_row[1] == worker_id:
                unchanged += 1
                continue
            if open_row:
                if open_row[2] >= as_at:
                    continue  # a later allocation already recorded in the app wins
                ended.append(open_row[0])
            created.append(
                Involvement(
                    child_id=child_id,
                    worker_id=worker_id,
                    team_id=team_id,
                    start_date=as_at,
                    reason_for_change="Annex A import",
                )
            )
        Involvement.objects.filter(pk__in=ended).update(end_date=as_at)
        Involvement.objects.bulk_create(created)
        return {"created": len(created), "updated": len(ended), "unchanged": unchanged}


def _category(value: Any) -> str:
    text = str(value or "").lower()
    for choice in CPPlan.Category:
        if choice.label.lower() == text or choice.value.lower() == text:
            return choice.value
    return ""


def _upsert_grouped(
    model, key: list[str], rows: list[dict[str, Any]], create_only: tuple[str, ...] = ()
) -> dict[str, int]:
    """Upsert rows that carry different field sets (e.g. referrals from lists 3 and 6)."""
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row))].append(row)
    for group in groups.values():
        for k, v in (
            upsert(model, key, group, scope_field="child_id", create_only=create_only)
            .as_dict()
            .items()
        ):
            totals[k] += v
    return totals
