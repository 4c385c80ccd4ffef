-- contact_to_assessment_pct: contacts received in the period (Europe/London date); in the numerator when an
-- assessment started by the period end is on a referral linked to the contact, or (unlinked) the
-- contact led to a referral and an assessment of the child started between the contact and the
-- period end. The contact's own team, the child's worker on the day received.
-- Parameters: %(start)s and %(end)s (flow, inclusive).
WITH
contact_in AS (
    SELECT ct.id, ct.child_id, ct.team_id, ct.outcome,
           CAST(ct.received_at AT TIME ZONE 'Europe/London' AS date) AS received_on
      FROM casework_contact ct
     WHERE CAST(ct.received_at AT TIME ZONE 'Europe/London' AS date) BETWEEN %(start)s AND %(end)s
),
measure_rows AS (
    SELECT ct.team_id, alloc.worker_id,
           EXISTS (
               SELECT 1 FROM casework_assessment a
                 JOIN casework_referral r ON r.id = a.referral_id
                WHERE r.contact_id = ct.id AND a.start_date <= %(end)s
           ) OR (
               (ct.outcome = 'referral' OR EXISTS (
                   SELECT 1 FROM casework_referral r
                    WHERE r.contact_id = ct.id AND r.referral_date <= %(end)s
               ))
               AND EXISTS (
                   SELECT 1 FROM casework_assessment a
                    WHERE a.referral_id IS NULL AND a.child_id = ct.child_id
                      AND a.start_date >= ct.received_on AND a.start_date <= %(end)s
               )
           ) AS in_numerator
      FROM contact_in ct
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = ct.child_id AND i.role = 'allocated'
             AND i.start_date <= ct.received_on AND (i.end_date IS NULL OR i.end_date > ct.received_on)
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
