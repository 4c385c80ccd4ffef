"""The CIN census is read as it streams in, with the whole-tree reading's results: children in
every <Children> block load, and a header after the children still gives the reference date."""

from casework.importers.cin_census import CINCensusImporter
from casework.importers.pipeline import run_import
from casework.models import Child, ImportRun

CHILD = (
    "<Child><ChildIdentifiers><LAchildID>{id}</LAchildID>"
    "<PersonBirthDate>2012-04-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>"
    "<CINdetails><CINreferralDate>2018-01-08</CINreferralDate></CINdetails></Child>"
)


def test_children_in_two_blocks_load_and_a_late_header_still_counts(db, tmp_path):
    path = tmp_path / "census.xml"
    path.write_text(
        "<Message><Children>"
        + CHILD.format(id="S1")
        + "</Children><Children>"
        + CHILD.format(id="S2")
        + "<Child><ChildIdentifiers><LAchildID>S3</LAchildID><Sex>F</Sex></ChildIdentifiers>"
        + "</Child></Children><Header><CollectionDetails><ReferenceDate>2019-03-31"
        + "</ReferenceDate></CollectionDetails></Header></Message>"
    )
    result = run_import(CINCensusImporter(), [path], quarantine=True)
    assert result.run.outcome == ImportRun.Outcome.LOADED_WITH_QUARANTINE
    assert set(Child.objects.values_list("la_child_id", flat=True)) == {"S1", "S2"}
    quarantined = result.run.quarantined.get()
    assert quarantined.row == 3
    assert quarantined.record["reference_date"] == "2019-03-31"


def test_a_file_without_children_is_rejected_as_not_a_census(db, tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<Message><Header/></Message>")
    result = run_import(CINCensusImporter(), [path])
    assert result.run.outcome == ImportRun.Outcome.REJECTED
    assert "Not a CIN census" in result.problems[0].message
