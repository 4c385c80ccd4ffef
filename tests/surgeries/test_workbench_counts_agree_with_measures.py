"""One source of truth: the workbench's rows per list are the measure's failing cohort."""

from casework.reporting import reporting_date
from scorecard.measures.base import MeasureScope
from surgeries import lists as ex


def test_workbench_counts_per_list_agree_with_measure_failing_for_the_team(cast, lists, as_user):
    response = as_user(cast.manager_a1).get("/surgeries/", {"kind": "overdue"})
    counts = response.context["page"].counts
    as_at = reporting_date()
    team = MeasureScope("team", cast.team_a1.pk)
    checked = 0
    for listdef in ex.surgery_lists():
        measure = listdef.measure
        failing_children = set(
            measure.failing(measure.default_period(as_at), team).values_list("child_id", flat=True)
        )
        assert counts.overdue(listdef.code) == len(failing_children), listdef.code
        checked += bool(failing_children)
    # The fixture puts children on several lists: the comparison is not vacuous.
    assert checked >= 3
    assert counts.total == sum(counts.overdue(x.code) for x in ex.surgery_lists())


def test_due_soon_rows_are_the_measures_due_soon_rows(cast, lists, as_user):
    from casework import workingdays

    response = as_user(cast.manager_a1).get("/surgeries/", {"kind": "due_soon", "due_soon_wd": 10})
    counts = response.context["page"].counts
    as_at = reporting_date()
    last_due = workingdays.add_working_days(as_at, 10)
    team = MeasureScope("team", cast.team_a1.pk)
    for listdef in ex.surgery_lists():
        measure = listdef.measure
        rows = measure.due_soon(measure.default_period(as_at), last_due, team)
        assert counts.due_soon(listdef.code) == len(set(rows.values_list("child_id", flat=True)))
