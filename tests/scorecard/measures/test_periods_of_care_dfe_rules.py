"""Starts, ceases and periods of care by the DfE's SSDA903 rules: a start is an episode coded
RNE S that is not a short break (V3/V4); a cease is an episode ended with any REC but X1; L, P,
T, B and U continue the period. One hand-built episode chain per rule."""

from datetime import date

import pytest

from casework.cohorts import (
    care_episodes,
    ceases_period_q,
    period_of_care_start,
    starts_period_q,
)
from casework.models import Child
from scorecard.measures.base import Period
from scorecard.measures.registry import get
from tests import factories as f

pytestmark = pytest.mark.django_db
YEAR = Period.months_to(date(2019, 3, 31), 12)


def chain(child, *episodes):
    """Episodes as (start, end, rne, legal status, rec)."""
    return [
        f.CareEpisodeFactory(
            child=child, start_date=s, end_date=e, rne=rne, legal_status=ls, rec=rec
        )
        for s, e, rne, ls, rec in episodes
    ]


def starts() -> set[int]:
    return set(care_episodes().filter(starts_period_q()).values_list("pk", flat=True))


def ceases() -> set[int]:
    return set(care_episodes().filter(ceases_period_q()).values_list("pk", flat=True))


def care_start(child, as_at: date) -> date | None:
    return (
        Child.objects.filter(pk=child.pk)
        .annotate(s=period_of_care_start(as_at))
        .values_list("s", flat=True)
        .get()
    )


def readmissions() -> dict[int, bool]:
    return {r.pk: r.in_numerator for r in get("cic_readmission_12m_pct").rows(YEAR)}


def test_short_break_followed_next_day_by_care_coded_l_is_not_a_start():
    child = f.ChildFactory()
    short, care = chain(
        child,
        (date(2018, 6, 1), date(2018, 6, 3), "S", "V3", "E8"),
        (date(2018, 6, 4), None, "L", "C2", ""),
    )
    assert starts() == set()
    assert readmissions() == {}
    # The return codes one period, begun with the short break.
    assert care_start(child, date(2018, 9, 30)) == date(2018, 6, 1)


def test_short_break_followed_by_care_coded_b_is_not_a_start_either():
    child = f.ChildFactory()
    chain(
        child,
        (date(2018, 6, 1), date(2018, 6, 3), "S", "V4", "E8"),
        (date(2018, 6, 4), None, "B", "V2", ""),
    )
    assert starts() == set()


def test_a_short_break_coded_s_is_not_a_start():
    child = f.ChildFactory()
    chain(child, (date(2018, 6, 1), date(2018, 6, 3), "S", "V3", "E8"))
    assert starts() == set()
    assert ceases() == set()


@pytest.mark.parametrize("rne", ["L", "P", "T", "B", "U"])
def test_continuations_are_not_starts(rne):
    child = f.ChildFactory()
    first, second = chain(
        child,
        (date(2018, 5, 1), date(2018, 8, 1), "S", "C2", "X1"),
        (date(2018, 8, 1), None, rne, "C2", ""),
    )
    assert starts() == {first.pk}
    assert care_start(child, date(2018, 9, 30)) == date(2018, 5, 1)


@pytest.mark.parametrize(("rne", "moves"), [("P", 3), ("T", 3), ("B", 3), ("U", 3), ("L", 0)])
def test_placement_moves_count_new_placements_within_the_period(rne, moves):
    child = f.ChildFactory()
    chain(
        child,
        (date(2018, 1, 2), date(2018, 3, 1), "S", "C2", "X1"),
        (date(2018, 3, 1), date(2018, 5, 1), rne, "C2", "X1"),
        (date(2018, 5, 1), date(2018, 7, 1), rne, "C2", "X1"),
        (date(2018, 7, 1), None, rne, "C2", ""),
    )
    found = {
        r.pk: r.moves
        for r in get("cic_3plus_placements").rows(Period.as_at_date(date(2018, 9, 30)))
    }
    assert found == ({child.pk: moves} if moves >= 3 else {})


def test_same_day_change_is_one_child_in_care_and_no_start():
    child = f.ChildFactory()
    first, second = chain(
        child,
        (date(2018, 5, 1), date(2018, 9, 30), "S", "C1", "X1"),
        (date(2018, 9, 30), None, "L", "C2", ""),
    )
    assert starts() == {first.pk}
    assert ceases() == set()
    in_care = get("cic_count").rows(Period.as_at_date(date(2018, 9, 30)))
    assert list(in_care.values_list("pk", flat=True)) == [child.pk]


def test_x1_without_a_following_episode_is_not_a_cease_and_the_next_s_is_a_readmission():
    child = f.ChildFactory()
    ended, back = chain(
        child,
        (date(2017, 5, 1), date(2017, 9, 1), "S", "C2", "X1"),
        (date(2018, 6, 1), None, "S", "C2", ""),
    )
    assert ceases() == set()
    assert starts() == {ended.pk, back.pk}
    assert readmissions() == {back.pk: True}
    assert care_start(child, date(2018, 9, 30)) == date(2018, 6, 1)


def test_any_other_reason_ceased_is_a_cease():
    child = f.ChildFactory()
    (ended,) = chain(child, (date(2017, 5, 1), date(2017, 9, 1), "S", "C2", "E11"))
    assert ceases() == {ended.pk}


def test_a_history_beginning_inside_a_period_starts_at_its_first_episode():
    child = f.ChildFactory()
    chain(
        child,
        (date(2016, 4, 1), date(2017, 1, 1), "P", "C2", "X1"),
        (date(2017, 1, 1), None, "L", "C2", ""),
    )
    assert starts() == set()
    assert care_start(child, date(2018, 9, 30)) == date(2016, 4, 1)
