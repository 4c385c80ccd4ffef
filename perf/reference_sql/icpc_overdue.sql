-- icpc_overdue: section 47 enquiries open at D needing an initial conference with none held (for the
-- enquiry, or for the child since its start); in the numerator (overdue) when the strategy discussion
-- was more than 15 working days before D. Worker and team at D.
-- Parameters: %(as_at)s (stock, as at D).
WITH
measure_rows AS (
    SELECT alloc.worker_id, COALESCE(alloc.team_id, ref.team_id) AS team_id,
           COALESCE(st.working_day_number < today.wd - 15, false) AS in_numerator
      FROM casework_section47 s
      LEFT JOIN casework_calendarday st ON st.date = s.start_date
      CROSS JOIN (SELECT working_day_number AS wd FROM casework_calendarday WHERE date = %(as_at)s) today
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = s.child_id AND i.role = 'allocated'
             AND i.start_date <= %(as_at)s AND (i.end_date IS NULL OR i.end_date > %(as_at)s)
           ORDER BY i.start_date DESC
           LIMIT 1
      ) alloc ON true
      LEFT JOIN LATERAL (
          SELECT r.team_id FROM casework_referral r
           WHERE r.child_id = s.child_id
             AND r.referral_date <= %(as_at)s AND (r.closure_date IS NULL OR r.closure_date > %(as_at)s)
           ORDER BY r.referral_date DESC
           LIMIT 1
      ) ref ON true
     WHERE s.start_date <= %(as_at)s AND (s.end_date IS NULL OR s.end_date > %(as_at)s)
       AND NOT s.icpc_not_required
       AND NOT EXISTS (
           SELECT 1 FROM casework_initialconference c
            WHERE c.date <= %(as_at)s
              AND (c.section47_id = s.id OR (c.child_id = s.child_id AND c.date >= s.start_date))
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
