"""Cases a code review found: each used to crash, drop a record or change data on re-import."""

from datetime import date
from pathlib import Path

from casework.annex_a_export import write_workbook
from casework.importers.annex_a import AnnexAImporter
from casework.importers.cin_census import CINCensusImporter
from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import CareEpisode, CareReview, Child, ImportRun, QuarantinedRecord
from tests import factories as f

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN,PL_LA,PL_DISTANCE\n"
)


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def test_invalid_header_quarantines_the_childs_rows_instead_of_crashing(db, tmp_path):
    write(tmp_path, "header.csv", HEADER + "A1,7,01/02/2010,WBRI,,,\nB2,1,01/02/2010,WBRI,,,\n")
    write(
        tmp_path,
        "episodes.csv",
        EPISODES + "A1,01/06/2016,S,C2,N1,U1,PR1,,,,,,,,\nB2,01/06/2016,S,C2,N1,U1,PR1,,,,,,,,\n",
    )
    result = run_import(SSDA903Importer(), [tmp_path], quarantine=True)
    assert result.run.outcome == ImportRun.Outcome.LOADED_WITH_QUARANTINE
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["B2"]
    assert QuarantinedRecord.objects.filter(table="episodes").count() == 1


def test_nine_character_la_codes_and_distances_reimport_unchanged(db, tmp_path):
    write(tmp_path, "header.csv", HEADER + "A1,1,01/02/2010,WBRI,,,\n")
    write(
        tmp_path, "episodes.csv", EPISODES + "A1,01/06/2016,S,C2,N1,U1,PR1,,,,,,,E10000013,12.3\n"
    )
    first = run_import(SSDA903Importer(la_code="E10000013"), [tmp_path])
    second = run_import(SSDA903Importer(la_code="E10000013"), [tmp_path])
    episode = CareEpisode.objects.get()
    assert episode.placement_la == "E10000013" and episode.in_area is True
    assert first.ok and second.run.outcome == ImportRun.Outcome.UNCHANGED


def test_missing_review_date_and_social_worker_start_are_reported(db, tmp_path):
    write(tmp_path, "header.csv", HEADER + "A1,1,01/02/2010,WBRI,,,\n")
    write(tmp_path, "reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/02/2010,,PN1\n")
    write(tmp_path, "sw.csv", "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nA1,01/02/2010,SW1,,,\n")
    result = run_import(SSDA903Importer(), [tmp_path])
    fields = {(p.table, p.field) for p in result.problems}
    assert ("reviews", "REVIEW") in fields
    assert ("sw_episodes", "SW_DECOM") in fields
    assert not result.ok and CareReview.objects.count() == 0


def test_the_same_child_in_two_census_years_loads_and_the_later_wins(db, tmp_path):
    child = (
        "<Message><Children><Child><ChildIdentifiers><LAchildID>Y1</LAchildID>"
        "<PersonBirthDate>2012-04-01</PersonBirthDate><Sex>{sex}</Sex></ChildIdentifiers>"
        "<CINdetails><CINreferralDate>2018-01-08</CINreferralDate></CINdetails></Child></Children></Message>"
    )
    (tmp_path / "a.xml").write_text(child.format(sex="M"))
    (tmp_path / "b.xml").write_text(child.format(sex="F"))
    result = run_import(CINCensusImporter(), [tmp_path / "a.xml", tmp_path / "b.xml"])
    assert result.ok, result.report_lines()
    assert Child.objects.get(la_child_id="Y1").sex == "F"


def test_annex_a_reimport_keeps_the_903_reason_and_seen_alone(cast, tmp_path):
    child = f.ChildFactory(la_child_id="CIC9", date_of_birth=date(2009, 1, 1))
    f.CareEpisodeFactory(child=child, start_date=date(2017, 3, 1), rne="P", in_area=True)
    f.VisitFactory(child=child, date=date(2018, 9, 12), visit_type="cla", seen_alone=True)
    path = tmp_path / "a.xlsx"
    path.write_bytes(write_workbook(date(2018, 9, 30)))
    result = run_import(AnnexAImporter(as_at=date(2018, 9, 30)), [path])
    assert result.ok, result.report_lines()
    episode = CareEpisode.objects.get(child=child)
    assert episode.rne == "P" and episode.in_area is True
    assert child.visits.get(date=date(2018, 9, 12)).seen_alone is True


def test_staff_users_need_the_second_factor_whatever_their_role(cast):
    cast.manager_a1.is_staff = True
    assert cast.manager_a1.needs_second_factor
    assert not cast.manager_a2.needs_second_factor
