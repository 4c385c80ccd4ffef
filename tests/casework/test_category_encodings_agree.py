"""The category precedence has three SQL shapes (a correlated CASE for one child or a page, the
same CASE over uncorrelated sets for many children, and one filter per category built from
anti-joins): for every mix of open records they give each open child the same one category,
the first of Category.PRECEDENCE whose records the child has."""

from datetime import date
from itertools import combinations

import pytest

from casework.cohorts import (
    Category,
    category_at,
    category_set_at,
    category_set_q,
    children_in_category,
    open_children,
)
from casework.models import Child
from tests import factories as f

AS_AT = date(2018, 9, 30)

# The records that can make a child open at D, each with the category it signals (None: open
# without signalling one of its own, so child in need unless something else ranks higher).
RECORDS = {
    "referral": (lambda c: f.ReferralFactory(child=c, referral_date=date(2018, 1, 2)), None),
    "short break": (
        lambda c: f.CareEpisodeFactory(child=c, legal_status="V3", start_date=date(2018, 3, 1)),
        None,
    ),
    "in care": (lambda c: f.CareEpisodeFactory(child=c), Category.CIC),
    "cp plan": (lambda c: f.CPPlanFactory(child=c), Category.CP),
    "care leaver": (lambda c: f.CareLeaverFactory(child=c), Category.CARE_LEAVER),
}
MIXES = [mix for n in range(1, len(RECORDS) + 1) for mix in combinations(RECORDS, n)]


def expected_category(mix: tuple[str, ...]) -> str:
    signalled = {RECORDS[name][1] for name in mix}
    return next(c for c in Category.PRECEDENCE if c in signalled or c == Category.CIN)


@pytest.fixture
def children_by_mix(db) -> dict[tuple[str, ...], Child]:
    children = {}
    for mix in MIXES:
        child = f.ChildFactory()
        for name in mix:
            RECORDS[name][0](child)
        children[mix] = child
    return children


def test_the_three_category_encodings_agree_for_every_mix_of_records(children_by_mix):
    correlated = dict(Child.objects.annotate(c=category_at(AS_AT)).values_list("pk", "c"))
    as_sets = dict(Child.objects.annotate(c=category_set_at(AS_AT)).values_list("pk", "c"))
    by_filter = {
        pk: category
        for category in Category.PRECEDENCE
        for pk in Child.objects.filter(category_set_q(AS_AT, category)).values_list("pk", flat=True)
    }
    for mix, child in children_by_mix.items():
        want = expected_category(mix)
        assert (correlated[child.pk], as_sets[child.pk], by_filter.get(child.pk)) == (
            want,
            want,
            want,
        ), mix


def test_each_open_child_is_in_exactly_one_category_filter(children_by_mix):
    hits: dict[int, list[str]] = {}
    for category in Category.PRECEDENCE:
        for pk in children_in_category(AS_AT, category).values_list("pk", flat=True):
            hits.setdefault(pk, []).append(category)
    assert all(len(found) == 1 for found in hits.values())
    assert set(hits) == set(open_children(AS_AT).values_list("pk", flat=True))
    assert len(hits) == len(MIXES)


def test_a_child_with_no_open_record_is_in_no_category(db):
    closed = f.ChildFactory()
    f.ReferralFactory(child=closed, referral_date=date(2018, 1, 2), closure_date=date(2018, 9, 29))
    assert not any(
        children_in_category(AS_AT, c).filter(pk=closed.pk).exists() for c in Category.PRECEDENCE
    )
    assert not open_children(AS_AT).filter(pk=closed.pk).exists()


def test_an_unknown_category_is_refused(db):
    with pytest.raises(ValueError, match="Unknown category"):
        category_set_q(AS_AT, "adopted")
