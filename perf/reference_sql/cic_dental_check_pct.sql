-- cic_dental_check_pct: children in care at D whose latest dental check is within 12 calendar months, or
-- who entered care no more than 20 working days before D.
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
care_start AS (
    -- The start of the period of care current at D (DfE): the latest episode started by D whose
    -- reason for new episode is S; for a history that begins inside a period, the child's
    -- earliest episode.
    SELECT o.child_id, o.worker_id, o.team_id, COALESCE(
               (SELECT max(e.start_date) FROM casework_careepisode e
                 WHERE e.child_id = o.child_id AND e.start_date <= %(as_at)s AND e.rne = 'S'),
               (SELECT min(e.start_date) FROM casework_careepisode e
                 WHERE e.child_id = o.child_id AND e.start_date <= %(as_at)s)
           ) AS care_start
      FROM open_child o
     WHERE o.category = 'cic'
),
entrant AS (
    -- The first health assessment is due within 20 working days of entering care.
    SELECT date AS day FROM casework_calendarday
     WHERE is_working_day
       AND working_day_number = (SELECT working_day_number FROM casework_calendarday WHERE date = %(as_at)s) - 20
),
measure_rows AS (
    SELECT c.child_id, c.worker_id, c.team_id,
           COALESCE(CAST(h.last_check + INTERVAL '12 months' AS date) >= %(as_at)s, false)
           OR COALESCE(c.care_start >= COALESCE((SELECT day FROM entrant), DATE '2000-01-01'), false)
               AS in_numerator
      FROM care_start c
      JOIN casework_child ch ON ch.id = c.child_id
      LEFT JOIN LATERAL (
          SELECT max(h.date) AS last_check FROM casework_healthcheck h
           WHERE h.child_id = c.child_id AND h.kind = 'dental' AND h.date <= %(as_at)s
      ) h ON true
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
