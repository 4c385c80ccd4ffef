"""Generator parameters for the synthetic council, for one "unit" at scale 1.

Most numbers here are calibration targets: the seed report's figures (2018/19 Q2, Gloucestershire
scorecard, `shared/seed-scorecard-2018-q2.csv`) that the default council must reproduce when the
app's own measures are run on it. They live only here, as inputs to the generator; the product
code never sees them. Dates between the report's anchor points are interpolated so trends move
smoothly; values for quarters the report does not quote are plausible fillers, not targets.
"""

from datetime import date

AS_AT = date(2018, 9, 30)
# The controllers start here with a back-dated opening stock, so journeys run from about 2012.
HISTORY_START = date(2012, 3, 31)
# Statutory visits are generated from here on (quarterly trends need 2016/17 onwards); earlier
# journeys keep their first visit only, which keeps the default council fast to build.
VISITS_FROM = date(2015, 10, 1)
# Quarter ends whose child-level rates are controlled (the trend charts start at 2016/17 Q1).
CONTROLLED_FROM = date(2016, 3, 31)

# --- stocks at month ends (piecewise linear between points) -------------------------------------
# calibration target: cin_count 2018-03-31=2287, 2018-09-30=1996
CIN_STOCK = {
    date(2012, 3, 31): 2300,
    date(2016, 3, 31): 2330,
    date(2017, 3, 31): 2300,
    date(2017, 9, 30): 2260,
    date(2017, 12, 31): 2280,
    date(2018, 3, 31): 2287,
    date(2018, 6, 30): 2150,
    date(2018, 9, 30): 1996,
}
# calibration target: cp_count 2018-06-30=789, 2018-09-30=890
CP_STOCK = {
    date(2012, 3, 31): 430,
    date(2016, 3, 31): 520,
    date(2016, 9, 30): 560,
    date(2017, 3, 31): 610,
    date(2017, 9, 30): 670,
    date(2017, 12, 31): 715,
    date(2018, 3, 31): 750,
    date(2018, 6, 30): 789,
    date(2018, 9, 30): 890,
}
# calibration target: cic_count 2017-09-30=633, 2018-06-30=678, 2018-09-30=670
CIC_STOCK = {
    date(2012, 3, 31): 560,
    date(2016, 3, 31): 595,
    date(2016, 9, 30): 605,
    date(2017, 3, 31): 618,
    date(2017, 9, 30): 633,
    date(2017, 12, 31): 652,
    date(2018, 3, 31): 668,
    date(2018, 6, 30): 678,
    date(2018, 9, 30): 670,
}
# calibration target: open_children 3922 = cin 1996 + cp 890 + cic 670 + care leavers 366
CL_STOCK = {
    date(2012, 3, 31): 290,
    date(2016, 3, 31): 330,
    date(2018, 3, 31): 358,
    date(2018, 9, 30): 366,
}

# --- flows ---------------------------------------------------------------------------------------
# New CIN journeys (referrals that are neither child protection nor care) started per month.
CIN_STARTS_PER_MONTH = 700
CP_STARTS_PER_MONTH = 68
CIC_STARTS_PER_MONTH = 23
CL_STARTS_PER_MONTH = 10

# Referrals of a CIN journey closed at screening, without an assessment.
# calibration target: referral_to_assessment_pct 73 (all referrals, 2018/19 Q2)
REFERRAL_ASSESSED = {date(2012, 3, 31): 0.75, date(2018, 3, 31): 0.76, date(2018, 9, 30): 0.73}
# calibration target: contact_to_referral_pct 72
CONTACT_TO_REFERRAL = {date(2012, 3, 31): 0.78, date(2018, 3, 31): 0.76, date(2018, 9, 30): 0.72}
# calibration target: contact_decision_24h_pct Q2 87, Q1 42; contact_decision_48h_pct Q2 95
CONTACT_24H = {
    date(2012, 3, 31): 0.70,
    date(2017, 12, 31): 0.62,
    date(2018, 3, 31): 0.55,
    date(2018, 6, 30): 0.42,
    date(2018, 9, 30): 0.87,
}
CONTACT_48H = {
    date(2012, 3, 31): 0.86,
    date(2018, 3, 31): 0.80,
    date(2018, 6, 30): 0.70,
    date(2018, 9, 30): 0.95,
}
# calibration target: assessment_45d_pct 81 (1630 of the assessments authorised in Q2)
ASSESSMENT_45D = {date(2012, 3, 31): 0.80, date(2017, 9, 30): 0.84, date(2018, 9, 30): 0.81}
# calibration target: rereferral_12m_pct 30.9 (Oct 2017 to Sep 2018), marginal growth over the year
REREFERRAL = {
    date(2012, 3, 31): 0.26,
    date(2017, 9, 30): 0.285,
    date(2018, 9, 30): 0.315,
}
# calibration target: icpc_15wd_pct Q2 62, Q1 15.1 (a backlog of conferences cleared in Q2)
ICPC_15WD = {
    date(2012, 3, 31): 0.70,
    date(2017, 12, 31): 0.55,
    date(2018, 3, 31): 0.40,
    date(2018, 6, 30): 0.151,
    date(2018, 9, 30): 0.62,
}
# calibration target: rcpc_timely_pct Q2 91, Q1 73, Q4 92, Q3 91
RCPC_TIMELY = {
    date(2012, 3, 31): 0.88,
    date(2017, 9, 30): 0.88,
    date(2017, 12, 31): 0.91,
    date(2018, 3, 31): 0.912,
    date(2018, 6, 30): 0.73,
    date(2018, 9, 30): 0.91,
}
# calibration target: cic_readmission_12m_pct 20.5 (Oct17-Sep18), 18.3 (Oct16-Sep17);
# cic_readmitted_q 16 in Q2
READMISSION = {
    date(2012, 3, 31): 0.17,
    date(2016, 9, 30): 0.18,
    date(2017, 9, 30): 0.18,
    date(2017, 12, 31): 0.195,
    date(2018, 6, 30): 0.195,
    date(2018, 9, 30): 0.23,
}
# Exact readmissions: a count for a quarter, and a share for a 12-month window (its quarters
# share what the counted quarters leave). calibration target: cic_readmitted_q 16 in 2018/19 Q2;
# cic_readmission_12m_pct 20.5 (Oct 2017-Sep 2018), 18.3 (Oct 2016-Sep 2017)
READMITTED_IN_QUARTER = {date(2018, 9, 30): 16}
READMISSION_WINDOWS = (
    (date(2016, 10, 1), date(2017, 9, 30), 0.183),
    (date(2017, 10, 1), date(2018, 9, 30), 0.205),
)
# Share of child protection plans that are a second or later plan (history; the D cohort is exact).
CP_REPEAT_HISTORY = 0.22

# --- the cohort open at the as-at date -----------------------------------------------------------
# Children in need at 2018-09-30 by where they are in their journey; sums to cin_count 1996.
# calibration target: cin_plan_gt_1y 161; cin_no_plan_overdue 147; open_assessment_in_time_pct 89;
# cin_plan_timely_pct 92.4 (147 with no plan past the window + 5 plans started late)
D_CIN = {
    "assess_in_time": 560,  # assessment open, started within 45 working days
    "assess_overdue": 75,  # assessment open for more than 45 working days
    "assessed_in_window": 120,  # assessed, no plan yet, within 10 working days of authorisation
    "no_plan_overdue": 147,  # assessed, no plan, past the 10 working day window
    "plan_recent": 848,  # CIN plan started within the last 12 months, on time
    "plan_late": 5,  # CIN plan started more than 10 working days after the assessment
    "plan_over_1y": 161,  # CIN plan started more than 12 months ago
    "s47_under_way": 40,  # section 47 enquiry open, no conference yet
    "short_breaks": 40,  # disabled children on a series of short breaks (V3/V4)
}
# Unallocated children at D: 10 referred within the allocation window and 17 waiting longer;
# 26 more were allocated late. calibration target: allocated_pct 99.3; allocated_timely_pct 98.9
D_UNALLOCATED_IN_WINDOW = 10
D_UNALLOCATED_LATE = 17
D_ALLOCATED_LATE = 26
# calibration target: referral_not_seen 25 (children referred May-September 2018, never seen)
REFERRED_NOT_SEEN = 25

# calibration target: cp_lt_2y_pct 99.3 -> 6 of 890 plans older than 2 years; cp_repeat_pct 29.2
D_CP_OVER_2Y = 6
D_CP_REPEAT = 260
D_CP_MEAN_AGE_DAYS = 250

# calibration target: cic_3plus_placements 49
D_CIC_3PLUS_MOVES = 49
D_CIC_MEAN_AGE_DAYS = 900
# Reassessments open at D for children in care (all within 45 working days).
D_CIC_OPEN_REASSESSMENTS = 20
# calibration target: cic_s20 207; "gradually decreased over the last three quarters"
S20 = {
    date(2016, 3, 31): 236,
    date(2017, 9, 30): 232,
    date(2017, 12, 31): 228,
    date(2018, 3, 31): 221,
    date(2018, 6, 30): 214,
    date(2018, 9, 30): 207,
}
# calibration target: cic_out_of_county 147, 2018-06-30=135, 2017-09-30=102
OUT_OF_COUNTY = {
    date(2016, 3, 31): 88,
    date(2017, 9, 30): 102,
    date(2018, 6, 30): 135,
    date(2018, 9, 30): 147,
}

# Care leavers at D: calibration target: pathway_plan_in_place_pct 70.7 (106 of 150 owed a plan);
# pathway_plan_current_pct 90.8 at Sep and Jun (96 of 106 reviewed in time)
D_CL_OWED_PLAN = 150
D_CL_WITH_PLAN = 106
D_CL_PLAN_CURRENT = 96

# --- child-level rates at quarter ends (share meeting the standard) -------------------------------
# calibration target: cin_seen_pct 79 (1573 of 1996), cin_visit_overdue 420
CIN_SEEN = {
    date(2016, 3, 31): 0.80,
    date(2017, 12, 31): 0.78,
    date(2018, 3, 31): 0.80,
    date(2018, 6, 30): 0.77,
    date(2018, 9, 30): 0.789,
}
# calibration target: cp_seen_10wd_pct 63.8 (567 of 890), 2018-06-30=72.8, declining for 4 quarters
CP_SEEN = {
    date(2016, 3, 31): 0.82,
    date(2017, 6, 30): 0.82,
    date(2017, 9, 30): 0.80,
    date(2017, 12, 31): 0.77,
    date(2018, 3, 31): 0.75,
    date(2018, 6, 30): 0.728,
    date(2018, 9, 30): 0.638,
}
# calibration target: cic_health_check_pct 69.1, 2018-06-30=85.1
HEALTH_CHECK = {
    date(2016, 3, 31): 0.84,
    date(2018, 3, 31): 0.86,
    date(2018, 6, 30): 0.851,
    date(2018, 9, 30): 0.691,
}
# calibration target: cic_dental_check_pct 73.9, 2018-06-30=72.8
DENTAL_CHECK = {
    date(2016, 3, 31): 0.76,
    date(2018, 3, 31): 0.74,
    date(2018, 6, 30): 0.728,
    date(2018, 9, 30): 0.739,
}
# Children in care whose latest assessment is over 12 months old, by count at these dates.
# calibration target: cic_assessment_gt_12m 100, 2018-04-30=135
CIC_ASSESSMENT_STALE = {
    date(2016, 3, 31): 150,
    date(2017, 12, 31): 145,
    date(2018, 3, 31): 138,
    date(2018, 4, 30): 135,
    date(2018, 6, 30): 122,
    date(2018, 9, 30): 100,
}

# --- workforce ----------------------------------------------------------------------------------
# Case-holding headcount by pool at quarter ends (linear between points).
# calibration target: case_holding_workers 278, 2018-03-31=248
HEADCOUNT = {
    "assessment": {
        date(2012, 3, 31): 60,
        date(2018, 3, 31): 62,
        date(2018, 6, 30): 66,
        date(2018, 9, 30): 70,
    },
    "safeguarding": {
        date(2012, 3, 31): 100,
        date(2018, 3, 31): 109,
        date(2018, 6, 30): 117,
        date(2018, 9, 30): 126,
    },
    "cic": {
        date(2012, 3, 31): 43,
        date(2018, 3, 31): 45,
        date(2018, 6, 30): 46,
        date(2018, 9, 30): 48,
    },
    "disabled": {
        date(2012, 3, 31): 12,
        date(2018, 3, 31): 13,
        date(2018, 6, 30): 13,
        date(2018, 9, 30): 14,
    },
    "leaving": {
        date(2012, 3, 31): 17,
        date(2018, 3, 31): 19,
        date(2018, 6, 30): 19,
        date(2018, 9, 30): 20,
    },
}
# Newly qualified social workers joining in September 2018 (the report's new ASYE intake).
ASYE_INTAKE_2018 = 18
# Quarterly leaving rates (workforce churn, the report's top risk).
CHURN_PERMANENT = 0.055
CHURN_AGENCY = 0.14
AGENCY_SHARE = 0.16
PART_TIME_SHARE = 0.16
# Social workers filled above 20 (and above 25) children at each quarter end, by pool.
# calibration target: sw_over_20 50, 2018-06-30=53, 2018-03-31=60; sw_over_25 6, 2018-06-30=11
OVER_20 = {
    date(2018, 3, 31): {
        "safeguarding": (34, 9),
        "assessment": (14, 3),
        "cic": (10, 0),
        "disabled": (2, 0),
    },
    date(2018, 6, 30): {
        "safeguarding": (30, 8),
        "assessment": (11, 3),
        "cic": (10, 0),
        "disabled": (2, 0),
    },
    date(2018, 9, 30): {
        "safeguarding": (30, 4),
        "assessment": (8, 2),
        "cic": (10, 0),
        "disabled": (2, 0),
    },
}
# (count over 20 including those over 25, of which over 25) for quarters before the report.
OVER_20_EARLIER = {
    "safeguarding": (32, 8),
    "assessment": (12, 3),
    "cic": (10, 0),
    "disabled": (2, 0),
}
# calibration target: part_time_fte_over_20 11
PART_TIME_FULL = {"safeguarding": 5, "assessment": 3, "cic": 2, "disabled": 1}
# calibration target: sw_changes_3plus 369 (open children, 3+ changes of worker in 6 months)
SW_CHANGES_3PLUS = 369
# Planned changes of worker per child-month (caseload balancing, transfers), before churn.
CHANGE_RATE_PER_MONTH = 0.05

# --- voice, feedback -----------------------------------------------------------------------------
# calibration target: momo_accounts 271, momo_worker_accounts 226
MOMO_CHILD_ACCOUNTS = 271
MOMO_WORKER_ACCOUNTS = 226
# calibration target: momo_statements_q Q2 66 (Q1 74) by momo_children_q Q2 46 children
MOMO_STATEMENTS = {date(2018, 6, 30): (74, 50), date(2018, 9, 30): (66, 46)}
MOMO_STATEMENTS_EARLIER = (60, 42)
# calibration target: complaints_q Q2 50 (Q1 48); complaints_upheld_pct Q2 38 (19), Q1 8 (4)
COMPLAINTS = {date(2018, 6, 30): (48, 4), date(2018, 9, 30): (50, 19)}
COMPLAINTS_EARLIER = (44, 12)
