"""The rollup is set-based: its query count does not grow with the number of children."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scorecard.rollup import rollup_dates_in_process
from tests.scorecard.rollup_data import CODES, QUARTER_END, add_children


def queries_for_rollup() -> int:
    with CaptureQueriesContext(connection) as ctx:
        rollup_dates_in_process([QUARTER_END], codes=CODES)
    return len(ctx.captured_queries)


def test_rollup_queries_do_not_grow_with_children(cast):
    add_children(cast, 2)
    few = queries_for_rollup()
    add_children(cast, 12)
    many = queries_for_rollup()
    assert many == few
    # Per measure: a grouped query, a delete, an upsert and (quarter end) the cohort's four,
    # plus savepoints; a handful more for the run and the organisation.
    assert few < 20 * len(CODES)
