"""The DfE's SSDA903 validation rules at import: for each rule a row that breaks it and one that
passes; errors (a row that cannot be used) quarantine the row, warnings load it with the flag;
each problem carries its rule code, severity, child, row and field."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import CareEpisode, Child, ImportRun
from scorecard.measures import Period, get

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
)


def load(folder: Path, header: str, episodes: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text(HEADER + header)
    (folder / "episodes.csv").write_text(EPISODES + episodes)
    return run_import(SSDA903Importer(), [folder], quarantine=True)


def hits(result, code: str) -> list[tuple[str, int, str, str]]:
    return [(p.child, p.row, p.field, p.severity) for p in result.problems if p.code == code]


BOY = "A1,1,01/02/2010,WBRI,A123456789012,,\n"


def test_148_dec_without_rec_is_a_warning_and_the_closed_episode_loads(db, tmp_path):
    result = load(
        tmp_path / "2019",
        BOY + "B2,1,01/02/2010,WBRI,,,\n",
        "A1,01/06/2018,S,C2,N1,U1,PR1,01/09/2018,,,,,\n"  # breaks: DEC, no REC
        "B2,01/06/2018,S,C2,N1,U1,PR1,01/09/2018,E11,,,,\n",  # passes
    )
    assert hits(result, "148") == [("A1", 1, "REC", "warning")]
    assert sorted(CareEpisode.objects.values_list("child__la_child_id", "end_date")) == [
        ("A1", date(2018, 9, 1)),
        ("B2", date(2018, 9, 1)),
    ]


def test_148_rec_on_an_open_episode_is_a_warning_and_the_child_stays_in_care(db, tmp_path):
    """The DfE's validator checks 148 only as "both or neither": the row is flagged for the
    council to correct, and the episode is still open, so the child still counts at 31 March."""
    result = load(tmp_path / "2019", BOY, "A1,01/06/2018,S,C2,N1,U1,PR1,,X1,,,,\n")
    assert hits(result, "148") == [("A1", 1, "DEC", "warning")]
    assert result.run.outcome == ImportRun.Outcome.LOADED
    episode = CareEpisode.objects.get()
    assert (episode.end_date, episode.rec) == (None, "X1")
    assert get("cic_count").result(Period.as_at_date(date(2019, 3, 31))).value == 1


def test_445_d1_after_2005_is_a_warning_and_before_it_passes(db, tmp_path):
    result = load(
        tmp_path / "2006",
        BOY + "B2,1,01/02/2000,WBRI,,,\n",
        "A1,01/01/2006,S,D1,N1,U1,PR1,,,,,,\nB2,31/12/2005,S,D1,N1,U1,PR1,,,,,,\n",
    )
    assert hits(result, "445") == [("A1", 1, "LS", "warning")]
    assert CareEpisode.objects.count() == 2


@pytest.mark.parametrize(
    ("upn", "valid"),
    [("A123456789012", True), ("UN3", True), ("A12345678901B", True), ("I123456789012", False),
     ("UN7", False), ("123", False)],
)  # fmt: skip
def test_168_invalid_upn_is_a_warning_and_the_child_loads(db, tmp_path, upn, valid):
    result = load(tmp_path / "2019", f"A1,1,01/02/2010,WBRI,{upn},,\n", "")
    assert hits(result, "168") == ([] if valid else [("A1", 1, "UPN", "warning")])
    assert Child.objects.filter(la_child_id="A1").exists()


def test_165_mother_status(db, tmp_path):
    result = load(
        tmp_path / "2019",
        "G1,2,01/02/2004,WBRI,,,\n"  # girl in care, MOTHER blank: breaks
        "G2,2,01/02/2004,WBRI,,0,\n"  # passes
        "B1,1,01/02/2004,WBRI,,1,\n"  # boy with MOTHER: breaks
        "G3,2,01/02/2004,WBRI,,7,\n",  # not 0 or 1: breaks
        "G1,01/06/2018,S,C2,N1,U1,PR1,,,,,,\nG2,01/06/2018,S,C2,N1,U1,PR1,,,,,,\n"
        "B1,01/06/2018,S,C2,N1,U1,PR1,,,,,,\nG3,01/06/2018,S,C2,N1,U1,PR1,,,,,,\n",
    )
    assert sorted(hits(result, "165")) == [
        ("B1", 3, "MOTHER", "warning"),
        ("G1", 1, "MOTHER", "warning"),
        ("G3", 4, "MOTHER", "warning"),
    ]
    assert Child.objects.count() == 4


def test_388_x1_without_a_following_episode_is_a_warning(db, tmp_path):
    result = load(
        tmp_path / "2019",
        BOY + "B2,1,01/02/2010,WBRI,,,\nC3,1,01/02/2010,WBRI,,,\n",
        "A1,01/06/2018,S,C2,N1,U1,PR1,01/09/2018,X1,,,,\n"  # nothing follows: breaks
        "B2,01/06/2018,S,C2,N1,U1,PR1,01/09/2018,X1,,,,\n"  # continued the same day: passes
        "B2,01/09/2018,P,C2,N1,U1,PR1,,,,,,\n"
        "C3,01/06/2018,S,C2,N1,U1,PR1,01/09/2018,E11,,,,\n"  # ceased, next the same day: breaks
        "C3,01/09/2018,S,C2,N1,U1,PR1,,,,,,\n",
    )
    assert sorted(hits(result, "388")) == [("A1", 1, "REC", "warning"), ("C3", 4, "REC", "warning")]
    assert CareEpisode.objects.count() == 5


def test_overlap_holds_the_two_rows_not_the_whole_child(db, tmp_path):
    result = load(
        tmp_path / "2019",
        BOY,
        "A1,01/04/2018,S,C2,N1,U1,PR1,01/06/2018,E11,,,,\n"
        "A1,01/07/2018,S,C2,N1,U1,PR1,01/10/2018,E11,,,,\n"
        "A1,01/09/2018,S,C2,N1,U1,PR1,,,,,,\n",
    )
    assert sorted(p.row for p in result.problems if p.code == "overlap") == [2, 3]
    assert list(CareEpisode.objects.values_list("start_date", flat=True)) == [date(2018, 4, 1)]


def test_502_and_503_against_the_stored_previous_year(db, tmp_path):
    load(tmp_path / "2018", BOY, "A1,01/06/2017,S,C2,N1,U1,PR1,,,,,,\n")
    result = load(tmp_path / "2019", BOY, "A1,01/06/2017,S,C1,N1,U1,PR1,,,,,,\n")
    assert hits(result, "503B") == [("A1", 1, "LS", "warning")]
    later = load(tmp_path / "2020", BOY, "A1,01/05/2019,S,C2,N1,U1,PR1,,,,,,\n")
    assert [(p.child, p.severity) for p in later.problems if p.code == "502"] == [("A1", "warning")]


def test_the_report_counts_the_children_the_quarantine_removes_at_31_march(db, tmp_path):
    result = load(
        tmp_path / "2019",
        BOY + "B2,1,01/02/2010,WBRI,,,\n",
        "A1,01/01/2018,Q,C2,N1,U1,PR1,,,,,,\n"  # RNE not a code: quarantined, open at 31 March
        "B2,01/01/2018,S,C2,N1,U1,PR1,,,,,,\n",
    )
    assert result.run.counts["left out at 31 March"] == {"2019": 1}
    assert result.run.counts["children in care at 31 March"] == {"2019": 1}


def test_the_report_page_says_what_was_left_out_and_what_it_does_to_the_figure(
    cast, as_user, tmp_path
):
    result = load(
        tmp_path / "2019",
        BOY + "B2,1,01/02/2010,WBRI,,,\nC3,1,01/02/2010,WBRI,,,\n",
        "A1,01/01/2018,Q,C2,N1,U1,PR1,,,,,,\n"  # quarantined, open at 31 March: left out
        "B2,01/01/2018,S,C2,N1,U1,PR1,,,,,,\n"  # counted
        "C3,01/04/2018,S,C2,N1,U1,PR1,01/10/2018,E11,,,,\n"  # C3's two overlap: both held
        "C3,01/09/2018,S,C2,N1,U1,PR1,,,,,,\n",
    )
    response = as_user(cast.performance).get(reverse("import_report", args=[result.run.pk]))
    assert response.context["left_out"] == [("2019", 2, 1)]
    assert response.context["held"] == 2
    body = " ".join(response.content.decode().split())
    assert "What was left out" in body
    # A1's row and C3's overlapping pair are quarantined; the pair is also held.
    assert "3 rows quarantined, not loaded (episodes: 3)" in body
    assert "2 episodes of these children are held out of the care history" in body


WITH_PL_LA = EPISODES.rstrip("\n") + ",PL_LA\n"
OPEN_2018 = {"RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}


def _open_episode(child: str, **codes: str) -> str:
    c = OPEN_2018 | codes
    pl_la = codes.get("PL_LA", "E10000013")
    return (
        f"{child},01/06/2017,{c['RNE']},{c['LS']},{c['CIN']},{c['PLACE']},{c['PLACE_PROVIDER']},"
        f",,,,,,{pl_la}\n"
    )


@pytest.mark.parametrize(
    ("code", "column", "changed"),
    [("503A", "RNE", "P"), ("503B", "LS", "C1"), ("503C", "CIN", "N2"), ("503D", "PLACE", "U2"),
     ("503E", "PLACE_PROVIDER", "PR2"), ("503H", "PL_LA", "E10000014")],
)  # fmt: skip
def test_503_the_next_return_repeats_last_years_open_episode(db, tmp_path, code, column, changed):
    """A1's open episode carries over unchanged (passes); B2's comes back with one code changed."""
    children = BOY + "B2,1,01/02/2010,WBRI,,,\n"
    returns = {
        "2018": _open_episode("A1") + _open_episode("B2"),
        "2019": _open_episode("A1") + _open_episode("B2", **{column: changed}),
    }
    for year, rows in returns.items():
        folder = tmp_path / year
        folder.mkdir()
        (folder / "header.csv").write_text(HEADER + children)
        (folder / "episodes.csv").write_text(WITH_PL_LA + rows)
        result = run_import(SSDA903Importer(), [folder], quarantine=True)
    assert hits(result, code) == [("B2", 2, column, "warning")]
