"""Annex A out, then in again: the fields the importer carries survive the round trip."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from casework import models as m
from casework.annex_a_export import build_lists, write_workbook
from casework.importers.annex_a import AnnexAImporter
from casework.importers.annex_a_layout import LISTS
from casework.importers.pipeline import run_import
from tests import factories as f

AS_AT = date(2018, 9, 30)

# Columns derived from records Annex A does not carry back (visits during an assessment,
# counts over the last 12 months, the review conference history), so not compared.
DERIVED = {
    3: {"Number of Referrals in Last 12 Months"},
    4: {"Child Seen During Continuous Assessment"},
    5: {
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
    },
    7: {"Date of latest review conference", "Number of Previous Child Protection Plans"},
    8: {"Date Started to be Looked After"},
}


def build_cohort(team) -> None:
    worker = f.WorkerFactory(team=team, name="Alex Example")
    cin = f.ChildFactory(la_child_id="CIN1", date_of_birth=date(2011, 2, 3))
    f.ContactFactory(child=cin)
    f.ReferralFactory(child=cin, team=team, referral_date=date(2018, 7, 2), primary_need="N1")
    f.AssessmentFactory(child=cin, start_date=date(2018, 7, 3), authorised_date=date(2018, 8, 20))
    f.VisitFactory(child=cin, date=date(2018, 9, 10))
    f.InvolvementFactory(child=cin, worker=worker, team=team, start_date=date(2018, 7, 3))
    cp = f.ChildFactory(la_child_id="CP1", date_of_birth=date(2014, 5, 6), sex="M")
    f.ReferralFactory(child=cp, team=team, referral_date=date(2018, 6, 1))
    f.Section47Factory(child=cp, start_date=date(2018, 7, 9))
    f.CPPlanFactory(child=cp, start_date=date(2018, 8, 1))
    f.VisitFactory(child=cp, date=date(2018, 9, 20), visit_type="cp", seen_alone=True)
    cic = f.ChildFactory(la_child_id="CIC1", date_of_birth=date(2009, 1, 1))
    f.CareEpisodeFactory(
        child=cic, start_date=date(2017, 3, 1), legal_status="C2", place="U1", in_area=False
    )
    f.HealthCheckFactory(child=cic, date=date(2018, 1, 15))
    f.HealthCheckFactory(child=cic, kind="dental", date=date(2018, 4, 15))
    leaver = f.ChildFactory(la_child_id="CL1", date_of_birth=date(1999, 1, 1))
    f.CareLeaverFactory(
        child=leaver, pathway_plan_date=date(2018, 2, 1), latest_review_date=date(2018, 8, 1)
    )


def wipe_case_record() -> None:
    for model in (
        m.Involvement,
        m.Visit,
        m.HealthCheck,
        m.CareReview,
        m.CareEpisode,
        m.CareLeaver,
        m.CPReview,
        m.CPPlan,
        m.InitialConference,
        m.Section47,
        m.CINPlan,
        m.Assessment,
        m.Referral,
        m.Contact,
        m.Child,
    ):
        model.objects.all().delete()


def comparable(lists: dict[int, list[list]]) -> dict[int, list[tuple]]:
    out = {}
    for number, rows in lists.items():
        keep = [
            i
            for i, h in enumerate(LISTS[number])
            if h not in DERIVED.get(number, set())
            and h not in ("Allocated Team", "Allocated Worker")
        ]
        out[number] = sorted(tuple(str(row[i]) for i in keep) for row in rows)
    return out


def test_export_then_import_keeps_every_carried_field(cast, tmp_path):
    build_cohort(cast.team_a1)
    before = build_lists(AS_AT)
    assert {n: len(r) for n, r in before.items() if r} == {
        1: 1,
        3: 2,
        4: 1,
        5: 1,
        6: 4,
        7: 1,
        8: 1,
        9: 1,
    }
    path = tmp_path / "annex_a.xlsx"
    path.write_bytes(write_workbook(AS_AT, before))
    wipe_case_record()
    result = run_import(AnnexAImporter(as_at=AS_AT), [path])
    assert result.ok, result.report_lines()
    after = build_lists(AS_AT)
    assert comparable(after) == comparable(before)
    # Allocation is carried by worker and team name.
    alex = [row for row in after[6] if row[0] == "CIN1"][0]
    assert alex[-1] == "Alex Example"


def test_workbook_has_ofsted_headers_and_no_formula_cells(cast, tmp_path):
    child = f.ChildFactory(la_child_id='=HYPERLINK("x")')
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 8, 1), source="=1+1")
    book = load_workbook(BytesIO(write_workbook(AS_AT)))
    for number, header in LISTS.items():
        assert [c.value for c in book[f"List {number}"][1]] == header
    cells = [c for row in book["List 3"].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(str(c.value).startswith("'=") for c in cells)
