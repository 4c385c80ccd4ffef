"""The DfE's SSDA903 validation rules run on demand against the stored care history.

At import the rules see the rows of the returns in hand (`ssda903_rules`); a council corrects
its data before the next submission, and by then the history holds several years, decisions on
open episodes and corrections made in the admin. This runs the same rules on what is stored,
for the children the caller may see, in four queries whatever their number:

- row rules on every stored episode: 148 (DEC and REC both or neither, against the end as the
  return reported it: an end the product inferred is not one), 445 (D1 after December 2005);
- 388 on each child's whole chain of episodes (X1 needs an episode starting the day it ceased;
  an episode followed the same day ceases X1; the last episode does not cease X1): the stored
  history is the returns joined up, so a continuation is checked across collection years too;
- 168 on the UPN of every child loaded from a 903 header;
- the rows held out of the history because they overlap another episode (errors: they are not
  in the figures) and the open episodes a later return dropped that nobody has decided on
  (502, warnings).

Not checked here, because the stored history does not keep what they compare: 165 (MOTHER is
not stored), 503A-H (only the latest year's copy of an episode is kept), and the format checks
(a stored row has passed them). Each problem names the child by LA child ID and the record by
its DfE key (child and DECOM), which is how the council finds the row in its own system.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from casework.importers import ssda903_rules
from casework.importers.report import ERROR, WARNING, Record
from casework.models import CareEpisode, Child, HeldEpisode, OpenEpisodeDecision

OVERLAP = "overlap"
NOT_REPORTED = "502"
MESSAGES = {
    **{code: message for code, (_, message) in ssda903_rules.RULES.items()},
    OVERLAP: "The episode overlaps another episode of the child: held out of the care history.",
    NOT_REPORTED: "Last year's open episode is missing from this year's record.",
}
SEVERITIES = {
    **{code: severity for code, (severity, _) in ssda903_rules.RULES.items()},
    OVERLAP: ERROR,
    NOT_REPORTED: WARNING,
}
# The rules this check runs, in the order the summary lists them.
CHECKED = ("148", "388", "445", "168", OVERLAP, NOT_REPORTED)


@dataclass(frozen=True)
class HistoryProblem:
    """One rule broken by a stored record."""

    code: str
    severity: str
    child: str  # LA child ID
    child_pk: int  # for the access audit; never exported
    table: str  # "episodes" or "header"
    record: str  # the row by its DfE key: "episode from 01/06/2018", "header"
    start: date | None  # DECOM of the episode, for ordering and exports
    year: int | None  # collection year of the return the row came from; None: the app
    field: str
    message: str

    @property
    def return_label(self) -> str:
        if self.year is None:
            return "recorded in the app"
        return f"{self.year - 1}/{self.year % 100:02d} return"


@dataclass(frozen=True)
class RuleCount:
    code: str
    severity: str
    message: str
    count: int


def _episode_record(child: str, start: date, end: date | None, status: str, rec: str) -> Record:
    data = {"CHILD": child, "DECOM": start, "DEC": end, "LS": status, "REC": rec}
    return Record(table="episodes", file="stored history", row=0, data=data)


def stored_history_problems(*, children: QuerySet[Child]) -> list[HistoryProblem]:
    """Every problem the implemented DfE rules find in the stored SSDA903 history of these
    children (a queryset starting from the user's scope), ordered by child, record and rule."""
    problems: list[HistoryProblem] = []
    chains: dict[int, list[tuple[Record, int | None]]] = defaultdict(list)
    episodes = (
        CareEpisode.objects.filter(child__in=children)
        .order_by("child_id", "start_date")
        .values_list(
            "child_id",
            "child__la_child_id",
            "start_date",
            "end_date",
            "end_inferred",
            "return_year",
            "legal_status",
            "rec",
        )
    )
    for child_pk, la_id, start, end, inferred, year, status, rec in episodes:
        # An end the product inferred (an episode a later return dropped) is not the return's.
        record = _episode_record(la_id, start, None if inferred else end, status, rec)
        ssda903_rules.check_episode(record)
        chains[child_pk].append((record, year))
    for child_pk, chain in chains.items():
        ssda903_rules.check_continuations([record for record, _ in chain])
        for record, year in chain:
            problems.extend(_from_record(record, child_pk, year))

    header = children.filter(ssda903_year__isnull=False).exclude(upn="")
    for child_pk, la_id, upn, year in header.values_list(
        "pk", "la_child_id", "upn", "ssda903_year"
    ):
        record = Record(table="header", file="stored history", row=0, data={"UPN": upn})
        ssda903_rules.check_header(record)
        for p in record.problems:
            problems.append(
                HistoryProblem(
                    code=p.code,
                    severity=p.severity,
                    child=la_id,
                    child_pk=child_pk,
                    table="header",
                    record="header",
                    start=None,
                    year=year,
                    field=p.field,
                    message=p.message,
                )
            )

    held = HeldEpisode.objects.filter(child__in=children).values_list(
        "child_id", "child__la_child_id", "start_date", "return_year", "reasons"
    )
    for child_pk, la_id, start, year, reasons in held:
        problems.append(
            HistoryProblem(
                code=OVERLAP,
                severity=ERROR,
                child=la_id,
                child_pk=child_pk,
                table="episodes",
                record=f"episode from {start:%d/%m/%Y}",
                start=start,
                year=year,
                field="DECOM",
                message="Held out of the care history: " + " ".join(reasons or [MESSAGES[OVERLAP]]),
            )
        )

    pending = OpenEpisodeDecision.objects.filter(
        child__in=children, choice=OpenEpisodeDecision.Choice.PENDING
    ).values_list("child_id", "child__la_child_id", "start_date", "last_reported_year")
    for child_pk, la_id, start, year in pending:
        problems.append(
            HistoryProblem(
                code=NOT_REPORTED,
                severity=WARNING,
                child=la_id,
                child_pk=child_pk,
                table="episodes",
                record=f"episode from {start:%d/%m/%Y}",
                start=start,
                year=year,
                field="DECOM",
                message=(
                    f"The {year} return ended with this episode open; a later return does not "
                    "have it. Closed at 31 March until you choose (episodes no longer reported)."
                ),
            )
        )
    problems.sort(key=lambda p: (p.child, p.table != "header", p.start or date.min, p.code))
    return problems


def _from_record(record: Record, child_pk: int, year: int | None) -> Iterable[HistoryProblem]:
    start = record.data["DECOM"]
    for p in record.problems:
        yield HistoryProblem(
            code=p.code,
            severity=p.severity,
            child=p.child,
            child_pk=child_pk,
            table="episodes",
            record=f"episode from {start:%d/%m/%Y}",
            start=start,
            year=year,
            field=p.field,
            message=p.message,
        )


def rule_counts(problems: Iterable[HistoryProblem]) -> list[RuleCount]:
    """How many problems each rule found, every checked rule listed (0 where none)."""
    counts: dict[str, int] = dict.fromkeys(CHECKED, 0)
    for p in problems:
        counts[p.code] = counts.get(p.code, 0) + 1
    return [RuleCount(code, SEVERITIES[code], MESSAGES[code], n) for code, n in counts.items()]


EXPORT_HEADER = ["Rule", "Severity", "LA child ID", "Return", "Table", "Row", "Field", "Problem"]


def export_rows(problems: Iterable[HistoryProblem]) -> list[list[object]]:
    return [
        [p.code, p.severity, p.child, p.return_label, p.table, p.record, p.field, p.message]
        for p in problems
    ]
