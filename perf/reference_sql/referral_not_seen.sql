-- referral_not_seen: children referred in the period (not closed as no further action at referral) with no
-- seen visit since their latest referral in the period, up to the period's end. The referral's own
-- team, the worker allocated at the end of the period.
-- Parameters: %(start)s and %(end)s (flow, inclusive).
WITH
latest_referral AS (
    SELECT DISTINCT ON (child_id) id, child_id, team_id, referral_date
      FROM casework_referral
     WHERE referral_date BETWEEN %(start)s AND %(end)s AND NOT nfa
     ORDER BY child_id, referral_date DESC
),
measure_rows AS (
    SELECT alloc.worker_id, r.team_id, true AS in_numerator
      FROM latest_referral r
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = r.child_id AND i.role = 'allocated'
             AND i.start_date <= %(end)s AND (i.end_date IS NULL OR i.end_date > %(end)s)
           ORDER BY i.start_date DESC
           LIMIT 1
      ) alloc ON true
     WHERE NOT EXISTS (
           SELECT 1 FROM casework_visit v
            WHERE v.child_id = r.child_id AND v.child_seen
              AND v.date >= r.referral_date AND v.date <= %(end)s
       )
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
