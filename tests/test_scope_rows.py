"""One rule for which of a measure's rows a user sees (Scope.rows_q): a row naming a child when
the child is visible to the user; a row without a child, or a worker row, when its team or
worker is in the user's scope. The drill-downs and the exception lists both use it."""

from datetime import date

from casework.scope import scope_for
from scorecard.measures import Period, get

AS_AT = date(2018, 9, 30)


def visible_child_rows(user, code: str) -> set:
    rows = get(code).rows(Period.as_at_date(AS_AT))
    return set(rows.filter(scope_for(user).rows_q(AS_AT)).values_list("child_id", flat=True))


def test_a_team_manager_sees_the_rows_of_their_teams_children_only(cast):
    assert visible_child_rows(cast.manager_a1, "open_children") == {cast.child_a1.pk}


def test_a_social_worker_sees_the_rows_of_their_own_caseload(cast):
    assert visible_child_rows(cast.social_worker, "open_children") == {cast.child_a1.pk}


def test_a_performance_officer_sees_every_row(cast):
    assert visible_child_rows(cast.performance, "open_children") == {
        cast.child_a1.pk,
        cast.child_a2.pk,
        cast.child_b1.pk,
    }


def test_worker_rows_are_seen_by_the_workers_team(cast):
    rows = get("case_holding_workers").rows(Period.as_at_date(AS_AT))
    scope = scope_for(cast.manager_a1)
    seen = set(rows.filter(scope.rows_q(AS_AT, has_child=False)).values_list("pk", flat=True))
    assert seen == {cast.worker_a1.pk}


def test_a_user_without_a_scope_sees_no_row(cast):
    assert visible_child_rows(cast.leader, "open_children") == set()
