"""The one scoping function, for every role of the standard cast."""

from casework.scope import children_visible_to


def visible(user) -> set:
    return set(children_visible_to(user).values_list("pk", flat=True))


def test_social_worker_sees_own_caseload_only(cast):
    assert visible(cast.social_worker) == {cast.child_a1.pk}


def test_team_manager_sees_own_team_only(cast):
    assert visible(cast.manager_a1) == {cast.child_a1.pk}
    assert visible(cast.manager_b1) == {cast.child_b1.pk}


def test_head_of_service_sees_their_service_area(cast):
    assert visible(cast.chair_a) == {cast.child_a1.pk, cast.child_a2.pk}


def test_senior_leader_sees_no_child_level_data(cast):
    assert visible(cast.leader) == set()


def test_performance_officer_and_admin_see_everyone(cast):
    everyone = {cast.child_a1.pk, cast.child_a2.pk, cast.child_b1.pk}
    assert visible(cast.performance) == everyone
    assert visible(cast.admin) == everyone


def test_unallocated_child_belongs_to_referral_team(cast):
    from datetime import date

    from tests import factories as f

    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a2, referral_date=date(2018, 9, 1))
    assert child.pk in visible(cast.manager_a2)
    assert child.pk not in visible(cast.manager_a1)


def test_closed_allocation_leaves_the_caseload(cast):
    from datetime import date

    cast.child_a1.involvements.update(end_date=date(2018, 9, 30))
    assert visible(cast.social_worker) == set()
