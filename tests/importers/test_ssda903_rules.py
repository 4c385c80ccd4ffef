"""SSDA903: structural errors reject the file, several years merge (later return wins), the
placement LA code decides in or out of area, orphans are reported."""

from datetime import date
from pathlib import Path

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import CareEpisode, ImportRun

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,01/02/2010,WBRI,A123456789012,,\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN,PL_LA\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_missing_columns_reject_the_file(db, tmp_path):
    bad = write(tmp_path, "episodes.csv", "CHILD,DECOM,RNE\nA1,01/01/2018,S\n")
    result = run_import(SSDA903Importer(), [bad])
    assert result.run.outcome == ImportRun.Outcome.REJECTED
    assert "missing columns" in result.problems[0].message
    assert result.problems[0].structural


def test_later_return_wins_for_a_repeated_episode(db, tmp_path):
    y1 = tmp_path / "2017"
    y2 = tmp_path / "2018"
    write(y1, "header.csv", HEADER)
    write(y1, "episodes.csv", EPISODES + "A1,01/06/2016,S,C2,N1,U1,PR1,,,,,,,916\n")
    write(y2, "header.csv", HEADER)
    write(y2, "episodes.csv", EPISODES + "A1,01/06/2016,S,C2,N1,U1,PR1,05/01/2018,E11,,,,,845\n")
    result = run_import(SSDA903Importer(la_code="916"), [y1, y2])
    assert result.ok, result.report_lines()
    episode = CareEpisode.objects.get()
    assert episode.end_date == date(2018, 1, 5)
    assert episode.in_area is False  # the later return's placement LA is not ours


def test_reimporting_the_same_files_changes_nothing(db, tmp_path):
    write(tmp_path, "header.csv", HEADER)
    write(tmp_path, "episodes.csv", EPISODES + "A1,01/06/2016,S,C2,N1,U1,PR1,,,,,,,916\n")
    first = run_import(SSDA903Importer(la_code="916"), [tmp_path])
    second = run_import(SSDA903Importer(la_code="916"), [tmp_path])
    assert first.run.outcome == ImportRun.Outcome.LOADED
    assert second.run.outcome == ImportRun.Outcome.UNCHANGED
    assert CareEpisode.objects.get().in_area is True


def test_orphan_episode_and_bad_codes_are_listed_by_row_and_field(db, tmp_path):
    write(tmp_path, "header.csv", HEADER)
    write(
        tmp_path,
        "episodes.csv",
        EPISODES
        + "ZZ9,01/06/2016,S,C2,N1,U1,PR1,,,,,,,\nA1,01/06/2016,Q,XX,N1,U1,PR1,31/02/2017,,,,,,\n",
    )
    result = run_import(SSDA903Importer(), [tmp_path])
    found = {(p.row, p.field) for p in result.problems}
    assert (1, "CHILD") in found
    assert {(2, "RNE"), (2, "LS"), (2, "DEC")} <= found
    assert not result.ok
