"""The SSDA903 episodes of every loaded return as one longitudinal history.

A council's returns are loaded in any order and any grouping (five years at once, or one year a
year, or a year re-loaded after a correction); the stored history must be the same. The rules,
which follow how the DfE treats the return (episodes keyed by child and DECOM; each collection
year's return is that year's record):

- **A later return wins**: of the copies of one episode (child, DECOM) the one from the latest
  collection year is kept (`CareEpisode.return_year`), whatever the import order.
- **A return is authoritative for its own year**: re-loading year Y drops the episodes that only
  year Y's earlier load had reported and the new load no longer has.
- **An episode open at the end of its last return and missing from a later one** (DfE rule 502:
  last year's open episode must start this year's record) is listed as an OpenEpisodeDecision.
  Until the performance officer chooses, it is closed at 31 March of the year last reported
  (the later return, authoritative for its year, does not have the child looked after on it);
  "keep open" restores it as reported.
- **Overlaps are checked against the whole stored history**, not only the files in hand: both
  episodes of an overlapping pair are held out of the care history (HeldEpisode), the other
  episodes of the child load. A later return that removes the overlap releases them.

Every step is a function of the set of reported copies, the set of loaded years and the recorded
choices, so the order of imports cannot change the result.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from casework.importers.report import ERROR, WARNING, Problem, Record
from casework.importers.upsert import in_values, lookup_chunks, upsert
from casework.models import CareEpisode, Child, HeldEpisode, OpenEpisodeDecision, SSDA903Return

# The fields a return reports for an episode (CareEpisode attnames, child_id and dates aside).
EPISODE_FIELDS = (
    "rne",
    "legal_status",
    "cin",
    "place",
    "place_provider",
    "rec",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "placement_la",
    "in_area",
    "distance_miles",
    "urn",
)
# DfE rules 503A-503H: the first episode of this year's record repeats last year's open episode.
CONTINUED_FIELDS = {
    "rne": ("503A", "RNE", "reason for new episode"),
    "legal_status": ("503B", "LS", "legal status"),
    "cin": ("503C", "CIN", "category of need"),
    "place": ("503D", "PLACE", "placement type"),
    "place_provider": ("503E", "PLACE_PROVIDER", "placement provider"),
    "placement_la": ("503H", "PL_LA", "placement LA"),
}
OVERLAP = "overlap"


def year_end(year: int) -> date:
    """31 March of a collection year (the 2018/19 return is year 2019)."""
    return date(year, 3, 31)


@dataclass
class Copy:
    """One reported copy of an episode, from a return or from the stored history."""

    child_id: int
    start: date
    end: date | None  # as reported: None for an episode open at the return's 31 March
    year: int  # collection year of the return that reported it; 0 for an app-recorded episode
    fields: dict[str, Any]
    record: Record | None = None  # the incoming row, when this import brought it
    care_pk: int | None = None
    held_pk: int | None = None
    effective_end: date | None = None
    end_inferred: bool = False
    reasons: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {
            "child_id": self.child_id,
            "start_date": self.start,
            "end_date": self.effective_end,
            **self.fields,
            "return_year": self.year or None,
            "end_inferred": self.end_inferred,
        }


@dataclass
class Outcome:
    counts: dict[str, Any]
    problems: list[Problem]
    # Children whose stored episodes this import created, changed or removed.
    touched: set[int]


def merge(
    incoming: Iterable[Copy],
    *,
    years: set[int],
    new_children: set[int],
    la_ids: dict[int, str],
    children: Iterable[int] = (),
) -> Outcome:
    """Merge the incoming copies (valid episode rows of the returns for `years`) into the stored
    history and write the result; `children` are rebuilt too (a decision changed). Incoming
    rows that end up overlapping get a problem (and are quarantined by the pipeline); stored
    episodes that do are reported as history problems."""
    latest: dict[tuple[int, date], Copy] = {}
    for copy in incoming:
        key = (copy.child_id, copy.start)
        if key not in latest or copy.year >= latest[key].year:
            latest[key] = copy
    loaded = {
        year
        for year, tables in SSDA903Return.objects.values_list("collection_year", "tables")
        if "episodes" in tables
    } | years
    newest = max(loaded) if loaded else None
    children = {c for c, _ in latest} | set(children)
    for model in (CareEpisode, HeldEpisode):
        stale = Q(return_year__in=sorted(years))
        if newest is not None:
            # Open as reported and from an older return than the newest loaded: possibly missing.
            reported_open = Q(end_date__isnull=True)
            if model is CareEpisode:
                reported_open |= Q(end_inferred=True)
            stale |= Q(return_year__lt=newest) & reported_open
        for child_id, start in model.objects.filter(stale).values_list("child_id", "start_date"):
            if (child_id, start) not in latest:
                children.add(child_id)
    lookup = sorted(children - new_children)
    # Problems name the child by the LA's id, also a child this import did not bring.
    la_ids = dict(la_ids)
    unnamed = sorted(children - set(la_ids))
    for chunk in lookup_chunks(unnamed):
        la_ids.update(Child.objects.filter(pk__in=chunk).values_list("pk", "la_child_id"))
    stored: dict[int, list[Copy]] = defaultdict(list)
    for chunk in lookup_chunks(lookup):
        for e in CareEpisode.objects.filter(**in_values("child_id", chunk)).values(
            "pk",
            "child_id",
            "start_date",
            "end_date",
            "return_year",
            "end_inferred",
            *EPISODE_FIELDS,
        ):
            stored[e["child_id"]].append(
                Copy(
                    child_id=e["child_id"],
                    start=e["start_date"],
                    end=None if e["end_inferred"] else e["end_date"],
                    year=e["return_year"] or 0,
                    fields={f: e[f] for f in EPISODE_FIELDS},
                    care_pk=e["pk"],
                )
            )
        for h in HeldEpisode.objects.filter(**in_values("child_id", chunk)).values(
            "pk", "child_id", "start_date", "return_year", "row"
        ):
            row = h["row"]
            stored[h["child_id"]].append(
                Copy(
                    child_id=h["child_id"],
                    start=h["start_date"],
                    end=date.fromisoformat(row["end_date"]) if row.get("end_date") else None,
                    year=h["return_year"],
                    fields=_fields_from_json(row),
                    held_pk=h["pk"],
                )
            )
    decisions: dict[tuple[int, date], OpenEpisodeDecision] = {}
    for chunk in lookup_chunks(lookup):
        for d in OpenEpisodeDecision.objects.filter(**in_values("child_id", chunk)):
            decisions[(d.child_id, d.start_date)] = d

    problems: list[Problem] = []
    care_rows: list[dict[str, Any]] = []
    held_rows: list[dict[str, Any]] = []
    keep_care: set[int] = set()
    keep_held: set[int] = set()
    missing: dict[tuple[int, date], int] = {}
    counts = {"replaced by a later return": 0, "dropped by a re-loaded year": 0}
    by_child: dict[int, dict[date, Copy]] = defaultdict(dict)
    for key, copy in latest.items():
        by_child[key[0]][key[1]] = copy
    for child_id in children:
        chain = by_child[child_id]
        for old in stored.get(child_id, []):
            new = chain.get(old.start)
            if new is None:
                if old.year in years:
                    counts["dropped by a re-loaded year"] += 1
                    continue
                chain[old.start] = old
                continue
            _compare_continued(old, new, problems, la_ids)
            if old.year > new.year:
                # The incoming row is older than the stored copy: the stored one stands.
                counts["replaced by a later return"] += 1
                chain[old.start] = old
            else:
                new.care_pk, new.held_pk = old.care_pk, old.held_pk
        ordered = [chain[s] for s in sorted(chain)]
        for copy in ordered:
            copy.effective_end, copy.end_inferred = copy.end, False
            if copy.end is None and newest is not None and 0 < copy.year < newest:
                decision = decisions.get((child_id, copy.start))
                missing[(child_id, copy.start)] = copy.year
                if decision is None:
                    problems.append(
                        Problem(
                            file=f"{copy.year} return",
                            row=copy.record.row if copy.record else 0,
                            field="DECOM",
                            message=(
                                f"The {copy.year} return ended with the episode from "
                                f"{copy.start:%d/%m/%Y} open; a later return does not have it. "
                                "Closed at 31 March until you choose (episodes no longer "
                                "reported)."
                            ),
                            table="episodes",
                            code="502",
                            severity=WARNING,
                            child=la_ids.get(child_id, ""),
                        )
                    )
                if decision is None or decision.choice != OpenEpisodeDecision.Choice.KEEP_OPEN:
                    copy.effective_end, copy.end_inferred = year_end(copy.year), True
        overlapping: set[int] = set()
        for n, (before, after) in enumerate(zip(ordered, ordered[1:], strict=False)):
            if before.effective_end is None or after.start < before.effective_end:
                overlapping |= {n, n + 1}
                end = f"{before.effective_end:%d/%m/%Y}" if before.effective_end else "open"
                message = (
                    f"overlaps the episode {before.start:%d/%m/%Y} to {end} "
                    f"(reported in the {before.year} return)"
                    if before.year
                    else f"overlaps the episode {before.start:%d/%m/%Y} recorded in the app"
                )
                after.reasons.append(message + ".")
                before.reasons.append(
                    f"overlaps the episode starting {after.start:%d/%m/%Y}"
                    + (f" (reported in the {after.year} return)." if after.year else ".")
                )
        for n, copy in enumerate(ordered):
            if n in overlapping:
                held_rows.append(
                    {
                        "child_id": child_id,
                        "start_date": copy.start,
                        "end_date": copy.end,
                        "return_year": copy.year,
                        "row": _json_row(copy),
                        "reasons": copy.reasons,
                    }
                )
                if copy.held_pk:
                    keep_held.add(copy.held_pk)
                for reason in copy.reasons:
                    if copy.record is not None:
                        copy.record.problem("DECOM", reason, code=OVERLAP)
                    elif copy.held_pk is None:
                        problems.append(
                            Problem(
                                file=f"stored history ({copy.year or 'app'})",
                                row=0,
                                field="DECOM",
                                message=f"Held out of the care history: {reason}",
                                table="episodes",
                                code=OVERLAP,
                                child=la_ids.get(child_id, ""),
                            )
                        )
            else:
                care_rows.append(copy.row())
                if copy.care_pk:
                    keep_care.add(copy.care_pk)

    touched: set[int] = set()
    stale_care = [c.care_pk for cs in stored.values() for c in cs if c.care_pk]
    stale_care = [pk for pk in stale_care if pk not in keep_care]
    stale_held = [c.held_pk for cs in stored.values() for c in cs if c.held_pk]
    stale_held = [pk for pk in stale_held if pk not in keep_held]
    for copies in stored.values():
        for c in copies:
            if (c.care_pk and c.care_pk not in keep_care) or (
                c.held_pk and c.held_pk not in keep_held
            ):
                touched.add(c.child_id)
    for pks, model in ((stale_care, CareEpisode), (stale_held, HeldEpisode)):
        for chunk in lookup_chunks(pks):
            model.objects.filter(pk__in=chunk).delete()
    episodes = upsert(
        CareEpisode,
        ["child_id", "start_date"],
        care_rows,
        scope_field="child_id",
        new_scope=new_children,
    )
    touched |= {key[0] for key in episodes.created_keys}
    if episodes.updated:
        touched |= {r["child_id"] for r in care_rows}
    held = upsert(
        HeldEpisode,
        ["child_id", "start_date"],
        held_rows,
        scope_field="child_id",
        new_scope=new_children,
    )
    decided = _write_decisions(missing, decisions, children)
    counts |= episodes.as_dict()
    counts["held (overlapping)"] = len(held_rows)
    counts["held changed"] = held.created + held.updated
    counts["open episodes no longer reported"] = len(missing)
    counts["of which still to decide"] = decided
    return Outcome(counts=counts, problems=problems, touched=touched)


def _write_decisions(
    missing: dict[tuple[int, date], int],
    decisions: dict[tuple[int, date], OpenEpisodeDecision],
    children: set[int],
) -> int:
    """One decision row per missing open episode of the merged children: new ones pending,
    obsolete ones (the episode is reported again or gone) removed."""
    OpenEpisodeDecision.objects.bulk_create(
        [
            OpenEpisodeDecision(child_id=c, start_date=s, last_reported_year=y)
            for (c, s), y in missing.items()
            if (c, s) not in decisions
        ]
    )
    obsolete = [d.pk for key, d in decisions.items() if key not in missing and key[0] in children]
    for chunk in lookup_chunks(obsolete):
        OpenEpisodeDecision.objects.filter(pk__in=chunk).delete()
    moved = [
        d for key, d in decisions.items() if key in missing and d.last_reported_year != missing[key]
    ]
    for d in moved:
        d.last_reported_year = missing[(d.child_id, d.start_date)]
    OpenEpisodeDecision.objects.bulk_update(moved, ["last_reported_year"])
    return sum(
        1
        for key in missing
        if key not in decisions or decisions[key].choice == OpenEpisodeDecision.Choice.PENDING
    )


def _compare_continued(old: Copy, new: Copy, problems: list[Problem], la_ids: dict) -> None:
    """DfE 503A-H: an episode open at the end of one year's return and repeated in the next year's
    return keeps its codes. Reported as a warning on the later year's row."""
    first, second = (old, new) if old.year < new.year else (new, old)
    if first.end is not None or second.year != first.year + 1 or not first.year:
        return
    target = second.record
    for attname, (code, column, label) in CONTINUED_FIELDS.items():
        if (first.fields.get(attname) or "") != (second.fields.get(attname) or ""):
            was, now = first.fields.get(attname) or "blank", second.fields.get(attname) or "blank"
            message = (
                f"The {label} ({now}) does not match the open episode at the end of the "
                f"{first.year} return ({was})."
            )
            if target is not None:
                target.problem(column, message, code=code, severity=WARNING)
            else:
                problems.append(
                    Problem(
                        file=f"{first.year} return",
                        row=first.record.row if first.record else 0,
                        field=column,
                        message=message,
                        table="episodes",
                        code=code,
                        severity=WARNING,
                        child=la_ids.get(first.child_id, ""),
                    )
                )


def _json_row(copy: Copy) -> dict[str, Any]:
    out: dict[str, Any] = {"end_date": copy.end.isoformat() if copy.end else None}
    for f, v in copy.fields.items():
        out[f] = str(v) if f == "distance_miles" and v is not None else v
    return out


def _fields_from_json(row: dict[str, Any]) -> dict[str, Any]:
    from decimal import Decimal

    out = {f: row.get(f, "") for f in EPISODE_FIELDS}
    out["in_area"] = row.get("in_area")
    out["distance_miles"] = Decimal(row["distance_miles"]) if row.get("distance_miles") else None
    return out


__all__ = ["ERROR", "Copy", "Outcome", "merge", "year_end"]
