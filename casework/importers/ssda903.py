"""SSDA903 (children looked after return, CSV tables) importer.

Tables are recognised by their columns. Each file belongs to a collection year (the year ending
31 March): the year named in the file or its folder ("2019", "2018-19", "episodes_201819.csv",
a folder "2019/"), else the year given to the importer, else the year whose 31 March closes the
latest episode date of the files without a year. Several years load together in any order and
any grouping: the episodes become one longitudinal history (see `ssda903_history`), keyed by
(child, DECOM) as the DfE keys them, the later collection year winning.

Stored: header → Child; episodes → CareEpisode (URN included); reviews → CareReview; uasc →
Child.uasc; sw_episodes → allocated-worker Involvement; oc2 → CareOutcome (per child per
collection year); missing → MissingEpisode. The other tables (oc3, ad1, placed_for_adoption,
previous_permanence) are
validated (child reference, dates) and counted; the product has no place for them yet and the
report says so.
"""

import codecs
import csv
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from casework.cohorts import Category, children_in_category
from casework.importers import ssda903_rules
from casework.importers.common import CachedDates, child_ids, import_team, sex_code
from casework.importers.report import Record, StructuralError
from casework.importers.ssda903_history import Copy, merge
from casework.importers.upsert import in_values, lookup_chunks, upsert
from casework.models import (
    CareEpisode,
    CareOutcome,
    CareReview,
    Child,
    HeldEpisode,
    ImportRun,
    Involvement,
    MissingEpisode,
    SSDA903Return,
    Worker,
)
from casework.queries import open_at
from casework.reporting import reporting_date

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
UNKNOWN_ENCODING = "Unknown text encoding (expected UTF-8 or Windows-1252)."


# Required columns of each table; a file is recognised by them.
TABLES: dict[str, set[str]] = {
    "header": {"CHILD", "SEX", "DOB", "ETHNIC", "UPN"},
    "episodes": {"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"},
    "reviews": {"CHILD", "DOB", "REVIEW", "REVIEW_CODE"},
    "uasc": {"CHILD", "SEX", "DOB", "DUC"},
    "oc2": {"CHILD", "DOB", "SDQ_SCORE", "HEALTH_CHECK"},
    "oc3": {"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"},
    "missing": {"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"},
    "ad1": {"CHILD", "DOB", "DATE_INT", "DATE_MATCH"},
    "placed_for_adoption": {"CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED"},
    "previous_permanence": {"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"},
    "sw_episodes": {"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"},
}
STORED = {"header", "episodes", "reviews", "uasc", "sw_episodes", "oc2", "missing"}
# MISSING: M missing from placement, A away from placement without authorisation.
MISSING_KINDS = {k.value for k in MissingEpisode.Kind}
# OC2 flags (0 no, 1 yes, blank not known) and their CareOutcome fields.
OC2_FLAGS = {
    "CONVICTED": "convicted",
    "HEALTH_CHECK": "health_check",
    "IMMUNISATIONS": "immunisations",
    "TEETH_CHECK": "teeth_check",
    "HEALTH_ASSESSMENT": "health_assessment",
    "SUBSTANCE_MISUSE": "substance_misuse",
    "INTERVENTION_RECEIVED": "intervention_received",
    "INTERVENTION_OFFERED": "intervention_offered",
}
FLAG = {"1": True, "0": False, "": None}
DATE_COLUMNS = {
    "header": ("DOB",),
    "episodes": ("DECOM", "DEC"),
    "reviews": ("DOB", "REVIEW"),
    "uasc": ("DOB", "DUC"),
    "oc2": ("DOB",),
    "oc3": ("DOB",),
    "missing": ("DOB", "MIS_START", "MIS_END"),
    "ad1": ("DOB", "DATE_INT", "DATE_MATCH"),
    "placed_for_adoption": ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
    "previous_permanence": ("DOB",),
    "sw_episodes": ("DOB", "SW_DECOM", "SW_DEC"),
}
RNE = {"L", "P", "T", "S", "U", "B"}
LEGAL_STATUS = {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
CATEGORY_OF_NEED = {f"N{i}" for i in range(1, 9)}
PROVIDERS = {"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"}


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else Windows-1252.
    Checked block by block, so the file is never held in memory."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with path.open("rb") as handle:
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def read_csv(path: Path) -> tuple[str, Iterator[dict[str, str]]]:
    """The table a CSV file holds (recognised by its columns) and its rows, read as they are
    needed: column names upper-cased, values stripped, blank lines skipped, short rows padded
    with "" and extra fields dropped (as csv.DictReader would)."""
    handle = path.open(encoding=_encoding(path), newline="")
    try:
        reader = csv.reader(handle)
        raw = next(reader, None) or []
    except UnicodeDecodeError:
        handle.close()
        raise StructuralError(path.name, UNKNOWN_ENCODING) from None
    except BaseException:
        handle.close()
        raise
    names = [c.strip().upper() for c in raw]
    columns = set(names)
    for table, required in TABLES.items():
        if required <= columns:
            return table, _rows(handle, reader, raw, names)
    handle.close()
    best = max(TABLES, key=lambda t: len(TABLES[t] & columns))
    missing = sorted(TABLES[best] - columns)
    raise StructuralError(
        path.name,
        f"Not a recognised SSDA903 table: closest is '{best}', "
        f"missing columns {', '.join(missing)}.",
    )


def _rows(
    handle: TextIO, reader: Iterator[list[str]], raw: list[str], names: list[str]
) -> Iterator[dict[str, str]]:
    width = len(names)
    # Every column named once: one C-level dict(zip(...)) per row.
    simple = all(raw) and len(set(names)) == width
    strip = str.strip
    with handle:
        for row in reader:
            if not row:
                continue
            if simple and len(row) == width:
                yield dict(zip(names, map(strip, row), strict=True))
            else:
                values = row[:width] + [""] * (width - len(row))
                yield {
                    name: value.strip()
                    for column, name, value in zip(raw, names, values, strict=True)
                    if column
                }


# A collection year in a file or folder name: 2019, 2018-19, 2018_19, 201819 (year ending 31 March).
YEAR_TOKEN = re.compile(r"(?<!\d)(20\d\d)(?:[-_]?(\d\d))?(?!\d)")
YEAR_FOLDER = re.compile(r"(?:ssda903[-_ ]?)?(20\d\d)(?:[-_]?(\d\d))?", re.IGNORECASE)


def _token_year(match: re.Match[str] | None) -> int | None:
    if match is None:
        return None
    first, second = int(match.group(1)), match.group(2)
    if second is not None and int(second) == (first + 1) % 100:
        return first + 1
    return first


def year_of_path(path: Path) -> int | None:
    """The collection year a file's name (or else its folder's whole name) gives, if any."""
    found = _token_year(YEAR_TOKEN.search(path.stem))
    if found is None:
        found = _token_year(YEAR_FOLDER.fullmatch(path.parent.name))
    return found


def year_closing(latest: date) -> int:
    """The collection year whose 31 March is the first on or after `latest`."""
    return latest.year if (latest.month, latest.day) <= (3, 31) else latest.year + 1


def _open_on(day: date, start: date | None, end: date | None) -> bool:
    return start is not None and start <= day and (end is None or end > day)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv"))
        else:
            out.append(path)
    return out


class SSDA903Importer:
    kind = ImportRun.Kind.SSDA903
    expand = staticmethod(expand_paths)

    def __init__(self, la_code: str | None = None, collection_year: int | None = None) -> None:
        self.la_code = la_code
        self.collection_year = collection_year
        self.not_stored: dict[str, int] = defaultdict(int)
        # Collection year -> the tables its files held.
        self.year_tables: dict[int, set[str]] = defaultdict(set)
        self.history_problems: list[Any] = []
        self.episode_records: list[Record] = []
        self.touched_children: set[int] = set()

    def parse(self, paths: Sequence[Path]) -> list[Record]:
        records: list[Record] = []
        dates = CachedDates(DATE_FORMATS)
        undated: list[tuple[str, list[Record]]] = []
        for order, path in enumerate(expand_paths(paths)):
            table, rows = read_csv(path)
            date_columns = DATE_COLUMNS[table]
            name = path.name
            year = year_of_path(path) or self.collection_year
            file_records: list[Record] = []
            try:
                for n, row in enumerate(rows, start=1):
                    data: dict[str, Any] = {"_order": order, "_year": year}
                    data.update(row)
                    record = Record(table=table, file=name, row=n, data=data)
                    for column in date_columns:
                        try:
                            data[column] = dates(row.get(column))
                        except ValueError as exc:
                            data[column] = None
                            record.problem(column, str(exc))
                    file_records.append(record)
            except UnicodeDecodeError:
                raise StructuralError(name, UNKNOWN_ENCODING) from None
            records.extend(file_records)
            if year is None:
                undated.append((table, file_records))
            else:
                self.year_tables[year].add(table)
        if undated:
            year = self._infer_year(undated)
            for table, file_records in undated:
                self.year_tables[year].add(table)
                for r in file_records:
                    r.data["_year"] = year
        return records

    @staticmethod
    def _infer_year(undated: list[tuple[str, list[Record]]]) -> int:
        """The files without a named year are one return: the year whose 31 March closes their
        latest episode date (else any other event date they hold)."""
        for tables in ({"episodes"}, set(TABLES) - {"episodes", "header", "uasc"}):
            latest = max(
                (
                    value
                    for table, file_records in undated
                    if table in tables
                    for r in file_records
                    for column in DATE_COLUMNS[table]
                    if column != "DOB" and isinstance(value := r.data.get(column), date)
                ),
                default=None,
            )
            if latest is not None:
                return year_closing(latest)
        # No event dates at all (a header or reviews correction on its own): the files belong
        # to the latest loaded year, else to the current one.
        loaded = SSDA903Return.objects.order_by("-collection_year").first()
        return loaded.collection_year if loaded else year_closing(reporting_date())

    def validate(self, records: list[Record]) -> None:
        # Header rows are validated first: a child whose header row is invalid is not "known",
        # so its other rows are reported (and quarantined) rather than failing at load.
        for r in records:
            if r.table == "header":
                self._validate_header(r)
        headers = {
            r.data["CHILD"]
            for r in records
            if r.table == "header" and r.valid and r.data.get("CHILD")
        }
        invalid_headers = {
            r.data.get("CHILD") for r in records if r.table == "header" and not r.valid
        }
        already = set(
            child_ids({r.data.get("CHILD", "") for r in records} - headers - invalid_headers)
        )
        known = headers | already
        open_sw: dict[str, list[Record]] = defaultdict(list)
        for r in records:
            d = r.data
            if not d.get("CHILD"):
                r.problem("CHILD", "is missing.")
                continue
            if r.table != "header" and d["CHILD"] in invalid_headers:
                r.problem("CHILD", "the child's header row is invalid.")
            elif r.table != "header" and d["CHILD"] not in known:
                r.problem("CHILD", "is not in the header table or already loaded (orphan record).")
            if r.table == "header":
                continue
            if (
                r.table == "reviews"
                and d.get("REVIEW") is None
                and not any(p.field == "REVIEW" for p in r.problems)
            ):
                r.problem("REVIEW", "is missing.")
            elif r.table == "episodes":
                self._validate_episode(r)
            elif r.table == "oc2":
                self._validate_oc2(r)
            elif r.table == "missing":
                self._validate_missing(r)
            elif r.table == "sw_episodes":
                if d.get("SW_DECOM") is None and not any(p.field == "SW_DECOM" for p in r.problems):
                    r.problem("SW_DECOM", "is missing.")
                if not d.get("SW_ID"):
                    r.problem("SW_ID", "is missing.")
                if d.get("SW_DECOM") and d.get("SW_DEC") and d["SW_DEC"] < d["SW_DECOM"]:
                    r.problem("SW_DEC", "is before SW_DECOM.")
                if d.get("SW_DEC") is None:
                    open_sw[d["CHILD"]].append(r)
        # One open allocated worker per child (a database constraint): a second open social
        # worker episode, or one while the app already holds an open allocation, is reported.
        held = set(
            Involvement.objects.filter(
                **in_values("child__la_child_id", list(open_sw)),
                role=Involvement.Role.ALLOCATED_WORKER,
                end_date__isnull=True,
            ).values_list("child__la_child_id", flat=True)
        )
        for child, rows in open_sw.items():
            starts = {r.data.get("SW_DECOM") for r in rows}
            for r in rows[1:] if len(starts) > 1 else []:
                r.problem("SW_DEC", "another social worker episode of this child is also open.")
            if child in held and rows:
                existing_starts = set(
                    Involvement.objects.filter(
                        child__la_child_id=child,
                        role=Involvement.Role.ALLOCATED_WORKER,
                        end_date__isnull=True,
                    ).values_list("start_date", flat=True)
                )
                for r in rows:
                    if r.data.get("SW_DECOM") not in existing_starts:
                        r.problem("SW_DEC", "the child already has an open allocated worker.")
        ssda903_rules.check_return(records)
        self.episode_records = [r for r in records if r.table == "episodes"]
        # Overlaps and continuity are checked at load, against the stored history
        # (`ssda903_history.merge`), not only against the files in hand.

    @staticmethod
    def _validate_oc2(r: Record) -> None:
        d = r.data
        for column in OC2_FLAGS:
            if d.get(column, "") not in FLAG:
                r.problem(column, f"'{d[column]}' is not 0, 1 or blank.")
        score = d.get("SDQ_SCORE", "")
        if score and not (score.isdigit() and int(score) <= 40):
            r.problem("SDQ_SCORE", f"'{score}' is not an SDQ score (0 to 40).")

    @staticmethod
    def _validate_missing(r: Record) -> None:
        d = r.data
        if d.get("MISSING", "") not in MISSING_KINDS:
            r.problem("MISSING", f"'{d.get('MISSING', '')}' is not M or A.")
        if d.get("MIS_START") is None and not any(p.field == "MIS_START" for p in r.problems):
            r.problem("MIS_START", "is missing.")
        if d.get("MIS_START") and d.get("MIS_END") and d["MIS_END"] < d["MIS_START"]:
            r.problem("MIS_END", "is before MIS_START.")

    @staticmethod
    def _validate_header(r: Record) -> None:
        d = r.data
        if sex_code(d.get("SEX")) is None:
            r.problem("SEX", f"'{d.get('SEX')}' is not a sex code (1 or 2).")
        if d.get("DOB") is None and not any(p.field == "DOB" for p in r.problems):
            r.problem("DOB", "is missing.")
        ssda903_rules.check_header(r)

    @staticmethod
    def _validate_episode(r: Record) -> None:
        d = r.data
        get = d.get
        start, end = get("DECOM"), get("DEC")
        if start is None and not any(p.field == "DECOM" for p in r.problems):
            r.problem("DECOM", "is missing.")
        if start and end and end < start:
            r.problem("DEC", "is before DECOM.")
        if (rne := get("RNE")) not in RNE:
            r.problem("RNE", f"'{rne}' is not a valid code.")
        if (status := get("LS")) not in LEGAL_STATUS:
            r.problem("LS", f"'{status}' is not a valid code.")
        if (need := get("CIN")) not in CATEGORY_OF_NEED:
            r.problem("CIN", f"'{need}' is not a valid code.")
        if (provider := get("PLACE_PROVIDER")) and provider not in PROVIDERS:
            r.problem("PLACE_PROVIDER", f"'{provider}' is not a valid code.")
        if not get("PLACE"):
            r.problem("PLACE", "is missing.")
        ssda903_rules.check_episode(r)
        if distance := get("PL_DISTANCE"):
            try:
                d["PL_DISTANCE"] = Decimal(distance).quantize(Decimal("0.1"))
            except InvalidOperation:
                r.problem("PL_DISTANCE", f"'{distance}' is not a number of miles.")

    def load(self, records: list[Record]) -> dict[str, Any]:
        counts: dict[str, Any] = {}
        by_table: dict[str, list[Record]] = defaultdict(list)
        for r in sorted(records, key=lambda r: r.data["_order"]):
            by_table[r.table].append(r)
        uasc = {r.data["CHILD"] for r in by_table["uasc"]}
        # The latest collection year's header row of each child wins, also against a later year
        # loaded by an earlier import.
        headers = sorted(by_table["header"], key=lambda r: (r.data["_year"], r.data["_order"]))
        stored_years: dict[str, int | None] = {}
        for chunk in lookup_chunks(sorted({r.data["CHILD"] for r in headers})):
            stored_years.update(
                Child.objects.filter(
                    **in_values("la_child_id", chunk), ssda903_year__isnull=False
                ).values_list("la_child_id", "ssda903_year")
            )
        children = upsert(
            Child,
            ["la_child_id"],
            [
                {
                    "la_child_id": r.data["CHILD"],
                    "sex": sex_code(r.data["SEX"]),
                    "date_of_birth": r.data["DOB"],
                    "ethnicity": r.data["ETHNIC"][:4],
                    "upn": r.data["UPN"][:13],
                    "uasc": r.data["CHILD"] in uasc,
                    "ssda903_year": r.data["_year"],
                }
                for r in headers
                if (stored_years.get(r.data["CHILD"]) or 0) <= r.data["_year"]
            ],
            scope_field="la_child_id",
        )
        counts["children"] = children.as_dict()
        ids = child_ids({r.data["CHILD"] for r in records})
        # Children created just now have no episodes, reviews or allocations to look up.
        new = {ids[key[0]] for key in children.created_keys}
        new_uasc = [ids[c] for c in uasc if c in ids]
        # The header upsert already sets the flag on the rows it rewrote; a child whose header
        # row was kept (a later return loaded before) is flagged here. The count is every child
        # the file flags, as the report reads it, not only those this statement changed.
        Child.objects.filter(pk__in=new_uasc, uasc=False).update(uasc=True)
        counts["uasc"] = {"flagged": len(new_uasc)}
        episode_row = self._episode_row
        copies = []
        for r in by_table["episodes"]:
            row = episode_row(ids[r.data["CHILD"]], r.data)
            child_id, start, end = row.pop("child_id"), row.pop("start_date"), row.pop("end_date")
            copies.append(Copy(child_id, start, end, r.data["_year"], row, record=r))
        la_ids = {pk: la for la, pk in ids.items()}
        history = merge(
            copies,
            years={y for y, tables in self.year_tables.items() if "episodes" in tables},
            new_children=new,
            la_ids=la_ids,
        )
        counts["episodes"] = history.counts
        self.history_problems = history.problems
        self.touched_children = set(ids.values()) | history.touched
        counts["reviews"] = upsert(
            CareReview,
            ["child_id", "held_date"],
            [
                {
                    "child_id": ids[r.data["CHILD"]],
                    "held_date": r.data["REVIEW"],
                    "child_participation": r.data["REVIEW_CODE"][:4],
                }
                for r in by_table["reviews"]
                if r.data.get("REVIEW")
            ],
            scope_field="child_id",
            new_scope=new,
        ).as_dict()
        counts["sw_episodes"] = self._load_sw_episodes(by_table["sw_episodes"], ids, new)
        counts["oc2"] = upsert(
            CareOutcome,
            ["child_id", "collection_year"],
            [
                {
                    "child_id": ids[r.data["CHILD"]],
                    "collection_year": r.data["_year"],
                    "sdq_score": int(r.data["SDQ_SCORE"]) if r.data.get("SDQ_SCORE") else None,
                    "sdq_reason": r.data.get("SDQ_REASON", "")[:4],
                    **{f: FLAG[r.data.get(c, "")] for c, f in OC2_FLAGS.items()},
                }
                for r in by_table["oc2"]
            ],
            scope_field="child_id",
            new_scope=new,
        ).as_dict()
        counts["missing"] = self._load_missing(by_table["missing"], ids, new)
        for table in sorted(set(by_table) - STORED):
            counts[table] = {"validated, not stored": len(by_table[table])}
        counts["left out at 31 March"] = self._left_out()
        # The headline figure the left-out children are missing from, as the scorecard counts
        # it (children whose category at 31 March is child in care).
        counts["children in care at 31 March"] = {
            str(year): children_in_category(date(year, 3, 31), Category.CIC).count()
            for year in sorted(self.year_tables)
        }
        return counts

    def _left_out(self) -> dict[str, int]:
        """For each collection year loaded: the children the quarantine removes from the
        children-in-care figure at its 31 March (a quarantined or held care episode open then,
        and no stored care episode open then)."""
        short = CareEpisode.SHORT_BREAK_STATUSES
        out: dict[str, int] = {}
        for year in sorted(self.year_tables):
            day = date(year, 3, 31)
            left = {
                r.data["CHILD"]
                for r in self.episode_records
                if not r.valid
                and r.data.get("CHILD")
                and _open_on(day, r.data.get("DECOM"), r.data.get("DEC"))
                and r.data.get("LS") not in short
            }
            left |= {
                la
                for la, end, row in HeldEpisode.objects.filter(start_date__lte=day).values_list(
                    "child__la_child_id", "end_date", "row"
                )
                if (end is None or end > day) and row.get("legal_status") not in short
            }
            still = set(
                CareEpisode.objects.filter(open_at(day), child__la_child_id__in=sorted(left))
                .exclude(legal_status__in=short)
                .values_list("child__la_child_id", flat=True)
            )
            if left - still:
                out[str(year)] = len(left - still)
        return out

    def after_load(self, run: ImportRun) -> None:
        """Record which collection years (and tables) this import loaded."""
        for year, tables in self.year_tables.items():
            found, created = SSDA903Return.objects.get_or_create(
                collection_year=year, defaults={"import_run": run, "tables": sorted(tables)}
            )
            if not created:
                found.import_run = run
                found.tables = sorted(set(found.tables) | tables)
                found.save(update_fields=["import_run", "tables", "updated_at"])

    def _episode_row(self, child_id: int, d: dict[str, Any]) -> dict[str, Any]:
        # PL_LA is the 9-character ONS code (E10000013) in current returns.
        pl_la = d.get("PL_LA", "")[:9]
        in_area = None
        if pl_la and self.la_code:
            in_area = pl_la == self.la_code
        elif d.get("PL_LOCATION") in {"IN", "OUT"}:
            in_area = d["PL_LOCATION"] == "IN"
        distance = d.get("PL_DISTANCE") or None
        return {
            "child_id": child_id,
            "start_date": d["DECOM"],
            "end_date": d["DEC"],
            "rne": d["RNE"],
            "legal_status": d["LS"],
            "cin": d["CIN"],
            "place": d["PLACE"][:3],
            "place_provider": d["PLACE_PROVIDER"][:3],
            "rec": d["REC"][:3],
            "reason_place_change": d.get("REASON_PLACE_CHANGE", "")[:5],
            "home_postcode": d.get("HOME_POST", "")[:10],
            "placement_postcode": d.get("PL_POST", "")[:10],
            "placement_la": pl_la,
            "in_area": in_area,
            "distance_miles": distance,
            "urn": d.get("URN", "")[:8],
        }

    @staticmethod
    def _load_missing(rows: list[Record], ids: dict[str, int], new: set[int]) -> dict[str, int]:
        """Missing and absent episodes, keyed by child and MIS_START. Of the copies of an episode
        in several returns the latest collection year's wins, also against a later year loaded
        by an earlier import, so the order of imports does not change what is stored."""
        if not rows:
            return {"created": 0, "updated": 0, "unchanged": 0}
        incoming = sorted(rows, key=lambda r: (r.data["_year"], r.data["_order"]))
        stored: dict[tuple[int, date], int] = {}
        for chunk in lookup_chunks(sorted({ids[r.data["CHILD"]] for r in incoming} - new)):
            for child_id, start, year in MissingEpisode.objects.filter(
                **in_values("child_id", chunk), return_year__isnull=False
            ).values_list("child_id", "start_date", "return_year"):
                stored[(child_id, start)] = year or 0
        return upsert(
            MissingEpisode,
            ["child_id", "start_date"],
            [
                {
                    "child_id": ids[r.data["CHILD"]],
                    "start_date": r.data["MIS_START"],
                    "end_date": r.data["MIS_END"],
                    "kind": r.data["MISSING"],
                    "return_year": r.data["_year"],
                }
                for r in incoming
                if stored.get((ids[r.data["CHILD"]], r.data["MIS_START"]), 0) <= r.data["_year"]
            ],
            scope_field="child_id",
            new_scope=new,
        ).as_dict()

    @staticmethod
    def _load_sw_episodes(rows: list[Record], ids: dict[str, int], new: set[int]) -> dict[str, int]:
        if not rows:
            return {"created": 0, "updated": 0, "unchanged": 0}
        team = import_team()
        staff = {r.data["SW_ID"] for r in rows}
        existing = set(Worker.objects.filter(staff_id__in=staff).values_list("staff_id", flat=True))
        Worker.objects.bulk_create(
            [
                Worker(
                    staff_id=s,
                    name=f"Worker {s}",
                    role=Worker.Role.SOCIAL_WORKER,
                    team=team,
                    start_date=date(2000, 1, 1),
                )
                for s in sorted(staff - existing)
            ]
        )
        workers = dict(Worker.objects.filter(staff_id__in=staff).values_list("staff_id", "pk"))
        worker_team = dict(Worker.objects.filter(staff_id__in=staff).values_list("pk", "team_id"))
        return upsert(
            Involvement,
            ["child_id", "role", "start_date"],
            [
                {
                    "child_id": ids[r.data["CHILD"]],
                    "role": Involvement.Role.ALLOCATED_WORKER,
                    "start_date": r.data["SW_DECOM"],
                    "end_date": r.data["SW_DEC"],
                    "worker_id": workers[r.data["SW_ID"]],
                    "team_id": worker_team[workers[r.data["SW_ID"]]],
                    "reason_for_change": r.data["SW_REASON"][:200],
                }
                for r in rows
            ],
            scope_field="child_id",
            new_scope=new,
        ).as_dict()
