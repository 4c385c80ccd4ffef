-- sw_changes_3plus: open children at D with 3 or more changes of allocated worker in the 6 calendar
-- months to D.
-- Parameters: %(as_at)s (stock, as at D).
WITH
open_child_ids AS (
    -- Open at D: an open referral, care episode (any legal status), CP plan or care-leaver record.
    SELECT child_id FROM casework_referral WHERE referral_date <= %(as_at)s AND (closure_date IS NULL OR closure_date > %(as_at)s)
    UNION
    SELECT child_id FROM casework_careepisode WHERE start_date <= %(as_at)s AND (end_date IS NULL OR end_date > %(as_at)s)
    UNION
    SELECT child_id FROM casework_cpplan WHERE start_date <= %(as_at)s AND (end_date IS NULL OR end_date > %(as_at)s)
    UNION
    SELECT child_id FROM casework_careleaver WHERE start_date <= %(as_at)s AND (end_date IS NULL OR end_date > %(as_at)s)
),
allocation AS (
    -- At most one open allocated-worker involvement per child (a constraint).
    SELECT DISTINCT ON (child_id) child_id, worker_id, team_id
      FROM casework_involvement
     WHERE role = 'allocated' AND start_date <= %(as_at)s AND (end_date IS NULL OR end_date > %(as_at)s)
     ORDER BY child_id, start_date DESC
),
referral_team AS (
    SELECT DISTINCT ON (child_id) child_id, team_id
      FROM casework_referral
     WHERE referral_date <= %(as_at)s AND (closure_date IS NULL OR closure_date > %(as_at)s)
     ORDER BY child_id, referral_date DESC
),
open_child AS (
    SELECT o.child_id,
           a.worker_id,
           COALESCE(a.team_id, rt.team_id) AS team_id,
           a.child_id IS NOT NULL AS allocated,
           CASE
               WHEN o.child_id IN (
                   SELECT child_id FROM casework_careepisode
                    WHERE start_date <= %(as_at)s AND (end_date IS NULL OR end_date > %(as_at)s) AND legal_status NOT IN ('V3', 'V4')
               ) THEN 'cic'
               WHEN o.child_id IN (SELECT child_id FROM casework_cpplan WHERE start_date <= %(as_at)s AND (end_date IS NULL OR end_date > %(as_at)s)) THEN 'cp'
               WHEN o.child_id IN (SELECT child_id FROM casework_careleaver WHERE start_date <= %(as_at)s AND (end_date IS NULL OR end_date > %(as_at)s))
                   THEN 'care_leaver'
               ELSE 'cin'
           END AS category
      FROM open_child_ids o
      JOIN casework_child c ON c.id = o.child_id
      LEFT JOIN allocation a ON a.child_id = o.child_id
      LEFT JOIN referral_team rt ON rt.child_id = o.child_id
     WHERE c.date_of_death IS NULL OR c.date_of_death > %(as_at)s
),
window_start AS (
    -- Period.months_to(D, 6): whole months from a month end, else D less 6 months plus a day.
    SELECT CASE
               WHEN EXTRACT(DAY FROM CAST(%(as_at)s AS date) + 1) = 1
               THEN CAST(date_trunc('month', CAST(%(as_at)s AS date)) - INTERVAL '5 months' AS date)
               ELSE CAST(CAST(%(as_at)s AS date) - INTERVAL '6 months' AS date) + 1
           END AS day
),
change_count AS (
    -- Allocations starting in the window while a different worker held the child just before
    -- (an earlier allocation still open, or ended no earlier than the working day before).
    SELECT i.child_id, count(*) AS changes
      FROM casework_involvement i
      JOIN window_start w ON i.start_date >= w.day AND i.start_date <= %(as_at)s
      JOIN casework_calendarday st ON st.date = i.start_date
     WHERE i.role = 'allocated'
       AND EXISTS (
           SELECT 1 FROM casework_involvement j
             LEFT JOIN casework_calendarday fin ON fin.date = j.end_date
            WHERE j.child_id = i.child_id AND j.role = 'allocated'
              AND j.start_date < i.start_date AND j.worker_id <> i.worker_id
              AND (j.end_date IS NULL OR fin.working_day_number >= st.working_day_number - 1)
       )
     GROUP BY i.child_id
),
stability AS (
    SELECT o.child_id, o.worker_id, o.team_id, COALESCE(cc.changes, 0) < 3 AS fewer_than_3
      FROM open_child o
      LEFT JOIN change_count cc ON cc.child_id = o.child_id
),
measure_rows AS (
    SELECT child_id, worker_id, team_id, true AS in_numerator FROM stability WHERE NOT fewer_than_3
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
