-- cic_readmission_12m_pct: periods of care started in the period; readmissions (an earlier
-- care episode) in the numerator.
-- Parameters: %(start)s and %(end)s (flow, inclusive).
WITH
period_start AS (
    -- Starts (DfE): care episodes (not short breaks, V3/V4) whose reason for new episode is S;
    -- a readmission when the child had an earlier care episode.
    SELECT e.child_id, e.start_date,
           EXISTS (
               SELECT 1 FROM casework_careepisode p
                WHERE p.child_id = e.child_id AND p.start_date < e.start_date
                  AND p.legal_status NOT IN ('V3', 'V4')
           ) AS readmission
      FROM casework_careepisode e
     WHERE e.start_date BETWEEN %(start)s AND %(end)s
       AND e.legal_status NOT IN ('V3', 'V4')
       AND e.rne = 'S'
),
measure_rows AS (
    SELECT alloc.worker_id, COALESCE(alloc.team_id, ref.team_id) AS team_id,
           e.readmission AS in_numerator
      FROM period_start e
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = e.child_id AND i.role = 'allocated'
             AND i.start_date <= e.start_date AND (i.end_date IS NULL OR i.end_date > e.start_date)
           LIMIT 1
      ) alloc ON true
      LEFT JOIN LATERAL (
          SELECT r.team_id FROM casework_referral r
           WHERE r.child_id = e.child_id
             AND r.referral_date <= e.start_date AND (r.closure_date IS NULL OR r.closure_date > e.start_date)
           ORDER BY r.referral_date DESC
           LIMIT 1
      ) ref ON true
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
