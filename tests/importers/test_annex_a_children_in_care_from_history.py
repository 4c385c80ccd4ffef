"""List 8 of the Annex A export is computed from the stored care history: the legal status's
start over adjoining episodes, placements and missing episodes in the 12 months to the date,
a second period of care, the provider's URN, the latest health and dental checks, and children
who ceased to be looked after in the six months to the date.

The 12 months to 30 September 2018 run from 1 October 2017: 30 September 2017 is "exactly 12
months before" and outside them."""

from datetime import date
from typing import Any

from casework.annex_a_export import build_lists
from casework.importers.annex_a_layout import LISTS
from casework.models import MissingEpisode
from tests import factories as f

AS_AT = date(2018, 9, 30)
TWELVE_MONTHS_BEFORE = date(2017, 9, 30)
FIRST_DAY = date(2017, 10, 1)


def episode(child, start, end=None, *, rne="P", ls="C2", rec="", **fields):
    if end is not None and not rec:
        rec = "X1"
    return f.CareEpisodeFactory(
        child=child, start_date=start, end_date=end, rne=rne, legal_status=ls, rec=rec, **fields
    )


def list_8_row(child) -> dict[str, Any]:
    rows = [r for r in build_lists(AS_AT)[8] if r[0] == child.la_child_id]
    assert len(rows) == 1, rows
    return dict(zip(LISTS[8], rows[0], strict=True))


STATUS_START = "Start date of current legal status"
PLACEMENTS = "Number of Placements in the Last 12 months"
SECOND = (
    "Is this a second or subsequent period of being a Looked After Child within the last "
    "12 months (Y/N)"
)
MISSING = (
    "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months"
)
ABSENT = "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months"


# --- start date of the current legal status --------------------------------------------------


def test_legal_status_starts_at_the_first_of_adjoining_episodes_with_that_status(db):
    child = f.ChildFactory()
    episode(child, date(2016, 1, 10), date(2017, 2, 1), rne="S")
    episode(child, date(2017, 2, 1), date(2018, 1, 5))  # a move, same status
    episode(child, date(2018, 1, 5))  # another move
    row = list_8_row(child)
    assert row[STATUS_START] == date(2016, 1, 10)
    assert row["Date Started to be Looked After"] == date(2016, 1, 10)
    assert row["Start Date of Most Recent Placement"] == date(2018, 1, 5)


def test_a_gap_of_a_day_starts_the_legal_status_again(db):
    child = f.ChildFactory()
    episode(child, date(2016, 1, 10), date(2017, 2, 1), rne="S", rec="E11")
    episode(child, date(2017, 2, 2), rne="S")  # next day: not adjoining
    assert list_8_row(child)[STATUS_START] == date(2017, 2, 2)


def test_a_change_of_legal_status_starts_it_again(db):
    child = f.ChildFactory()
    episode(child, date(2016, 1, 10), date(2016, 6, 1), rne="S", ls="C2")
    episode(child, date(2016, 6, 1), date(2017, 3, 1), rne="L", ls="C1")
    episode(child, date(2017, 3, 1), date(2018, 2, 1), rne="L", ls="C2")
    episode(child, date(2018, 2, 1), rne="T", ls="C2")
    row = list_8_row(child)
    assert row[STATUS_START] == date(2017, 3, 1)
    assert row["Child's Legal Status"] == "C2"
    assert row["Start Date of Most Recent Placement"] == date(2018, 2, 1)


def test_an_episode_that_ends_the_day_it_begins_starts_its_own_legal_status(db):
    child = f.ChildFactory()
    episode(child, date(2018, 9, 30), date(2018, 9, 30), rne="S", ls="C1", rec="E4A")
    assert list_8_row(child)[STATUS_START] == date(2018, 9, 30)


# --- placements in the last 12 months -------------------------------------------------------


def test_placement_begun_exactly_12_months_before_and_still_running_counts_once(db):
    child = f.ChildFactory()
    episode(child, TWELVE_MONTHS_BEFORE, rne="S")
    assert list_8_row(child)[PLACEMENTS] == 1


def test_placement_that_ended_exactly_12_months_before_is_not_counted(db):
    child = f.ChildFactory()
    episode(child, date(2017, 3, 1), TWELVE_MONTHS_BEFORE, rne="S")
    episode(child, TWELVE_MONTHS_BEFORE, date(2018, 4, 1))
    episode(child, date(2018, 4, 1), date(2018, 6, 1), rne="L", ls="C1")  # not a move
    episode(child, date(2018, 6, 1), rne="T", ls="C1")
    # The placement left on 30 Sep 2017 is before the window; the one begun that day is carried
    # in; 1 April changed the legal status only; 1 June was a move.
    assert list_8_row(child)[PLACEMENTS] == 2


def test_placement_left_on_the_first_day_of_the_window_counts(db):
    child = f.ChildFactory()
    episode(child, date(2017, 3, 1), FIRST_DAY, rne="S")
    episode(child, FIRST_DAY)
    assert list_8_row(child)[PLACEMENTS] == 2


def test_short_breaks_are_not_placements(db):
    child = f.ChildFactory()
    episode(child, date(2017, 11, 1), date(2017, 11, 3), rne="S", ls="V3", rec="E8")
    episode(child, date(2018, 1, 1), rne="S")
    assert list_8_row(child)[PLACEMENTS] == 1


def test_an_episode_after_a_gap_begins_a_placement_whatever_its_code(db):
    child = f.ChildFactory()
    episode(child, date(2017, 11, 1), date(2017, 11, 3), rne="S", ls="V3", rec="E8")
    episode(child, date(2017, 12, 1), rne="L")  # no care episode ends that day
    row = list_8_row(child)
    assert row[PLACEMENTS] == 1
    assert row["Start Date of Most Recent Placement"] == date(2017, 12, 1)


# --- second or later period of care in the last 12 months -----------------------------------


def test_period_of_care_ended_on_the_first_day_of_the_window_makes_a_second_period(db):
    child = f.ChildFactory()
    episode(child, date(2017, 1, 1), FIRST_DAY, rne="S", rec="E11")
    episode(child, date(2018, 2, 1), rne="S")
    row = list_8_row(child)
    assert row[SECOND] == "Yes"
    assert row["Date Started to be Looked After"] == date(2018, 2, 1)


def test_period_of_care_ended_exactly_12_months_before_does_not(db):
    child = f.ChildFactory()
    episode(child, date(2017, 1, 1), TWELVE_MONTHS_BEFORE, rne="S", rec="E11")
    episode(child, date(2018, 2, 1), rne="S")
    assert list_8_row(child)[SECOND] == "No"


def test_a_move_within_the_period_is_not_a_second_period(db):
    child = f.ChildFactory()
    episode(child, date(2018, 1, 1), date(2018, 3, 1), rne="S")
    episode(child, date(2018, 3, 1))
    assert list_8_row(child)[SECOND] == "No"


# --- URN, missing episodes, health checks ---------------------------------------------------


def test_urn_of_the_current_placement_and_none_for_an_unregistered_one(db):
    registered, unregistered = f.ChildFactory(), f.ChildFactory()
    episode(registered, date(2017, 1, 1), date(2018, 1, 1), rne="S", urn="SC000001")
    episode(registered, date(2018, 1, 1), urn="SC123456")
    episode(unregistered, date(2018, 1, 1), rne="S", urn="XXXXXXX")
    assert list_8_row(registered)["URN of Placement"] == "SC123456"
    assert list_8_row(unregistered)["URN of Placement"] is None


def test_missing_and_absent_episodes_under_way_in_the_12_months_are_counted_apart(db):
    child = f.ChildFactory()
    episode(child, date(2016, 1, 1), rne="S")
    for kind, start, end in [
        ("M", date(2017, 9, 1), TWELVE_MONTHS_BEFORE),  # over before the window: not counted
        ("M", date(2017, 9, 20), FIRST_DAY),  # still missing on its first day
        ("M", date(2018, 9, 30), None),  # began on the date, not yet back
        ("A", date(2018, 2, 1), date(2018, 2, 2)),
        ("M", date(2018, 10, 1), None),  # after the date
    ]:
        MissingEpisode.objects.create(child=child, kind=kind, start_date=start, end_date=end)
    row = list_8_row(child)
    assert (row[MISSING], row[ABSENT]) == (2, 1)


def test_no_missing_table_loaded_leaves_the_counts_empty_not_0(db):
    child = f.ChildFactory()
    episode(child, date(2016, 1, 1), rne="S")
    row = list_8_row(child)
    assert (row[MISSING], row[ABSENT]) == (None, None)
    MissingEpisode.objects.create(child=f.ChildFactory(), kind="M", start_date=date(2018, 1, 1))
    row = list_8_row(child)
    assert (row[MISSING], row[ABSENT]) == (0, 0)


def test_latest_health_and_dental_checks_on_or_before_the_date(db):
    child = f.ChildFactory()
    episode(child, date(2016, 1, 1), rne="S")
    f.HealthCheckFactory(child=child, date=date(2017, 11, 1))
    f.HealthCheckFactory(child=child, date=date(2018, 6, 1))
    f.HealthCheckFactory(child=child, date=date(2018, 10, 1))
    f.HealthCheckFactory(child=child, kind="dental", date=date(2018, 3, 3))
    row = list_8_row(child)
    assert row["Date of Last Health Assessment"] == date(2018, 6, 1)
    assert row["Date of Last Dental Check"] == date(2018, 3, 3)


# --- who is on the list ---------------------------------------------------------------------


def test_a_child_who_ceased_in_the_six_months_is_listed_with_the_date_and_reason(db):
    ceased, earlier = f.ChildFactory(), f.ChildFactory()
    episode(ceased, date(2017, 5, 1), date(2018, 3, 31), rne="S", rec="E13")
    episode(earlier, date(2017, 5, 1), date(2018, 3, 30), rne="S", rec="E13")
    row = list_8_row(ceased)
    assert row["Date Ceased to be Looked After"] == date(2018, 3, 31)
    assert row["Reason Ceased to be Looked After"] == "E13"
    assert row[STATUS_START] == date(2017, 5, 1)
    assert earlier.la_child_id not in {r[0] for r in build_lists(AS_AT)[8]}


def test_a_child_in_care_has_no_date_ceased_even_if_the_episode_ends_later(db):
    child = f.ChildFactory()
    episode(child, date(2017, 5, 1), date(2018, 12, 1), rne="S", rec="E13")
    row = list_8_row(child)
    assert row["Date Ceased to be Looked After"] is None
    assert row["Reason Ceased to be Looked After"] is None
