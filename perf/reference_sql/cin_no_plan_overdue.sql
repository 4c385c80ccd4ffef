-- cin_no_plan_overdue: children in need at D with no open CIN plan more than 10 working days after the
-- episode's latest authorised assessment.
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
     WHERE o.category = 'cin'
),
plan_timing AS (
    SELECT ep.child_id, ep.worker_id, ep.team_id, p.start_date IS NOT NULL AS has_plan,
           COALESCE(CASE
               WHEN p.start_date IS NOT NULL
               THEN auth.wd IS NULL OR pwd.working_day_number <= auth.wd + 10
               ELSE auth.wd IS NULL OR today.wd <= auth.wd + 10
           END, false) AS plan_timely
      FROM episode ep
      LEFT JOIN LATERAL (
          -- The latest open CIN plan at D.
          SELECT cp.start_date FROM casework_cinplan cp
           WHERE cp.child_id = ep.child_id AND cp.start_date <= %(as_at)s
             AND (cp.end_date IS NULL OR cp.end_date > %(as_at)s)
           ORDER BY cp.start_date DESC
           LIMIT 1
      ) p ON true
      LEFT JOIN casework_calendarday pwd ON pwd.date = p.start_date
      LEFT JOIN LATERAL (
          -- The episode's latest assessment authorised by D: its working-day number.
          SELECT c.working_day_number AS wd FROM casework_assessment a
            JOIN casework_calendarday c ON c.date = a.authorised_date
           WHERE a.child_id = ep.child_id AND a.start_date >= ep.episode_start
             AND a.authorised_date <= %(as_at)s
           ORDER BY a.authorised_date DESC
           LIMIT 1
      ) auth ON true
      CROSS JOIN (SELECT working_day_number AS wd FROM casework_calendarday WHERE date = %(as_at)s) today
),
measure_rows AS (
    SELECT child_id, worker_id, team_id, true AS in_numerator FROM plan_timing
     WHERE NOT plan_timely AND NOT has_plan
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
