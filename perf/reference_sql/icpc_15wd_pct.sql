-- icpc_15wd_pct: initial conferences held in the period within 15 working days of the section 47 start
-- (its own enquiry, else the child's latest enquiry started by the conference); conferences with no
-- enquiry to time them from, or dated before it, are left out. Worker and team on the conference day.
-- Parameters: %(start)s and %(end)s (flow, inclusive).
WITH
conference AS (
    SELECT c.child_id, c.date,
           COALESCE(own.start_date, (
               SELECT s.start_date FROM casework_section47 s
                WHERE s.child_id = c.child_id AND s.start_date <= c.date
                ORDER BY s.start_date DESC
                LIMIT 1
           )) AS s47_start
      FROM casework_initialconference c
      LEFT JOIN casework_section47 own ON own.id = c.section47_id
     WHERE c.date BETWEEN %(start)s AND %(end)s
),
measure_rows AS (
    SELECT alloc.worker_id, COALESCE(alloc.team_id, ref.team_id) AS team_id,
           held.working_day_number <= st.working_day_number + 15 AS in_numerator
      FROM conference c
      LEFT JOIN casework_calendarday held ON held.date = c.date
      LEFT JOIN casework_calendarday st ON st.date = c.s47_start
      LEFT JOIN LATERAL (
          SELECT i.worker_id, i.team_id FROM casework_involvement i
           WHERE i.child_id = c.child_id AND i.role = 'allocated'
             AND i.start_date <= c.date AND (i.end_date IS NULL OR i.end_date > c.date)
           ORDER BY i.start_date DESC
           LIMIT 1
      ) alloc ON true
      LEFT JOIN LATERAL (
          SELECT r.team_id FROM casework_referral r
           WHERE r.child_id = c.child_id
             AND r.referral_date <= c.date AND (r.closure_date IS NULL OR r.closure_date > c.date)
           ORDER BY r.referral_date DESC
           LIMIT 1
      ) ref ON true
     WHERE c.s47_start IS NOT NULL AND c.s47_start <= c.date
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
