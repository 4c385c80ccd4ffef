-- rereferral_12m_pct: referrals made in the period; in the numerator when the child had another referral
-- in the 12 calendar months before it. The referral's own team, the child's worker on the referral day.
-- Parameters: %(start)s and %(end)s (flow, inclusive).
WITH
measure_rows AS (
    SELECT alloc.worker_id, r.team_id,
           EXISTS (
               SELECT 1 FROM casework_referral p
                WHERE p.child_id = r.child_id AND p.referral_date < r.referral_date
                  AND p.referral_date >= CAST(r.referral_date - INTERVAL '12 months' AS date)
           ) AS in_numerator
      FROM casework_referral r
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = r.child_id AND i.role = 'allocated'
             AND i.start_date <= r.referral_date AND (i.end_date IS NULL OR i.end_date > r.referral_date)
           ORDER BY i.start_date DESC
           LIMIT 1
      ) alloc ON true
     WHERE r.referral_date BETWEEN %(start)s AND %(end)s
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
