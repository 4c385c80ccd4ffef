-- s17_seen_timely_pct: referrals made in the period (not closed as no further action at referral); in the
-- numerator when the child was seen on or after the referral within 5 working days, or the window is
-- still open at the period end with no visit yet. The referral's own team.
-- Parameters: %(start)s and %(end)s (flow, inclusive).
WITH
event AS (
    SELECT r.child_id, r.team_id, r.referral_date AS start_date
      FROM casework_referral r
     WHERE r.referral_date BETWEEN %(start)s AND %(end)s AND NOT r.nfa
),
measure_rows AS (
    SELECT alloc.worker_id, e.team_id AS team_id,
           CASE
               WHEN first_seen.wd IS NOT NULL THEN first_seen.wd <= st.working_day_number + 5
               ELSE COALESCE(period_end.wd <= st.working_day_number + 5, false)
           END AS in_numerator
      FROM event e
      LEFT JOIN casework_calendarday st ON st.date = e.start_date
      CROSS JOIN (SELECT working_day_number AS wd FROM casework_calendarday WHERE date = %(end)s) period_end
      LEFT JOIN LATERAL (
          -- The first seen visit from the start to the period end (its working-day number).
          SELECT c.working_day_number AS wd FROM casework_visit v
            JOIN casework_calendarday c ON c.date = v.date
           WHERE v.child_id = e.child_id AND v.child_seen
             AND v.date >= e.start_date AND v.date <= %(end)s
           ORDER BY v.date
           LIMIT 1
      ) first_seen ON true
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = e.child_id AND i.role = 'allocated'
             AND i.start_date <= e.start_date AND (i.end_date IS NULL OR i.end_date > e.start_date)
           ORDER BY i.start_date DESC
           LIMIT 1
      ) alloc ON true
),
scoped AS (
    SELECT m.worker_id, m.team_id, t.service_area_id AS area_id, m.in_numerator
      FROM measure_rows m
      LEFT JOIN casework_team t ON t.id = m.team_id
)
-- One pass over the rows: council, service area, team and worker totals.
SELECT level, scope_id, numerator, denominator
  FROM (
    SELECT CASE
               WHEN GROUPING(area_id) = 0 THEN 'service_area'
               WHEN GROUPING(team_id) = 0 THEN 'team'
               WHEN GROUPING(worker_id) = 0 THEN 'worker'
               ELSE 'council'
           END AS level,
           CASE
               WHEN GROUPING(area_id) = 0 THEN area_id
               WHEN GROUPING(team_id) = 0 THEN team_id
               WHEN GROUPING(worker_id) = 0 THEN worker_id
               ELSE 0
           END AS scope_id,
           count(*) FILTER (WHERE in_numerator) AS numerator,
           count(*) AS denominator
      FROM scoped
     GROUP BY GROUPING SETS ((), (area_id), (team_id), (worker_id))
  ) AS by_scope
 WHERE scope_id IS NOT NULL
