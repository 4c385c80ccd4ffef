-- assessment_45d_pct: assessments authorised in the period; in the numerator when the authorisation is no
-- more than 45 working days after the start (working-day numbers from the calendar table). Worker and
-- team of the child on the authorisation day.
-- Parameters: %(start)s and %(end)s (flow, inclusive).
WITH
measure_rows AS (
    SELECT alloc.worker_id, COALESCE(alloc.team_id, ref.team_id) AS team_id,
           COALESCE(fin.working_day_number <= st.working_day_number + 45, false) AS in_numerator
      FROM casework_assessment a
      LEFT JOIN casework_calendarday st ON st.date = a.start_date
      LEFT JOIN casework_calendarday fin ON fin.date = a.authorised_date
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = a.child_id AND i.role = 'allocated'
             AND i.start_date <= a.authorised_date AND (i.end_date IS NULL OR i.end_date > a.authorised_date)
           ORDER BY i.start_date DESC
           LIMIT 1
      ) alloc ON true
      LEFT JOIN LATERAL (
          SELECT r.team_id FROM casework_referral r
           WHERE r.child_id = a.child_id
             AND r.referral_date <= a.authorised_date AND (r.closure_date IS NULL OR r.closure_date > a.authorised_date)
           ORDER BY r.referral_date DESC
           LIMIT 1
      ) ref ON true
     WHERE a.authorised_date BETWEEN %(start)s AND %(end)s
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
