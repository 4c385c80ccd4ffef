"""Helpers shared by the importers: dates, codes, the import team, child ids."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from casework.importers.upsert import in_values, lookup_chunks
from casework.models import Child, ServiceArea, Team

IMPORT_AREA = "Imported records"
IMPORT_TEAM = "Unassigned (imported)"


def parse_date(value: Any, *, formats: tuple[str, ...] = ("%Y-%m-%d", "%d/%m/%Y")) -> date | None:
    """None for empty; ValueError (with a readable message) for anything unparseable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    # Fast path for the two shapes every return uses; strptime is the slow fallback.
    try:
        if len(text) == 10 and text[2] == "/" and text[5] == "/" and "%d/%m/%Y" in formats:
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and "%Y-%m-%d" in formats:
            return date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        pass
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        f"'{text}' is not a date (expected {' or '.join(f.replace('%', '') for f in formats)})"
    )


@dataclass(frozen=True, slots=True)
class _NotADate:
    message: str


class CachedDates:
    """`parse_date` for one set of formats, each distinct text parsed once: a return repeats
    the same few thousand dates over its rows. Raises the same ValueError for a bad date."""

    def __init__(self, formats: tuple[str, ...]) -> None:
        self.formats = formats
        self.seen: dict[str, date | _NotADate | None] = {}

    def __call__(self, text: str | None) -> date | None:
        if not text:
            return None
        try:
            found = self.seen[text]
        except KeyError:
            try:
                found = parse_date(text, formats=self.formats)
            except ValueError as exc:
                found = _NotADate(str(exc))
            self.seen[text] = found
        if isinstance(found, _NotADate):
            raise ValueError(found.message)
        return found


def sex_code(value: str | None) -> str | None:
    """CIN census Sex (M/F/U) or GenderCurrent / SSDA903 SEX (1 male, 2 female, 0/9 unknown)."""
    text = (value or "").strip().upper()
    mapping = {"M": "M", "1": "M", "F": "F", "2": "F", "U": "U", "0": "U", "9": "U", "": "U"}
    return mapping.get(text)


def import_team() -> Team:
    """Referrals need a responsible team; returns don't carry one. Imported referrals go to this
    team until an Annex A allocation or a manager moves them."""
    area, _ = ServiceArea.objects.get_or_create(name=IMPORT_AREA)
    team, _ = Team.objects.get_or_create(
        name=IMPORT_TEAM, defaults={"service_area": area, "kind": Team.Kind.ASSESSMENT}
    )
    return team


def child_ids(la_ids: Iterable[str]) -> dict[str, int]:
    ids = sorted(set(la_ids))
    found: dict[str, int] = {}
    for chunk in lookup_chunks(ids):
        found.update(
            Child.objects.filter(**in_values("la_child_id", chunk)).values_list("la_child_id", "pk")
        )
    return found
