-- rcpc_overdue: child protection plans open at D; in the numerator (overdue) when the next review (3
-- months after the plan start, then 6 months after the last review held by D) was due before D.
-- Worker and team at D.
-- Parameters: %(as_at)s (stock, as at D).
WITH
measure_rows AS (
    SELECT alloc.worker_id, COALESCE(alloc.team_id, ref.team_id) AS team_id,
           CASE
               WHEN last.held IS NULL THEN CAST(p.start_date + INTERVAL '3 months' AS date)
               ELSE CAST(last.held + INTERVAL '6 months' AS date)
           END < %(as_at)s AS in_numerator
      FROM casework_cpplan p
      LEFT JOIN LATERAL (
          SELECT max(rv.held_date) AS held FROM casework_cpreview rv
           WHERE rv.cp_plan_id = p.id AND rv.held_date <= %(as_at)s
      ) last ON true
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = p.child_id AND i.role = 'allocated'
             AND i.start_date <= %(as_at)s AND (i.end_date IS NULL OR i.end_date > %(as_at)s)
           ORDER BY i.start_date DESC
           LIMIT 1
      ) alloc ON true
      LEFT JOIN LATERAL (
          SELECT r.team_id FROM casework_referral r
           WHERE r.child_id = p.child_id
             AND r.referral_date <= %(as_at)s AND (r.closure_date IS NULL OR r.closure_date > %(as_at)s)
           ORDER BY r.referral_date DESC
           LIMIT 1
      ) ref ON true
     WHERE p.start_date <= %(as_at)s AND (p.end_date IS NULL OR p.end_date > %(as_at)s)
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
