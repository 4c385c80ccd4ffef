-- sw_over_25: case-holding social workers with more than 25 allocated children.
-- Parameters: %(as_at)s (stock, as at D). Worker rows belong to the worker's own team.
WITH
caseload AS (
    SELECT worker_id, count(*) AS children
      FROM casework_involvement
     WHERE role = 'allocated' AND start_date <= %(as_at)s AND (end_date IS NULL OR end_date > %(as_at)s)
     GROUP BY worker_id
),
measure_rows AS (
    SELECT w.id AS worker_id, w.team_id, true AS in_numerator
      FROM casework_worker w
      JOIN caseload c ON c.worker_id = w.id
     WHERE w.role IN ('social_worker', 'asye', 'senior_practitioner') AND c.children > 25
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
