"""cic_3plus_placements and cic_out_of_county."""

from datetime import date

import pytest

from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

D = date(2018, 9, 30)


def care_history(*episodes, child=None):
    """episodes: (start, rne) or (start, rne, legal_status); each ends when the next starts."""
    child = child or f.ChildFactory()
    for i, (start, rne, *ls) in enumerate(episodes):
        end = episodes[i + 1][0] if i + 1 < len(episodes) else None
        f.CareEpisodeFactory(
            child=child, start_date=start, end_date=end, rne=rne, legal_status=(ls or ["C2"])[0]
        )
    return child


def listed(code: str, as_at: date = D, scope: MeasureScope = MeasureScope()) -> set:
    rows = get(code).scoped_rows(Period.as_at_date(as_at), scope)
    return set(rows.values_list("child_id", flat=True))


@pytest.mark.django_db
def test_three_moves_in_the_12_months_to_the_date_are_listed_including_one_on_the_date():
    three = care_history(
        (date(2017, 6, 1), "S"), (date(2017, 10, 1), "P"), (date(2018, 2, 1), "T"), (D, "B")
    )
    rows = {r.child_id: r for r in get("cic_3plus_placements").rows(Period.as_at_date(D))}
    assert set(rows) == {three.pk}
    assert rows[three.pk].basis_date == D


@pytest.mark.django_db
def test_move_on_the_same_date_a_year_before_is_outside_the_12_months():
    care_history(
        (date(2017, 6, 1), "S"), (date(2017, 9, 30), "P"), (date(2018, 2, 1), "P"), (D, "U")
    )
    assert listed("cic_3plus_placements") == set()


@pytest.mark.django_db
def test_legal_status_changes_and_the_first_placement_are_not_moves():
    care_history(
        (date(2017, 10, 2), "P"),  # first episode of the period, whatever its code
        (date(2017, 12, 1), "L"),
        (date(2018, 2, 1), "P"),
        (date(2018, 5, 1), "P"),
    )
    assert listed("cic_3plus_placements") == set()


@pytest.mark.django_db
def test_moves_in_an_earlier_period_of_care_do_not_count():
    child = f.ChildFactory()
    f.CareEpisodeFactory(child=child, start_date=date(2017, 10, 2), end_date=date(2017, 11, 1))
    f.CareEpisodeFactory(
        child=child, start_date=date(2017, 11, 1), end_date=date(2018, 1, 1), rne="P"
    )
    f.CareEpisodeFactory(
        child=child, start_date=date(2018, 1, 1), end_date=date(2018, 2, 1), rne="P"
    )
    # A day's gap: back in care on 3 Feb is a new period of care.
    care_history((date(2018, 2, 3), "S"), (date(2018, 6, 1), "P"), child=child)
    assert listed("cic_3plus_placements") == set()


@pytest.mark.django_db
def test_child_who_left_care_on_the_date_is_not_listed():
    child = care_history(
        (date(2017, 6, 1), "S"),
        (date(2017, 11, 1), "P"),
        (date(2018, 2, 1), "P"),
        (date(2018, 5, 1), "P"),
    )
    child.care_episodes.filter(end_date__isnull=True).update(end_date=D)
    assert listed("cic_3plus_placements") == set()
    assert listed("cic_3plus_placements", date(2018, 9, 29)) == {child.pk}


@pytest.mark.django_db
def test_placement_moves_scoped_to_the_worker(cast):
    moves = (
        (date(2017, 6, 1), "S"),
        (date(2017, 11, 1), "P"),
        (date(2018, 2, 1), "P"),
        (date(2018, 5, 1), "P"),
    )
    care_history(*moves, child=cast.child_b1)
    care_history(*moves, child=cast.child_a2)
    assert listed("cic_3plus_placements", scope=MeasureScope("worker", cast.worker_b1.pk)) == {
        cast.child_b1.pk
    }
    assert listed("cic_3plus_placements", scope=MeasureScope("team", cast.team_a1.pk)) == set()


@pytest.mark.django_db
def test_out_of_county_is_the_current_placement_only():
    away = f.ChildFactory()
    f.CareEpisodeFactory(child=away, start_date=date(2018, 2, 1), in_area=False)
    back = f.ChildFactory()
    f.CareEpisodeFactory(child=back, start_date=date(2018, 2, 1), end_date=D, in_area=False)
    f.CareEpisodeFactory(child=back, start_date=D, rne="P", in_area=True)
    unknown = f.ChildFactory()
    f.CareEpisodeFactory(child=unknown, start_date=date(2018, 2, 1), in_area=None)
    short_break = f.ChildFactory()
    f.CareEpisodeFactory(
        child=short_break, start_date=date(2018, 2, 1), legal_status="V4", in_area=False
    )
    assert listed("cic_out_of_county") == {away.pk}
    assert listed("cic_out_of_county", date(2018, 9, 29)) == {away.pk, back.pk}
    assert get("cic_out_of_county").result(Period.as_at_date(D)).value == 1


@pytest.mark.django_db
def test_query_count_does_not_grow_with_children(django_assert_max_num_queries):
    period = Period.as_at_date(D)
    moves = (
        (date(2017, 6, 1), "S"),
        (date(2017, 11, 1), "P"),
        (date(2018, 2, 1), "P"),
        (date(2018, 5, 1), "P"),
    )
    care_history(*moves)
    with django_assert_max_num_queries(1):
        assert get("cic_3plus_placements").result(period).value == 1
    for _ in range(5):
        care_history(*moves)
    with django_assert_max_num_queries(1):
        assert get("cic_3plus_placements").result(period).value == 6
