"""An import tells the layers above which children it touched, inside its transaction, and the
surgeries app rewrites those children's stored exception rows then (not at the next nightly
refresh)."""

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import Child
from casework.signals import child_records_changed

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,01/02/2010,WBRI,,,\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN\nA1,01/06/2018,S,C2,N1,U1,PR1,,,,,,\n"
)


def test_a_903_import_sends_the_touched_children_and_surgeries_refreshes_them(
    db, tmp_path, monkeypatch
):
    (tmp_path / "header.csv").write_text(HEADER)
    (tmp_path / "episodes.csv").write_text(EPISODES)
    sent: list[list[int]] = []
    refreshed: list[list[int]] = []

    def capture(sender, *, child_ids, **kwargs):
        sent.append(child_ids)

    child_records_changed.connect(capture, dispatch_uid="test.capture")
    monkeypatch.setattr(
        "surgeries.lists.refresh_children", lambda ids, as_at: refreshed.append(sorted(ids))
    )
    try:
        result = run_import(SSDA903Importer(), [tmp_path])
    finally:
        child_records_changed.disconnect(dispatch_uid="test.capture")
    assert result.ok
    child = Child.objects.get(la_child_id="A1")
    assert sent == [[child.pk]]
    assert refreshed == [[child.pk]]
