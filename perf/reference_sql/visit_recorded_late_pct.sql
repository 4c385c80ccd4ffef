-- visit_recorded_late_pct: visits in the period written up (Europe/London date) more than 5 working days after the
-- visit; the visiting worker, and the child's team on the visit day.
-- Parameters: %(start)s and %(end)s (flow, inclusive).
WITH
measure_rows AS (
    SELECT v.worker_id, COALESCE(alloc.team_id, ref.team_id) AS team_id,
           rec.working_day_number > vis.working_day_number + 5 AS in_numerator
      FROM casework_visit v
      JOIN casework_calendarday vis ON vis.date = v.date
      LEFT JOIN casework_calendarday rec
        ON rec.date = CAST(v.recorded_at AT TIME ZONE 'Europe/London' AS date)
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = v.child_id AND i.role = 'allocated'
             AND i.start_date <= v.date AND (i.end_date IS NULL OR i.end_date > v.date)
           LIMIT 1
      ) alloc ON true
      LEFT JOIN LATERAL (
          SELECT r.team_id FROM casework_referral r
           WHERE r.child_id = v.child_id
             AND r.referral_date <= v.date AND (r.closure_date IS NULL OR r.closure_date > v.date)
           ORDER BY r.referral_date DESC
           LIMIT 1
      ) ref ON true
     WHERE v.date BETWEEN %(start)s AND %(end)s
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
