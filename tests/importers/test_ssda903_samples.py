"""The public SSDA903 sample tables load (with quarantine for the episodes that overlap another
episode of the child, not the whole child), and the children-in-care measures computed from them
match an independent count."""

import csv
import json
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import CareOutcome, CareReview, Child, ImportRun, QuarantinedRecord
from scorecard.measures import Period, get

AS_AT = date(2018, 3, 31)


def independent_children_in_care(folder, as_at: date) -> set[str]:
    """Recount from the CSV: children with an episode open at D whose legal status is not a
    short break, leaving out the episodes of each overlapping pair (they are held). The rows that
    break DfE rules 148 and 445 count: the DfE's validator flags them for correction, it does
    not drop them (an open episode with a reason ceased is still open)."""
    episodes: dict[str, list[tuple[date, date | None, str]]] = {}
    with (folder / "episodes.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            start = datetime.strptime(row["DECOM"], "%d/%m/%Y").date()
            end = datetime.strptime(row["DEC"], "%d/%m/%Y").date() if row["DEC"] else None
            episodes.setdefault(row["CHILD"], []).append((start, end, row["LS"]))
    in_care = set()
    for child, chain in episodes.items():
        chain.sort()
        held = set()
        for n, ((_, e, _), nxt) in enumerate(zip(chain, chain[1:])):
            if e is None or nxt[0] < e:
                held |= {n, n + 1}
        if any(
            s <= as_at and (e is None or e > as_at) and ls not in ("V3", "V4")
            for n, (s, e, ls) in enumerate(chain)
            if n not in held
        ):
            in_care.add(child)
    return in_care


def test_all_tables_load_with_quarantine_and_match_an_independent_count(db, samples):
    folder = samples / "ssda903"
    result = run_import(SSDA903Importer(), [folder], quarantine=True)
    assert result.run.outcome == ImportRun.Outcome.LOADED_WITH_QUARANTINE
    assert Child.objects.count() == 2675
    assert CareReview.objects.exists()
    quarantined = QuarantinedRecord.objects.filter(import_run=result.run)
    assert quarantined.filter(table="episodes").exists()
    assert any("overlaps" in r for q in quarantined for r in q.reasons)
    assert result.run.counts["oc2"]["created"] == CareOutcome.objects.count() == 2675

    expected = independent_children_in_care(folder, AS_AT)
    measure = get("cic_count")
    assert measure.result(Period.as_at_date(AS_AT)).value == len(expected)
    rows = set(measure.rows(Period.as_at_date(AS_AT)).values_list("la_child_id", flat=True))
    assert rows == expected


def test_scorecard_command_reports_the_same_children_in_care(db, samples):
    folder = samples / "ssda903"
    run_import(SSDA903Importer(), [folder], quarantine=True)
    out = StringIO()
    call_command("scorecard", "--as-at", AS_AT.isoformat(), "--format", "json", stdout=out)
    by_code = {row["code"]: row for row in json.loads(out.getvalue())}
    assert float(by_code["cic_count"]["value"]) == len(independent_children_in_care(folder, AS_AT))


def test_without_quarantine_the_overlaps_reject_the_whole_import(db, samples):
    result = run_import(SSDA903Importer(), [samples / "ssda903"])
    assert result.run.outcome == ImportRun.Outcome.REJECTED
    assert Child.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("import_ssda903", str(samples / "ssda903"))
