"""The synthetic council (DESIGN.md section 10): `seed_council()` builds years of case history,
calibrated so the default council (seed 1, scale 1) reproduces the seed report's scorecard for
2018/19 Q2. Modules, in the order the generator uses them:

- params: generator parameters, most of them calibration targets from the seed report
- journeys: spells per category, placed cohort at the as-at date plus month-by-month controllers
- care: placement moves, legal status and placement area per quarter end
- people: children for the journeys (re-referrals, second plans, readmissions)
- workforce: teams, workers joining and leaving, allocations and changes of worker
- activity, checks: the records each journey leaves, visits and checks at controlled rates
- extras: complaints, Mind of My Own, the strategic risk register
- writer, users: bulk writes and the demo logins
"""
