"""An episode open at the end of its last return and missing from a later one is listed for the
performance officer, closed at 31 March of the year last reported until they choose, and the
choice (keep open / close) is recorded and applied to the care history."""

from datetime import date

import pytest

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import CareEpisode, OpenEpisodeDecision

HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,01/02/2010,WBRI,,,\nB2,2,01/02/2011,WBRI,,,\n"
)
HEAD = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
)


@pytest.fixture
def two_returns(tmp_path):
    """2018: A1 and B2 open at 31 March. 2019: B2 still open, A1 missing altogether."""
    for year, rows in {
        2018: "A1,01/06/2017,S,C2,N1,U1,PR1,,,,,,\nB2,01/07/2017,S,C2,N1,U1,PR1,,,,,,\n",
        2019: "B2,01/07/2017,S,C2,N1,U1,PR1,,,,,,\n",
    }.items():
        folder = tmp_path / str(year)
        folder.mkdir()
        (folder / "header.csv").write_text(HEADER)
        (folder / "episodes.csv").write_text(HEAD + rows)
    return tmp_path


def test_missing_open_episode_is_listed_and_closed_until_decided(db, two_returns):
    run_import(SSDA903Importer(), [two_returns / "2018"])
    result = run_import(SSDA903Importer(), [two_returns / "2019"])
    assert result.run.counts["episodes"]["open episodes no longer reported"] == 1
    decision = OpenEpisodeDecision.objects.get()
    assert (decision.child.la_child_id, decision.start_date) == ("A1", date(2017, 6, 1))
    assert decision.choice == OpenEpisodeDecision.Choice.PENDING
    episode = CareEpisode.objects.get(child__la_child_id="A1")
    assert (episode.end_date, episode.end_inferred) == (date(2018, 3, 31), True)
    assert CareEpisode.objects.get(child__la_child_id="B2").end_date is None


def test_officer_keeps_it_open_and_the_choice_is_recorded(as_user, cast, two_returns):
    run_import(SSDA903Importer(), [two_returns / "2018", two_returns / "2019"])
    decision = OpenEpisodeDecision.objects.get()
    client = as_user(cast.performance)
    page = client.get("/imports/open-episodes/")
    assert page.status_code == 200
    assert b"A1" in page.content and b"1 Jun 2017" in page.content
    client.post(f"/imports/open-episodes/{decision.pk}/", {"choice": "keep_open"})
    decision.refresh_from_db()
    assert decision.choice == "keep_open" and decision.decided_by == cast.performance
    episode = CareEpisode.objects.get(child__la_child_id="A1")
    assert (episode.end_date, episode.end_inferred) == (None, False)
    # Re-importing either year leaves the choice in force.
    run_import(SSDA903Importer(), [two_returns / "2019"])
    assert CareEpisode.objects.get(child__la_child_id="A1").end_date is None
    client.post(f"/imports/open-episodes/{decision.pk}/", {"choice": "close"})
    assert CareEpisode.objects.get(child__la_child_id="A1").end_date == date(2018, 3, 31)


def test_a_later_return_reporting_the_episode_again_removes_the_decision(db, two_returns):
    run_import(SSDA903Importer(), [two_returns / "2018", two_returns / "2019"])
    (two_returns / "2019" / "episodes.csv").write_text(
        HEAD
        + "A1,01/06/2017,S,C2,N1,U1,PR1,01/05/2018,E11,,,,\n"
        + "B2,01/07/2017,S,C2,N1,U1,PR1,,,,,,\n"
    )
    run_import(SSDA903Importer(), [two_returns / "2019"])
    assert not OpenEpisodeDecision.objects.exists()
    assert CareEpisode.objects.get(child__la_child_id="A1").end_date == date(2018, 5, 1)


def test_social_worker_cannot_see_the_list(as_user, cast):
    assert as_user(cast.social_worker).get("/imports/open-episodes/").status_code == 403
