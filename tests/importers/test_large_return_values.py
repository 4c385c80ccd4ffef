"""A return large enough for the bulk path (COPY on PostgreSQL) keeps every value exactly, text
that COPY would otherwise read as escapes or NULL included, and loads again unchanged."""

import csv
from datetime import datetime

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.importers.synthetic import write_903
from casework.importers.upsert import COPY_THRESHOLD
from casework.models import CareEpisode, Child, ImportRun

AWKWARD = ["A\\B 1", "C\tD", "E\nF", "\\N", "G\\N", 'Q"R', "é ü", ""]


def test_large_return_keeps_awkward_text_and_reimports_unchanged(db, tmp_path):
    folder = write_903(tmp_path, COPY_THRESHOLD + 500)
    path = folder / "episodes.csv"
    rows = list(csv.reader(path.open(newline="")))
    for n, row in enumerate(rows[1:]):
        row[10] = AWKWARD[n % len(AWKWARD)]  # HOME_POST
    csv.writer(path.open("w", newline="")).writerows(rows)

    first = run_import(SSDA903Importer(la_code="916"), [folder])
    second = run_import(SSDA903Importer(la_code="916"), [folder])

    assert first.run.outcome == ImportRun.Outcome.LOADED, first.report_lines()
    assert second.run.outcome == ImportRun.Outcome.UNCHANGED
    header = rows[0]
    expected = {
        (
            row[0],
            datetime.strptime(row[header.index("DECOM")], "%d/%m/%Y").date(),
        ): (row[10].strip(), row[header.index("PL_LA")], row[header.index("PLACE")])
        for row in rows[1:]
    }
    loaded = {
        (la_id, start): (home, pl_la, place)
        for la_id, start, home, pl_la, place in CareEpisode.objects.values_list(
            "child__la_child_id", "start_date", "home_postcode", "placement_la", "place"
        )
    }
    assert loaded == expected
    assert CareEpisode.objects.filter(home_postcode="\\N").count() > 0
    assert Child.objects.count() == first.run.counts["children"]["created"]
    assert not Child.objects.filter(public_id__isnull=True).exists()
