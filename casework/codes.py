"""The DfE code lists of the returns, with their meanings, so pages show words, not codes.

Sources: the CIN census guidance (ethnicity, primary need, reason for closure) and the SSDA903
return guidance (legal status, placement type, placement provider, reason for new episode,
reason episode ceased, category of need, reason for placement change). Every page and export
that shows one of these codes reads its meaning from here, via `meaning(list_name, code)` or the
`code_meaning` template filter. A code missing from a list is shown as the code itself, never
guessed.
"""

ETHNICITY = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy or Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

PRIMARY_NEED = {
    "N0": "Not stated",
    "N1": "Abuse or neglect",
    "N2": "Child's disability or illness",
    "N3": "Parental disability or illness",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
}

LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with a residence requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under a child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20",
    "V3": "Series of short breaks (individual episodes recorded)",
    "V4": "Series of short breaks (agreements recorded)",
}

PLACEMENT_TYPE = {
    "A3": "Placed for adoption with consent, with current foster carers",
    "A4": "Placed for adoption with consent, not with current foster carers",
    "A5": "Placed for adoption with a placement order, with current foster carers",
    "A6": "Placed for adoption with a placement order, not with current foster carers",
    "H5": "Semi-independent living not subject to children's homes regulations",
    "K1": "Secure children's home",
    "K2": "Children's home subject to children's homes regulations",
    "P1": "Placed with own parents or others with parental responsibility",
    "P2": "Independent living",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS or health trust establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "Residential school",
    "T0": "Temporary move of any kind other than those coded T1 to T4",
    "T1": "Temporary periods in hospital",
    "T2": "Temporary absences of the child on holiday",
    "T3": "Temporary accommodation while the usual foster carers are on holiday",
    "T4": "Temporary accommodation of seven days or less, for any reason not coded T1 to T3",
    "U1": "Foster placement with a relative or friend, long term",
    "U2": "Foster placement with a relative or friend who is also an approved adopter",
    "U3": "Foster placement with a relative or friend, not long term",
    "U4": "Foster placement with another foster carer, long term",
    "U5": "Foster placement with another foster carer who is also an approved adopter",
    "U6": "Foster placement with another foster carer, not long term",
    "Z1": "Other placement",
}

PLACEMENT_PROVIDER = {
    "PR0": "Parents or others with parental responsibility",
    "PR1": "The council's own provision",
    "PR2": "Another council's provision",
    "PR3": "Other public provision",
    "PR4": "Private provision",
    "PR5": "Voluntary or third sector provision",
}

REASON_NEW_EPISODE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement only",
    "T": "Change of legal status and placement",
    "U": "Change of legal status and placement, same carers",
    "B": "Change of placement, same carers",
}

REASON_EPISODE_CEASED = {
    "E11": "Adopted: application unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E13": "Left care to live with parents, relatives or others without parental responsibility",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment found the child to be 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 or over and stayed with current carers",
    "E2": "Died",
    "E3": "Care taken over by another council in the UK",
    "E41": "Residence order or child arrangements order granted",
    "E45": "Special guardianship order to former foster carers who are relatives or friends",
    "E46": "Special guardianship order to former foster carers",
    "E47": "Special guardianship order to relatives or friends",
    "E48": "Special guardianship order to other carers",
    "E4A": "Returned home as part of the care plan",
    "E4B": "Returned home, not as part of the care plan",
    "E5": "Moved into independent living with formal advice and support",
    "E6": "Moved into independent living without formal advice and support",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Stopped being looked after for another reason",
    "E9": "Sentenced to custody",
    "X1": "Episode ended and a new one began on the same day",
}

# SSDA903 CIN column: the category of need, coded as the CIN census's primary need.
CATEGORY_OF_NEED = {code: words for code, words in PRIMARY_NEED.items() if code not in ("N0", "N9")}

REASON_PLACEMENT_CHANGE = {
    "ALLEG": "Allegation (section 47 enquiry)",
    "APPRR": "Carer's approval removed",
    "CARPL": "Change to or carrying out of the care plan",
    "CHILD": "Child asked for the placement to end",
    "CLOSE": "Carer resigned or the provision closed",
    "CREQB": "Carer asked for the placement to end because of the child's behaviour",
    "CREQO": "Carer asked for the placement to end for another reason",
    "LAREQ": "The responsible or area council asked for the placement to end",
    "OTHER": "Other reason",
    "PLACE": "Change in the status of the placement only",
    "STAND": "Concern about the standard of care",
}

# CIN census: why a child in need episode closed.
CLOSURE_REASON = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to the services of another council",
    "RC6": "Transferred to adult social care",
    "RC7": "Services ended for another reason, including no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}

LISTS: dict[str, dict[str, str]] = {
    "ethnicity": ETHNICITY,
    "primary_need": PRIMARY_NEED,
    "legal_status": LEGAL_STATUS,
    "placement_type": PLACEMENT_TYPE,
    "placement_provider": PLACEMENT_PROVIDER,
    "reason_new_episode": REASON_NEW_EPISODE,
    "reason_episode_ceased": REASON_EPISODE_CEASED,
    "category_of_need": CATEGORY_OF_NEED,
    "reason_placement_change": REASON_PLACEMENT_CHANGE,
    "closure_reason": CLOSURE_REASON,
}


def meaning(list_name: str, code: str | None) -> str:
    """ "MWBC" in "ethnicity" → "White and Black Caribbean (MWBC)": the words, with the code
    people also use. An empty code is "Not recorded"; an unknown one is shown as it is."""
    if not code:
        return "Not recorded"
    words = LISTS[list_name].get(code.strip().upper())
    return f"{words} ({code})" if words else code
