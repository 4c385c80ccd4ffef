"""Synthetic SSDA903 tables and CIN census files of any size, for throughput measurements
(never real children)."""

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from casework.importers.ssda903 import LEGAL_STATUS, PROVIDERS

PLACES = ["U1", "U3", "U4", "U6", "R1", "K2", "P1", "T0", "Z1"]


def write_903(folder: Path, episodes: int, *, seed: int = 1, per_child: int = 4) -> Path:
    """Write header.csv and episodes.csv with `episodes` contiguous, valid episodes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    children = max(1, episodes // per_child)
    with (
        (folder / "header.csv").open("w", newline="") as h,
        (folder / "episodes.csv").open("w", newline="") as e,
    ):
        header = csv.writer(h)
        header.writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
        eps = csv.writer(e)
        eps.writerow(
            [
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
                "PL_LA",
            ]
        )
        written = 0
        for n in range(children):
            child = f"SYN{n:08d}"
            dob = date(2002, 1, 1) + timedelta(days=rng.randrange(5000))
            header.writerow([child, rng.choice("12"), dob.strftime("%d/%m/%Y"), "WBRI", "", "", ""])
            start = dob + timedelta(days=rng.randrange(365, 2000))
            count = per_child if n < children - 1 else episodes - written
            for k in range(count):
                end = start + timedelta(days=rng.randrange(30, 400))
                last = k == count - 1
                eps.writerow(
                    [
                        child,
                        start.strftime("%d/%m/%Y"),
                        "S" if k == 0 else "P",
                        rng.choice(sorted(LEGAL_STATUS - {"V3", "V4"})),
                        "N1",
                        rng.choice(PLACES),
                        rng.choice(sorted(PROVIDERS)),
                        "" if last else end.strftime("%d/%m/%Y"),
                        "" if last else "X1",
                        "",
                        "",
                        "",
                        "",
                        rng.choice(["916", "845"]),
                    ]
                )
                start = end
                written += 1
    return folder


# Per referral, the shares of the L tier (seed_demo --scale 3 --seed 1): 198,000 referrals,
# 156,000 assessments, 49,000 CIN plans, 33,000 section 47s, 20,600 ICPCs, 17,600 CP plans and
# 25,800 review conferences for 144,000 children.
SECOND_REFERRAL = 0.3  # and a third for 0.1: 1.4 referrals a child
ASSESSED = 0.79
ON_CIN_PLAN = 0.25
SECTION_47 = 0.17
ICPC_AFTER_S47 = 0.62
PLAN_AFTER_ICPC = 0.85
CATEGORIES = ["NEG", "PHY", "SAB", "EMO", "MUL"]


@dataclass
class CINPlanRows:
    start: date
    end: date | None


@dataclass
class CPPlanRows:
    start: date
    end: date | None
    category: str
    reviews: list[date]


@dataclass
class Section47Rows:
    start: date
    target: date
    icpc: date | None


@dataclass
class ReferralRows:
    referral_date: date
    source: str
    need: str
    closure: date | None
    reason: str
    assessment: tuple[date, date | None] | None = None
    cin_plan: CINPlanRows | None = None
    section47: Section47Rows | None = None
    cp_plan: CPPlanRows | None = None


@dataclass
class ChildRows:
    la_id: str
    birth: date
    sex: str
    referrals: list[ReferralRows] = field(default_factory=list)


def cin_children(children: int, *, seed: int = 1) -> Iterator[ChildRows]:
    """Valid CIN census children: referrals one after another, each record inside its own
    referral, so every natural key (child + date) is unique."""
    rng = random.Random(seed)
    for n in range(children):
        birth = date(2004, 1, 1) + timedelta(days=rng.randrange(5000))
        child = ChildRows(f"CIN{n:08d}", birth, rng.choice("MF"))
        start = birth + timedelta(days=rng.randrange(30, 1500))
        count = 1 + (rng.random() < SECOND_REFERRAL) + (rng.random() < 0.1)
        for k in range(count):
            length = rng.randrange(60, 500)
            last = k == count - 1
            closure = None if last and rng.random() < 0.3 else start + timedelta(days=length)
            referral = ReferralRows(
                start,
                rng.choice(["1A", "2B", "3C", "5A"]),
                f"N{rng.randrange(1, 9)}",
                closure,
                "" if closure is None else f"RC{rng.randrange(1, 9)}",
            )
            day = timedelta(days=1)
            if rng.random() < ASSESSED:
                begun = start + day * rng.randrange(0, 10)
                referral.assessment = (begun, begun + day * rng.randrange(5, 45))
            if rng.random() < ON_CIN_PLAN:
                plan_start = start + day * 50
                referral.cin_plan = CINPlanRows(plan_start, closure)
            if rng.random() < SECTION_47:
                s47 = start + day * rng.randrange(1, 10)
                icpc = s47 + day * rng.randrange(5, 15) if rng.random() < ICPC_AFTER_S47 else None
                referral.section47 = Section47Rows(s47, s47 + day * 15, icpc)
                if icpc is not None and rng.random() < PLAN_AFTER_ICPC:
                    first = icpc + day * rng.randrange(60, 88)
                    reviews = [first] + ([first + day * 170] if rng.random() < 0.47 else [])
                    end = closure if closure is None or closure >= reviews[-1] else None
                    referral.cp_plan = CPPlanRows(icpc, end, rng.choice(CATEGORIES), reviews)
                    if closure is not None and closure < reviews[-1]:
                        referral.closure = reviews[-1] + day
            child.referrals.append(referral)
            start = (referral.closure or start + timedelta(days=length)) + day * rng.randrange(
                30, 400
            )
        yield child


def write_cin_census(path: Path, children: int, *, seed: int = 1) -> Path:
    """Write a CIN census XML file of `children` synthetic children (see `cin_children`)."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def tag(name: str, value: object) -> str:
        return "" if value is None or value == "" else f"<{name}>{escape(str(value))}</{name}>"

    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails>'
            "<Collection>CIN</Collection><Year>2019</Year>"
            "<ReferenceDate>2019-03-31</ReferenceDate></CollectionDetails></Header><Children>\n"
        )
        for child in cin_children(children, seed=seed):
            parts = [
                "<Child><ChildIdentifiers>",
                tag("LAchildID", child.la_id),
                tag("PersonBirthDate", child.birth),
                tag("Sex", child.sex),
                "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
                "<Disabilities><Disability>NONE</Disability></Disabilities>"
                "</ChildCharacteristics>",
            ]
            for r in child.referrals:
                parts += [
                    "<CINdetails>",
                    tag("CINreferralDate", r.referral_date),
                    tag("ReferralSource", r.source),
                    tag("PrimaryNeedCode", r.need),
                    tag("CINclosureDate", r.closure),
                    tag("ReasonForClosure", r.reason),
                    "<ReferralNFA>0</ReferralNFA>",
                ]
                if r.assessment:
                    parts += [
                        "<Assessments>",
                        tag("AssessmentActualStartDate", r.assessment[0]),
                        tag("AssessmentAuthorisationDate", r.assessment[1]),
                        "<FactorsIdentifiedAtAssessment><AssessmentFactors>2A"
                        "</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>",
                    ]
                if r.cin_plan:
                    parts += [
                        "<CINPlanDates>",
                        tag("CINPlanStartDate", r.cin_plan.start),
                        tag("CINPlanEndDate", r.cin_plan.end),
                        "</CINPlanDates>",
                    ]
                if r.section47:
                    parts += [
                        "<Section47>",
                        tag("S47ActualStartDate", r.section47.start),
                        tag("InitialCPCtarget", r.section47.target),
                        tag("DateOfInitialCPC", r.section47.icpc),
                        "<ICPCnotRequired>0</ICPCnotRequired></Section47>",
                    ]
                if r.cp_plan:
                    parts += [
                        "<ChildProtectionPlans>",
                        tag("CPPstartDate", r.cp_plan.start),
                        tag("CPPendDate", r.cp_plan.end),
                        tag("InitialCategoryOfAbuse", r.cp_plan.category),
                        tag("LatestCategoryOfAbuse", r.cp_plan.category),
                        "<Reviews>",
                        *(tag("CPPreviewDate", held) for held in r.cp_plan.reviews),
                        "</Reviews></ChildProtectionPlans>",
                    ]
                parts.append("</CINdetails>")
            parts.append("</Child>\n")
            out.write("".join(parts))
        out.write("</Children></Message>\n")
    return path


# Tables whose rows belong to a collection year by one of their dates.
_DATED = {"reviews": "REVIEW", "missing": "MIS_START", "sw_episodes": "SW_DECOM"}


def split_903_by_year(source: Path, target: Path) -> list[int]:
    """Split a multi-year set of SSDA903 tables (one file per table, as the public sample and
    `write_903` give) into one return per collection year, as a council's system would have
    produced them each year: folder `target/<year>/` holds the episodes open at some time between
    1 April and 31 March (those still open at 31 March with DEC and REC blank), the header rows
    of those children, their dated rows of the year (reviews, missing, social worker episodes),
    and each other table's rows of a child in the child's last year. Returns the years written."""
    from casework.importers.ssda903 import read_csv, year_closing

    tables: dict[str, tuple[list[str], list[dict[str, str]]]] = {}
    for path in sorted(source.glob("*.csv")):
        table, reader = read_csv(path)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            columns = [c.strip().upper() for c in next(csv.reader(handle))]
        tables[table] = (columns, list(reader))

    def day(text: str) -> date | None:
        return datetime.strptime(text, "%d/%m/%Y").date() if text else None

    episodes = tables["episodes"][1]
    dates = [d for r in episodes for d in (day(r["DECOM"]), day(r["DEC"])) if d is not None]
    first, last = year_closing(min(dates)), year_closing(max(dates))
    years = list(range(first, last + 1))
    by_year: dict[int, dict[str, list[dict[str, str]]]] = {y: {} for y in years}
    child_years: dict[str, set[int]] = {}
    for year in years:
        start, end = date(year - 1, 4, 1), date(year, 3, 31)
        rows: list[dict[str, str]] = []
        for r in episodes:
            decom, dec = day(r["DECOM"]), day(r["DEC"])
            if decom is None or decom > end or (dec is not None and dec < start):
                continue
            if dec is not None and dec > end:
                r = {**r, "DEC": "", "REC": ""}
            rows.append(r)
            child_years.setdefault(r["CHILD"], set()).add(year)
        by_year[year]["episodes"] = rows
    for table, (_, table_rows) in tables.items():
        if table == "episodes":
            continue
        for r in table_rows:
            seen = child_years.get(r["CHILD"])
            if not seen:
                continue
            if table == "header":
                for year in seen:
                    by_year[year].setdefault(table, []).append(r)
                continue
            when = day(r.get(_DATED.get(table, ""), "")) if table in _DATED else None
            year = year_closing(when) if when else max(seen)
            # A return holds rows only of the children in its header.
            if year in seen:
                by_year[year].setdefault(table, []).append(r)
    for year, found in by_year.items():
        folder = target / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for table, written in found.items():
            columns = tables[table][0]
            with (folder / f"{table}.csv").open("w", newline="") as handle:
                writer = csv.DictWriter(handle, columns, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(written)
    return years
