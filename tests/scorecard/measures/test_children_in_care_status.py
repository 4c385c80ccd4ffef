"""cic_s20 and cic_assessment_gt_12m: legal status and last assessment of children in care."""

from datetime import date

import pytest

from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

D = date(2018, 9, 30)


def in_care(start=date(2018, 2, 1), ls="C2", end=None):
    child = f.ChildFactory()
    f.CareEpisodeFactory(child=child, start_date=start, end_date=end, legal_status=ls)
    return child


def child_ids(code: str, as_at: date = D, scope: MeasureScope = MeasureScope()) -> set:
    return set(
        get(code).scoped_rows(Period.as_at_date(as_at), scope).values_list("child_id", flat=True)
    )


@pytest.mark.django_db
def test_section_20_counts_the_current_legal_status_only():
    s20 = in_care(ls="V2")
    was_s20 = in_care(ls="V2", end=date(2018, 5, 1))
    f.CareEpisodeFactory(child=was_s20, start_date=date(2018, 5, 1), legal_status="C2", rne="L")
    changes_on_d = in_care(ls="V2", end=D)
    f.CareEpisodeFactory(child=changes_on_d, start_date=D, legal_status="C1", rne="L")
    short_breaks = in_care(ls="V3")
    assert child_ids("cic_s20") == {s20.pk}
    assert get("cic_s20").result(Period.as_at_date(D)).value == 1
    assert {was_s20.pk, changes_on_d.pk, short_breaks.pk}.isdisjoint(child_ids("cic_s20"))


@pytest.mark.django_db
def test_section_20_episode_starting_on_the_date_counts():
    starts = in_care(start=D, ls="V2")
    assert child_ids("cic_s20") == {starts.pk}


@pytest.mark.django_db
def test_assessment_exactly_12_months_old_is_not_over_12_months():
    year_old, over, none, recent = in_care(), in_care(), in_care(), in_care()
    f.AssessmentFactory(
        child=year_old, start_date=date(2017, 8, 1), authorised_date=date(2017, 9, 30)
    )
    f.AssessmentFactory(child=over, start_date=date(2017, 8, 1), authorised_date=date(2017, 9, 29))
    f.AssessmentFactory(child=recent, start_date=date(2018, 8, 1), authorised_date=date(2018, 9, 1))
    # Authorised after the date: the child's last assessment at D is still the old one.
    f.AssessmentFactory(child=over, start_date=date(2018, 9, 1), authorised_date=date(2018, 10, 1))
    rows = {r.child_id: r for r in get("cic_assessment_gt_12m").rows(Period.as_at_date(D))}
    assert set(rows) == {over.pk, none.pk}
    assert rows[over.pk].basis_date == date(2017, 9, 29)
    assert rows[over.pk].due_date == date(2018, 9, 29)
    assert rows[none.pk].basis_date is None


@pytest.mark.django_db
def test_assessment_12_months_before_29_february_falls_due_on_28_february():
    child = in_care(start=date(2019, 1, 1))
    f.AssessmentFactory(child=child, start_date=date(2019, 2, 1), authorised_date=date(2019, 2, 28))
    assert child_ids("cic_assessment_gt_12m", date(2020, 2, 28)) == set()
    assert child_ids("cic_assessment_gt_12m", date(2020, 2, 29)) == {child.pk}


@pytest.mark.django_db
def test_assessment_list_is_scoped_to_the_team(cast):
    f.CareEpisodeFactory(child=cast.child_b1, start_date=date(2018, 2, 1))
    f.CareEpisodeFactory(child=cast.child_a1, start_date=date(2018, 2, 1))
    assert child_ids("cic_assessment_gt_12m", scope=MeasureScope("team", cast.team_b1.pk)) == {
        cast.child_b1.pk
    }
    assert child_ids("cic_assessment_gt_12m", scope=MeasureScope("worker", cast.worker_a1.pk)) == {
        cast.child_a1.pk
    }
