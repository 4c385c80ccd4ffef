"""CIN census (DfE, XML) importer: children, referrals (CIN episodes), assessments, CIN plans,
section 47 enquiries, initial conferences, child protection plans and their reviews.

Both schemas: the old `GenderCurrent` and the new `Sex` element. One record per <Child>, so a
problem quarantines that child's return as a whole; problems name the element path."""

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from casework.calendar import add_months
from casework.importers.common import CachedDates, child_ids, import_team, sex_code
from casework.importers.report import Record, StructuralError
from casework.importers.upsert import in_values, upsert
from casework.importers.xml_safe import iter_elements
from casework.models import (
    Assessment,
    Child,
    CINPlan,
    CPPlan,
    CPReview,
    ImportRun,
    InitialConference,
    Referral,
    Section47,
)

# N0 "not stated" is in the CIN census code set alongside N1-N9.
PRIMARY_NEED = {f"N{i}" for i in range(0, 10)}
ABUSE_CATEGORIES = {c.value for c in CPPlan.Category}
CLOSURE_REASONS = {f"RC{i}" for i in range(1, 10)}


def _text(element: Element | None, tag: str) -> str:
    if element is None:
        return ""
    found = element.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "y", "yes"}


class CINCensusImporter:
    kind = ImportRun.Kind.CIN_CENSUS

    def __init__(self) -> None:
        self._dates = CachedDates(("%Y-%m-%d",))

    def parse(self, paths: Sequence[Path]) -> list[Record]:
        records: list[Record] = []
        for path in paths:
            records.extend(self._parse_file(path))
        return records

    def _parse_file(self, path: Path) -> list[Record]:
        """One record per <Message><Children><Child>, read as the file streams in: each child
        element is dropped once parsed, so memory holds records, never the whole tree."""
        records: list[Record] = []
        reference: str | None = None
        stack: list[str] = []
        children: Element | None = None
        for event, element in iter_elements(path):
            if event == "start":
                if not stack and element.tag != "Message":
                    raise StructuralError(
                        path.name, "Not a CIN census: expected <Message><Children>."
                    )
                stack.append(element.tag)
                if stack == ["Message", "Children"]:
                    children = element
                continue
            if stack == ["Message", "Children", "Child"] and children is not None:
                records.append(self._parse_child(path.name, len(records) + 1, element, ""))
                children.remove(element)
            elif (
                stack == ["Message", "Header", "CollectionDetails", "ReferenceDate"]
                and reference is None
            ):
                reference = (element.text or "").strip()
            stack.pop()
        if children is None:
            raise StructuralError(path.name, "Not a CIN census: expected <Message><Children>.")
        for record in records:  # the header may follow the children
            record.data["reference_date"] = reference or ""
        return records

    def _parse_child(self, file: str, row: int, el: Element, reference: str) -> Record:
        record = Record(table="child", file=file, row=row, data={})
        ids = el.find("ChildIdentifiers")
        chars = el.find("ChildCharacteristics")
        data = record.data

        def date_field(parent: Element | None, tag: str, path: str) -> date | None:
            try:
                return self._dates(_text(parent, tag))
            except ValueError as exc:
                record.problem(f"{path}{tag}", str(exc))
                return None

        data["la_child_id"] = _text(ids, "LAchildID")
        data["upn"] = _text(ids, "UPN")
        data["date_of_birth"] = date_field(ids, "PersonBirthDate", "ChildIdentifiers/")
        data["expected_date_of_birth"] = date_field(
            ids, "ExpectedPersonBirthDate", "ChildIdentifiers/"
        )
        data["date_of_death"] = date_field(ids, "PersonDeathDate", "ChildIdentifiers/")
        raw_sex = _text(ids, "Sex") or _text(ids, "GenderCurrent")
        data["sex"] = sex_code(raw_sex)
        if data["sex"] is None:
            record.problem(
                "ChildIdentifiers/Sex", f"'{raw_sex}' is not a sex code (M, F, U or 1, 2, 0, 9)."
            )
        data["ethnicity"] = _text(chars, "Ethnicity")[:4]
        disabilities = [
            d.text.strip()
            for d in el.iterfind("ChildCharacteristics/Disabilities/Disability")
            if d.text
        ]
        data["disability"] = any(d.upper() != "NONE" for d in disabilities)
        data["reference_date"] = reference
        episodes = []
        for n, cin in enumerate(el.iterfind("CINdetails"), start=1):
            p = f"CINdetails[{n}]/"
            episode: dict[str, Any] = {
                "referral_date": date_field(cin, "CINreferralDate", p),
                "source": _text(cin, "ReferralSource")[:4],
                "primary_need": _text(cin, "PrimaryNeedCode")[:4],
                "closure_date": date_field(cin, "CINclosureDate", p),
                "closure_reason": _text(cin, "ReasonForClosure")[:4],
                "nfa": _bool(_text(cin, "ReferralNFA")),
                "icpc_date": date_field(cin, "DateOfInitialCPC", p),
                "assessments": [],
                "cin_plans": [],
                "section47s": [],
                "cp_plans": [],
            }
            for k, a in enumerate(cin.iterfind("Assessments"), start=1):
                ap = f"{p}Assessments[{k}]/"
                episode["assessments"].append(
                    {
                        "start_date": date_field(a, "AssessmentActualStartDate", ap),
                        "authorised_date": date_field(a, "AssessmentAuthorisationDate", ap),
                        "factors": ",".join(
                            f.text.strip()
                            for f in a.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors")
                            if f.text
                        )[:200],
                        "path": ap,
                    }
                )
            for k, plan in enumerate(cin.iterfind("CINPlanDates"), start=1):
                pp = f"{p}CINPlanDates[{k}]/"
                episode["cin_plans"].append(
                    {
                        "start_date": date_field(plan, "CINPlanStartDate", pp),
                        "end_date": date_field(plan, "CINPlanEndDate", pp),
                        "path": pp,
                    }
                )
            for k, s47 in enumerate(cin.iterfind("Section47"), start=1):
                sp = f"{p}Section47[{k}]/"
                episode["section47s"].append(
                    {
                        "start_date": date_field(s47, "S47ActualStartDate", sp),
                        "icpc_target_date": date_field(s47, "InitialCPCtarget", sp),
                        "icpc_date": date_field(s47, "DateOfInitialCPC", sp),
                        "icpc_not_required": _bool(_text(s47, "ICPCnotRequired")),
                        "path": sp,
                    }
                )
            for k, cpp in enumerate(cin.iterfind("ChildProtectionPlans"), start=1):
                cp = f"{p}ChildProtectionPlans[{k}]/"
                episode["cp_plans"].append(
                    {
                        "start_date": date_field(cpp, "CPPstartDate", cp),
                        "end_date": date_field(cpp, "CPPendDate", cp),
                        "initial_category": _text(cpp, "InitialCategoryOfAbuse"),
                        "latest_category": _text(cpp, "LatestCategoryOfAbuse"),
                        "reviews": sorted(
                            held
                            for j, review in enumerate(cpp.iterfind("Reviews/CPPreviewDate"), 1)
                            if (held := self._review_date(record, review, f"{cp}Reviews[{j}]"))
                        ),
                        "path": cp,
                    }
                )
            episodes.append(episode)
        data["episodes"] = episodes
        return record

    def _review_date(self, record: Record, element: Element, path: str) -> date | None:
        try:
            return self._dates(element.text)
        except ValueError as exc:
            record.problem(path, str(exc))
            return None

    def validate(self, records: list[Record]) -> None:
        # A child may appear in several years' files (the later file wins at load); within one
        # file a repeated child is an error.
        seen: dict[tuple[str, str], int] = {}
        for record in records:
            d = record.data
            la_id = d["la_child_id"]
            if not la_id:
                record.problem("ChildIdentifiers/LAchildID", "is missing.")
            elif len(la_id) > 36:
                record.problem("ChildIdentifiers/LAchildID", "is longer than 36 characters.")
            elif (record.file, la_id) in seen:
                record.problem(
                    "ChildIdentifiers/LAchildID",
                    f"repeats the child in row {seen[(record.file, la_id)]} of {record.file}.",
                )
            else:
                seen[(record.file, la_id)] = record.row
            if not d["date_of_birth"] and not d["expected_date_of_birth"]:
                record.problem(
                    "ChildIdentifiers/PersonBirthDate",
                    "is missing (and no expected date of birth).",
                )
            dob = d["date_of_birth"]
            if dob and d["date_of_death"] and d["date_of_death"] < dob:
                record.problem("ChildIdentifiers/PersonDeathDate", "is before the date of birth.")
            referral_dates = set()
            for n, ep in enumerate(d["episodes"], start=1):
                p = f"CINdetails[{n}]/"
                ref = ep["referral_date"]
                if ref is None:
                    if not any(x.field == f"{p}CINreferralDate" for x in record.problems):
                        record.problem(f"{p}CINreferralDate", "is missing.")
                    continue
                if ref in referral_dates:
                    record.problem(
                        f"{p}CINreferralDate",
                        "repeats another referral of this child on the same date.",
                    )
                referral_dates.add(ref)
                if dob and ref < dob and not d["expected_date_of_birth"]:
                    record.problem(f"{p}CINreferralDate", "is before the child's date of birth.")
                if ep["closure_date"] and ep["closure_date"] < ref:
                    record.problem(f"{p}CINclosureDate", "is before the referral date.")
                if ep["closure_date"] and ep["closure_reason"] not in CLOSURE_REASONS:
                    record.problem(
                        f"{p}ReasonForClosure",
                        f"'{ep['closure_reason']}' is not a reason for closure (RC1-RC9).",
                    )
                if ep["primary_need"] and ep["primary_need"] not in PRIMARY_NEED:
                    record.problem(
                        f"{p}PrimaryNeedCode",
                        f"'{ep['primary_need']}' is not a primary need code (N0-N9).",
                    )
                for a in ep["assessments"]:
                    if a["start_date"] is None:
                        record.problem(f"{a['path']}AssessmentActualStartDate", "is missing.")
                        continue
                    if a["start_date"] < ref:
                        record.problem(
                            f"{a['path']}AssessmentActualStartDate", "is before the referral date."
                        )
                    if a["authorised_date"] and a["authorised_date"] < a["start_date"]:
                        record.problem(
                            f"{a['path']}AssessmentAuthorisationDate",
                            "is before the assessment started.",
                        )
                for dated in ("cin_plans", "section47s", "cp_plans"):
                    for item in ep[dated]:
                        if item["start_date"] is None:
                            record.problem(f"{item['path']}start", "the start date is missing.")
                        elif item.get("end_date") and item["end_date"] < item["start_date"]:
                            record.problem(
                                f"{item['path']}end", "the end date is before the start date."
                            )
                for plan in ep["cp_plans"]:
                    for key in ("initial_category", "latest_category"):
                        if plan[key] and plan[key] not in ABUSE_CATEGORIES:
                            record.problem(
                                f"{plan['path']}{key}", f"'{plan[key]}' is not a category of abuse."
                            )
                    if plan["start_date"] and any(r < plan["start_date"] for r in plan["reviews"]):
                        record.problem(
                            f"{plan['path']}Reviews", "a review is dated before the plan started."
                        )

    def load(self, records: list[Record]) -> dict[str, Any]:
        team = import_team()
        counts: dict[str, Any] = {}
        children = upsert(
            Child,
            ["la_child_id"],
            [
                {
                    k: r.data[k]
                    for k in (
                        "la_child_id",
                        "upn",
                        "date_of_birth",
                        "expected_date_of_birth",
                        "date_of_death",
                        "sex",
                        "ethnicity",
                        "disability",
                    )
                }
                for r in records
            ],
            scope_field="la_child_id",
        )
        counts["children"] = children.as_dict()
        ids = child_ids(r.data["la_child_id"] for r in records)
        # Children created just now have no referrals, plans or conferences to look up.
        new = {ids[key[0]] for key in children.created_keys}
        child_pks = list(ids.values())
        referrals, assessments, cin_plans, s47s, icpcs, cp_plans = [], [], [], [], [], []
        reviews: list[tuple[int, date, list[date]]] = []
        for r in records:
            cid = ids[r.data["la_child_id"]]
            for ep in r.data["episodes"]:
                ref = ep["referral_date"]
                referrals.append(
                    {
                        "child_id": cid,
                        "referral_date": ref,
                        "source": ep["source"],
                        "primary_need": ep["primary_need"],
                        "nfa": ep["nfa"],
                        "closure_date": ep["closure_date"],
                        "closure_reason": ep["closure_reason"],
                        "team_id": team.pk,
                    }
                )
                for a in ep["assessments"]:
                    assessments.append(
                        {
                            "child_id": cid,
                            "start_date": a["start_date"],
                            "authorised_date": a["authorised_date"],
                            "factors": a["factors"],
                            "_ref": ref,
                        }
                    )
                for plan in ep["cin_plans"]:
                    cin_plans.append(
                        {
                            "child_id": cid,
                            "start_date": plan["start_date"],
                            "end_date": plan["end_date"],
                            "_ref": ref,
                        }
                    )
                for s in ep["section47s"]:
                    s47s.append(
                        {
                            "child_id": cid,
                            "start_date": s["start_date"],
                            "icpc_target_date": s["icpc_target_date"],
                            "icpc_not_required": s["icpc_not_required"],
                            "_ref": ref,
                        }
                    )
                    if s["icpc_date"]:
                        icpcs.append(
                            {
                                "child_id": cid,
                                "date": s["icpc_date"],
                                "_s47": s["start_date"],
                                "_ref": ref,
                            }
                        )
                if ep["icpc_date"] and not any(
                    i["child_id"] == cid and i["date"] == ep["icpc_date"] for i in icpcs[-5:]
                ):
                    icpcs.append(
                        {"child_id": cid, "date": ep["icpc_date"], "_s47": None, "_ref": ref}
                    )
                for plan in ep["cp_plans"]:
                    cp_plans.append(
                        {
                            "child_id": cid,
                            "start_date": plan["start_date"],
                            "end_date": plan["end_date"],
                            "initial_category": plan["initial_category"],
                            "latest_category": plan["latest_category"],
                            "_ref": ref,
                        }
                    )
                    reviews.append((cid, plan["start_date"], plan["reviews"]))
        counts["referrals"] = upsert(
            Referral,
            ["child_id", "referral_date"],
            referrals,
            scope_field="child_id",
            create_only=("team_id",),
            new_scope=new,
        ).as_dict()
        ref_pk = {
            (c, d): pk
            for pk, c, d in Referral.objects.filter(**in_values("child_id", child_pks)).values_list(
                "pk", "child_id", "referral_date"
            )
        }

        def link(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            out = []
            for row in rows:
                row = dict(row)
                row["referral_id"] = ref_pk.get((row["child_id"], row.pop("_ref")))
                row.pop("_s47", None)
                out.append(row)
            return out

        counts["assessments"] = upsert(
            Assessment,
            ["child_id", "start_date"],
            link(assessments),
            scope_field="child_id",
            new_scope=new,
        ).as_dict()
        counts["cin_plans"] = upsert(
            CINPlan,
            ["child_id", "start_date"],
            link(cin_plans),
            scope_field="child_id",
            new_scope=new,
        ).as_dict()
        counts["section47s"] = upsert(
            Section47, ["child_id", "start_date"], link(s47s), scope_field="child_id", new_scope=new
        ).as_dict()
        plans = upsert(
            CPPlan,
            ["child_id", "start_date"],
            link(cp_plans),
            scope_field="child_id",
            new_scope=new,
        )
        counts["cp_plans"] = plans.as_dict()
        s47_pk = {
            (c, d): pk
            for pk, c, d in Section47.objects.filter(
                **in_values("child_id", child_pks)
            ).values_list("pk", "child_id", "start_date")
        }
        plan_starts = {(row["child_id"], row["start_date"]) for row in cp_plans}
        icpc_rows = []
        for row in icpcs:
            icpc_rows.append(
                {
                    "child_id": row["child_id"],
                    "date": row["date"],
                    "section47_id": s47_pk.get((row["child_id"], row["_s47"])),
                    "referral_id": ref_pk.get((row["child_id"], row["_ref"])),
                    "plan_made": (row["child_id"], row["date"]) in plan_starts,
                }
            )
        counts["initial_conferences"] = upsert(
            InitialConference,
            ["child_id", "date"],
            icpc_rows,
            scope_field="child_id",
            new_scope=new,
        ).as_dict()
        plan_pk = {
            (c, d): pk
            for pk, c, d in CPPlan.objects.filter(**in_values("child_id", child_pks)).values_list(
                "pk", "child_id", "start_date"
            )
        }
        review_rows = []
        for cid, start, held_dates in reviews:
            # Due dates by the statutory rule: first review within 3 months of the plan starting,
            # then every 6 months after the previous review (Working Together 2018).
            due = add_months(start, 3)
            for held in held_dates:
                review_rows.append(
                    {
                        "cp_plan_id": plan_pk[(cid, start)],
                        "child_id": cid,
                        "due_date": due,
                        "held_date": held,
                    }
                )
                due = add_months(held, 6)
        counts["cp_reviews"] = upsert(
            CPReview,
            ["cp_plan_id", "due_date"],
            review_rows,
            scope_field="cp_plan_id",
            new_scope={plan_pk[key] for key in plans.created_keys},
        ).as_dict()
        return counts
