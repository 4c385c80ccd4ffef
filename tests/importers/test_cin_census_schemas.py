"""Old (GenderCurrent) and new (Sex) CIN census schemas both load, with nested records."""

from datetime import date
from pathlib import Path

from casework.importers.cin_census import CINCensusImporter
from casework.importers.pipeline import run_import
from casework.models import (
    Assessment,
    Child,
    CINPlan,
    CPPlan,
    CPReview,
    InitialConference,
    Section47,
)

CHILD = """
<Child>
  <ChildIdentifiers><LAchildID>{id}</LAchildID><PersonBirthDate>2012-04-01</PersonBirthDate>{sex}</ChildIdentifiers>
  <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
  <CINdetails>
    <CINreferralDate>2018-01-08</CINreferralDate><ReferralSource>1A</ReferralSource>
    <PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
    <Assessments><AssessmentActualStartDate>2018-01-09</AssessmentActualStartDate>
      <AssessmentAuthorisationDate>2018-02-20</AssessmentAuthorisationDate>
      <FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
    <CINPlanDates><CINPlanStartDate>2018-02-22</CINPlanStartDate><CINPlanEndDate>2018-04-01</CINPlanEndDate></CINPlanDates>
    <Section47><S47ActualStartDate>2018-03-26</S47ActualStartDate><InitialCPCtarget>2018-04-17</InitialCPCtarget>
      <DateOfInitialCPC>2018-04-12</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>
    <ChildProtectionPlans><CPPstartDate>2018-04-12</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
      <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
      <Reviews><CPPreviewDate>2018-07-05</CPPreviewDate><CPPreviewDate>2019-01-03</CPPreviewDate></Reviews>
    </ChildProtectionPlans>
  </CINdetails>
</Child>"""


def write(tmp_path: Path, *children: str) -> Path:
    path = tmp_path / "cin.xml"
    path.write_text(f"<Message><Header/><Children>{''.join(children)}</Children></Message>")
    return path


def test_old_and_new_sex_elements_both_load(db, tmp_path):
    path = write(
        tmp_path,
        CHILD.format(id="OLD1", sex="<GenderCurrent>2</GenderCurrent>"),
        CHILD.format(id="NEW1", sex="<Sex>M</Sex>"),
    )
    result = run_import(CINCensusImporter(), [path])
    assert result.ok, result.report_lines()
    assert Child.objects.get(la_child_id="OLD1").sex == "F"
    assert Child.objects.get(la_child_id="NEW1").sex == "M"


def test_nested_records_load_with_statutory_review_due_dates(db, tmp_path):
    run_import(CINCensusImporter(), [write(tmp_path, CHILD.format(id="A1", sex="<Sex>F</Sex>"))])
    child = Child.objects.get(la_child_id="A1")
    assert Assessment.objects.get(child=child).authorised_date == date(2018, 2, 20)
    assert CINPlan.objects.get(child=child).end_date == date(2018, 4, 1)
    s47 = Section47.objects.get(child=child)
    conference = InitialConference.objects.get(child=child)
    assert conference.section47 == s47 and conference.plan_made
    plan = CPPlan.objects.get(child=child)
    reviews = list(
        CPReview.objects.filter(cp_plan=plan)
        .order_by("due_date")
        .values_list("due_date", "held_date")
    )
    # First review due within 3 months of the plan, the next 6 months after the one held.
    assert reviews == [
        (date(2018, 7, 12), date(2018, 7, 5)),
        (date(2019, 1, 5), date(2019, 1, 3)),
    ]


def test_unknown_sex_code_is_reported_by_field(db, tmp_path):
    result = run_import(
        CINCensusImporter(), [write(tmp_path, CHILD.format(id="X", sex="<Sex>Q</Sex>"))]
    )
    assert not result.ok
    assert result.problems[0].field == "ChildIdentifiers/Sex"
