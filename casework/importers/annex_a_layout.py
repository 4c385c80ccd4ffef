# ruff: noqa: E501 - the headers are Ofsted's text, kept whole so they match the template.
"""Ofsted's Annex A (ILACS) lists: sheet names and column headers, shared by the importer and
the exporter so the two can't drift. Sheets and headers are exactly those of Ofsted's template as
published in the liia-tools sample (`tests/fixtures/samples/annex_a/Annex_A.xlsx`; a test compares
them), one header row per sheet. `READ_ALSO` names columns some councils' workbooks add (later
editions ask for pathway plan dates on List 9): the importer reads them when present, the export
never writes them."""

ID = "Child Unique ID"
GENDER = "Gender"
ETHNICITY = "Ethnicity"
DOB = "Date of Birth"
AGE = "Age"
DISABILITY = "Does the Child have a Disability"
TEAM = "Allocated Team"
WORKER = "Allocated Worker"

PERSON = [ID, GENDER, ETHNICITY, DOB, AGE]

LISTS: dict[int, list[str]] = {
    1: [*PERSON, "Date of Contact", "Contact Source"],
    2: [
        *PERSON,
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ],
    3: [
        *PERSON,
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        TEAM,
        WORKER,
    ],
    4: [
        *PERSON,
        DISABILITY,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        TEAM,
        WORKER,
    ],
    5: [
        *PERSON,
        DISABILITY,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        TEAM,
        WORKER,
    ],
    6: [
        *PERSON,
        DISABILITY,
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        TEAM,
        WORKER,
    ],
    7: [
        *PERSON,
        DISABILITY,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        TEAM,
        WORKER,
    ],
    8: [
        *PERSON,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
        DISABILITY,
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months",
        "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        TEAM,
        WORKER,
    ],
    9: [
        *PERSON,
        DISABILITY,
        TEAM,
        WORKER,
        "Eligibility Category",
        "LA in Touch",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    10: [
        ID,
        "Family identifier",
        GENDER,
        ETHNICITY,
        DOB,
        "Age of Child (Years)",
        DISABILITY,
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order ",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
    11: [
        "Individual adopter identifier",
        "Family identifier",
        GENDER,
        ETHNICITY,
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
        "Date Stage 1 ended",
        "Date Stage 2 started",
        "Date Stage 2 ended",
        "Date application submitted",
        "Date application approved",
        "Date adopter matched with child(ren)",
        "Date child/children placed with adopter(s)",
        "No. of children placed",
        "Date of Adoption Order",
        "Date of leaving adoption process",
        "Reason for leaving adoption process",
    ],
}

READ_ALSO: dict[int, list[str]] = {
    9: ["Date of Latest Pathway Plan", "Date Pathway Plan Last Reviewed"],
}

TITLES = {
    1: "Contacts",
    2: "Early help assessments",
    3: "Referrals",
    4: "Assessments",
    5: "Section 47 enquiries and ICPCs",
    6: "Children in need",
    7: "Child protection",
    8: "Children in care",
    9: "Care leavers",
    10: "Adoption",
    11: "Adopters",
}

GENDERS = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}


def normalise(header: object) -> str:
    return " ".join(str(header or "").replace("\u00a0", " ").split()).lower()


def sheet_number(title: str) -> int | None:
    words = title.strip().lower().split()
    if len(words) >= 2 and words[0] == "list" and words[1].isdigit():
        return int(words[1])
    return None
