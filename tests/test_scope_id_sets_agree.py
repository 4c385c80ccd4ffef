"""The scope's rule written three ways gives the same children: `Scope.child_q` (the filter on
the child table), `Scope.child_ids` (the set read from the allocations and referrals) and
`Scope.visible_among` (child by child, for a surgery's agenda). A cohort with each case the rule
distinguishes: allocated in the team, allocated elsewhere while referred to the team, referred
only, an allocation that ended or has not begun, a closed referral, and an other role's
involvement."""

from datetime import date

import pytest

from casework.models import Child, Involvement
from casework.scope import Scope
from tests import factories as f

AS_AT = date(2018, 9, 30)


@pytest.fixture
def cohort(cast):
    team = cast.team_a1
    here, there = cast.worker_a1, cast.worker_b1
    cases = {}

    def child(name: str):
        cases[name] = f.ChildFactory()
        return cases[name]

    f.InvolvementFactory(child=child("allocated here"), worker=here, start_date=date(2018, 2, 1))
    moved = child("allocated elsewhere, referred here")
    f.ReferralFactory(child=moved, team=team, referral_date=date(2018, 1, 5))
    f.InvolvementFactory(child=moved, worker=there, start_date=date(2018, 2, 1))
    f.ReferralFactory(child=child("referred here only"), team=team, referral_date=date(2018, 3, 1))
    ended = child("allocation ended, referral here open")
    f.ReferralFactory(child=ended, team=team, referral_date=date(2018, 1, 5))
    f.InvolvementFactory(
        child=ended, worker=there, start_date=date(2018, 2, 1), end_date=date(2018, 9, 30)
    )
    f.InvolvementFactory(
        child=child("allocated here from next month"), worker=here, start_date=date(2018, 10, 1)
    )
    f.ReferralFactory(
        child=child("referral here closed"),
        team=team,
        referral_date=date(2018, 1, 5),
        closure_date=date(2018, 6, 1),
    )
    f.InvolvementFactory(
        child=child("other role here"),
        worker=here,
        role=_other_role(),
        start_date=date(2018, 2, 1),
    )
    return cast, cases


def _other_role() -> str:
    return next(r for r in Involvement.Role.values if r != Involvement.Role.ALLOCATED_WORKER)


def _scopes(cast) -> dict[str, Scope]:
    return {
        "team": Scope(team_ids=frozenset({cast.team_a1.pk})),
        "two teams": Scope(team_ids=frozenset({cast.team_a1.pk, cast.team_b1.pk})),
        "worker": Scope(worker_ids=frozenset({cast.worker_a1.pk})),
        "team and worker": Scope(
            team_ids=frozenset({cast.team_a2.pk}), worker_ids=frozenset({cast.worker_b1.pk})
        ),
        "nothing": Scope(),
    }


def test_the_id_set_and_the_child_by_child_check_select_the_children_child_q_selects(cohort):
    cast, cases = cohort
    everyone = list(Child.objects.values_list("pk", flat=True))
    for name, scope in _scopes(cast).items():
        by_filter = set(Child.objects.filter(scope.child_q(AS_AT)).values_list("pk", flat=True))
        assert set(scope.child_ids(AS_AT)) == by_filter, name
        assert scope.visible_among(AS_AT, everyone) == by_filter, name


def test_the_team_sees_the_cases_its_rule_names(cohort):
    cast, cases = cohort
    team = _scopes(cast)["team"]
    seen = {name for name, c in cases.items() if c.pk in team.visible_among(AS_AT, [c.pk])}
    assert seen == {
        "allocated here",
        "referred here only",
        "allocation ended, referral here open",
    }
    assert set(team.child_ids(AS_AT)) == {cast.child_a1.pk} | {cases[n].pk for n in seen}


def test_visible_among_answers_only_for_the_children_asked_about(cohort):
    cast, cases = cohort
    team = _scopes(cast)["team"]
    asked = [cases["allocated here"].pk, cases["referral here closed"].pk]
    assert team.visible_among(AS_AT, asked) == {cases["allocated here"].pk}
    assert team.visible_among(AS_AT, []) == frozenset()
    assert Scope(everything=True).visible_among(AS_AT, asked) == set(asked)
