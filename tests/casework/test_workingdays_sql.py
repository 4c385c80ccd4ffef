"""The SQL expressions over the calendar table agree with the Python functions, so a measure
computed in the database and a due date shown on a page can never disagree."""

from datetime import date, timedelta

import pytest
from django.db.models import F, OuterRef, Value

from casework import workingdays as wd
from casework.models import Assessment
from tests import factories as f

pytestmark = pytest.mark.django_db

# Windows around the awkward days: Easter 2018, Christmas 2018 and 2020, September and December
# 2022 (state funeral, Christmas substitute day), plus an ordinary autumn.
WINDOWS = [
    (date(2018, 3, 20), 20),
    (date(2018, 9, 1), 30),
    (date(2018, 12, 18), 20),
    (date(2020, 12, 18), 20),
    (date(2022, 9, 10), 15),
    (date(2022, 12, 20), 15),
]


@pytest.fixture
def assessments():
    child = f.ChildFactory()
    days = [start + timedelta(days=i) for start, length in WINDOWS for i in range(length)]
    for day in days:
        # Authorised 10 calendar days later: the pair gives a count to compare.
        f.AssessmentFactory(child=child, start_date=day, authorised_date=day + timedelta(10))
    return days


def test_wd_number_matches_the_python_numbering(assessments):
    rows = Assessment.objects.annotate(n=wd.wd_number("start_date")).values_list("start_date", "n")
    assert len(rows) == len(assessments)
    for start, number in rows:
        assert number == wd.working_day_number(start), start


def test_working_days_between_in_sql_matches_python(assessments):
    rows = Assessment.objects.annotate(
        between=wd.wd_number("authorised_date") - wd.wd_number("start_date")
    ).values_list("start_date", "authorised_date", "between")
    for start, end, between in rows:
        assert between == wd.working_days_between(start, end), start


@pytest.mark.parametrize("n", [1, 5, 10, 45])
def test_due_dates_in_sql_match_add_working_days(assessments, n):
    rows = (
        Assessment.objects.annotate(due_number=wd.wd_number("start_date") + n)
        .annotate(due=wd.wd_date("due_number"), due_in_one=wd.wd_add("start_date", n))
        .values_list("start_date", "due", "due_in_one")
    )
    for start, due, due_in_one in rows:
        assert due == wd.add_working_days(start, n), start
        assert due_in_one == due, start


def test_due_date_can_filter_rows(assessments):
    # Assessments started in the Easter window whose 5-working-day point is after Easter Monday.
    late = Assessment.objects.filter(
        start_date__range=(date(2018, 3, 20), date(2018, 4, 8)),
        authorised_date__gt=wd.wd_add("start_date", 5),
    ).values_list("start_date", flat=True)
    expected = [
        d
        for d in assessments
        if date(2018, 3, 20) <= d <= date(2018, 4, 8)
        and d + timedelta(10) > wd.add_working_days(d, 5)
    ]
    assert sorted(late) == sorted(expected)


def test_subtract_working_days_agrees_with_sql_counts(assessments):
    as_at = date(2018, 4, 9)
    earliest = wd.subtract_working_days(as_at, 5)
    inside = Assessment.objects.annotate(
        age=Value(wd.working_day_number(as_at)) - wd.wd_number("start_date")
    ).filter(start_date__lte=as_at, age__lte=5)
    assert sorted(inside.values_list("start_date", flat=True)) == [
        d for d in assessments if earliest <= d <= as_at
    ]


def test_an_expression_that_would_read_the_calendars_own_columns_is_refused():
    with pytest.raises(ValueError, match="calendar"):
        wd.wd_number(F("start_date"))
    with pytest.raises(ValueError, match="subquery"):
        wd.wd_date(wd.wd_number("start_date") + 5)


def test_outer_references_and_literals_are_accepted(assessments):
    fixed = date(2018, 9, 3)
    row = Assessment.objects.annotate(
        n=wd.wd_number(Value(fixed)), m=wd.wd_number(OuterRef("start_date"))
    ).first()
    assert row.n == wd.working_day_number(fixed)
    assert row.m == wd.working_day_number(row.start_date)
