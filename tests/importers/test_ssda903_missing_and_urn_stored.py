"""The 903 MISSING table and the episodes' URN are stored (Annex A's List 8 reads them); of two
returns that disagree about a missing episode the later collection year's wins, whatever the
order they were loaded in."""

import csv
from pathlib import Path

import pytest

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import CareEpisode, MissingEpisode

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
]  # fmt: skip
MISSING = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]


def write(folder: Path, name: str, columns: list[str], rows: list[list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(columns)
        out.writerows(rows)


def return_for(root: Path, year: int, missing_end: str) -> Path:
    folder = root / str(year)
    write(folder, "header.csv", HEADER, [["A1", "1", "01/02/2008", "WBRI", "", "", ""]])
    write(
        folder,
        "episodes.csv",
        EPISODES,
        [["A1", "01/05/2017", "S", "C2", "N1", "U1", "PR1", "", "", "", "", "", "SC123456"]],
    )
    write(
        folder,
        "missing.csv",
        MISSING,
        [
            ["A1", "01/02/2008", "M", "10/01/2018", missing_end],
            ["A1", "01/02/2008", "A", "03/03/2018", "04/03/2018"],
        ],
    )
    return folder


@pytest.mark.parametrize("order", [(2018, 2019), (2019, 2018)])
def test_missing_episodes_and_urn_are_stored_later_year_winning(db, tmp_path, order):
    ends = {2018: "", 2019: "20/01/2018"}  # the later return knows when the child came back
    for year in order:
        result = run_import(SSDA903Importer(), [return_for(tmp_path, year, ends[year])])
        assert result.ok, result.report_lines()
    assert CareEpisode.objects.get().urn == "SC123456"
    stored = {
        (e.kind, e.start_date.isoformat(), e.end_date and e.end_date.isoformat(), e.return_year)
        for e in MissingEpisode.objects.all()
    }
    assert stored == {
        ("M", "2018-01-10", "2018-01-20", 2019),
        ("A", "2018-03-03", "2018-03-04", 2019),
    }


def test_an_unknown_missing_code_is_a_problem(db, tmp_path):
    folder = return_for(tmp_path, 2018, "")
    write(folder, "missing.csv", MISSING, [["A1", "01/02/2008", "X", "10/01/2018", ""]])
    result = run_import(SSDA903Importer(), [folder])
    assert not result.ok
    assert any("MISSING" in line and "'X'" in line for line in result.report_lines())
    assert not MissingEpisode.objects.exists()


def test_the_public_sample_missing_table_is_stored(db, samples):
    result = run_import(SSDA903Importer(), [samples / "ssda903"], quarantine=True)
    with (samples / "ssda903" / "missing.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    quarantined = result.run.quarantined.filter(table="missing").count()
    assert result.run.counts["missing"]["created"] == MissingEpisode.objects.count() > 0
    assert MissingEpisode.objects.count() == len(rows) - quarantined
    # Every episode of the sample gives a URN.
    assert CareEpisode.objects.exists()
    assert not CareEpisode.objects.filter(urn="").exists()
