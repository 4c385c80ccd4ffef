-- allocated_timely_pct: open children at D whose first allocation overlapping the current episode (started by
-- D, not ended by the episode start) started within 5 working days of the episode start (an allocation
-- already open at the start counts from the start), or who are unallocated and still inside that
-- window.
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
episode AS (
    -- The current episode's start: the latest open referral, else the earliest open care
    -- episode, CP plan or care-leaver record.
    SELECT o.child_id, o.worker_id, o.team_id,
           COALESCE(
               (SELECT max(r.referral_date) FROM casework_referral r
                 WHERE r.child_id = o.child_id AND r.referral_date <= %(as_at)s
                   AND (r.closure_date IS NULL OR r.closure_date > %(as_at)s)),
               (SELECT min(e.start_date) FROM casework_careepisode e
                 WHERE e.child_id = o.child_id AND e.start_date <= %(as_at)s
                   AND (e.end_date IS NULL OR e.end_date > %(as_at)s)),
               (SELECT min(p.start_date) FROM casework_cpplan p
                 WHERE p.child_id = o.child_id AND p.start_date <= %(as_at)s
                   AND (p.end_date IS NULL OR p.end_date > %(as_at)s)),
               (SELECT min(l.start_date) FROM casework_careleaver l
                 WHERE l.child_id = o.child_id AND l.start_date <= %(as_at)s
                   AND (l.end_date IS NULL OR l.end_date > %(as_at)s))
           ) AS episode_start
      FROM open_child o
),
measure_rows AS (
    SELECT ep.child_id, ep.worker_id, ep.team_id,
           CASE
               WHEN fa.first_start IS NOT NULL THEN COALESCE(
                   CASE WHEN fa.first_start < ep.episode_start THEN epwd.working_day_number
                        ELSE fwd.working_day_number END <= epwd.working_day_number + 5, false)
               ELSE COALESCE(today.wd <= epwd.working_day_number + 5, false)
           END AS in_numerator
      FROM episode ep
      LEFT JOIN LATERAL (
          SELECT min(i.start_date) AS first_start FROM casework_involvement i
           WHERE i.child_id = ep.child_id AND i.role = 'allocated' AND i.start_date <= %(as_at)s
             AND (i.end_date IS NULL OR i.end_date > ep.episode_start)
      ) fa ON true
      LEFT JOIN casework_calendarday fwd ON fwd.date = fa.first_start
      LEFT JOIN casework_calendarday epwd ON epwd.date = ep.episode_start
      CROSS JOIN (SELECT working_day_number AS wd FROM casework_calendarday WHERE date = %(as_at)s) today
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
