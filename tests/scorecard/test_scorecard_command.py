"""`manage.py scorecard`: every measure as table, JSON or CSV, at any scope."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from scorecard.models import MeasureTarget
from scorecard.rollup import rollup_dates_in_process
from tests.scorecard.rollup_data import add_children

CODES = ["open_children", "cp_count", "allocated_pct"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("scorecard", *args, "--codes", *CODES, stdout=out)
    return out.getvalue()


@pytest.fixture
def council(cast):
    add_children(cast, 2)
    MeasureTarget.objects.create(
        code="allocated_pct", effective_from=date(2018, 4, 1), target=95, tolerance=5
    )
    return cast


def test_json_is_one_list_of_objects_with_the_figures(council):
    rows = json.loads(run("--period", "2018-19-Q2", "--format", "json"))
    assert [r["code"] for r in rows] == CODES
    for row in rows:
        assert {"code", "value", "numerator", "denominator", "rating", "previous_value"} <= set(row)
        assert "change_pct" in row
    open_children = rows[0]
    # 3 cast children, 2 allocated, 2 unallocated and 2 in care only.
    assert open_children["value"] == "9"
    allocated = rows[2]
    assert allocated["denominator"] == 9
    assert allocated["numerator"] == 5  # the cast's 3 and the 2 allocated children
    assert Decimal(allocated["value"]) == Decimal("55.6")
    assert allocated["target"] == "95.00"
    assert allocated["rating"] == "red"


def test_as_at_uses_the_date_as_the_end_and_compares_three_months_before(council):
    rows = json.loads(run("--as-at", "2018-01-02", "--format", "json"))
    assert rows[0]["period_end"] == "2018-01-02"
    assert rows[0]["value"] == "3"  # only the cast's referrals are open by then
    assert rows[0]["previous_value"] == "0"


def test_team_scope_counts_only_that_team(council):
    rows = json.loads(
        run("--period", "2018-19-Q2", "--scope", "team:Safeguarding North", "--format", "json")
    )
    assert rows[0]["value"] == "3"  # cast child, 1 allocated, 1 unallocated


def test_worker_scope_is_found_by_staff_id(council):
    staff_id = council.worker_b1.staff_id
    rows = json.loads(
        run("--period", "2018-19-Q2", "--scope", f"worker:{staff_id}", "--format", "json")
    )
    assert rows[0]["value"] == "1"


def test_unknown_scope_is_an_error(council):
    with pytest.raises(CommandError, match="No team 'Nowhere'"):
        run("--period", "2018-19-Q2", "--scope", "team:Nowhere")


def test_bad_period_is_an_error(db):
    with pytest.raises(CommandError, match="financial quarter"):
        run("--period", "2018-Q2")


def test_csv_has_a_header_and_a_row_per_measure(council):
    rows = list(csv.DictReader(io.StringIO(run("--period", "2018-19-Q2", "--format", "csv"))))
    assert [r["code"] for r in rows] == CODES
    assert rows[2]["rating"] == "red"


def test_table_prints_every_measure_with_its_rating_in_words(council):
    text = run("--period", "2018-19-Q2")
    assert "allocated_pct" in text and "Red" in text and "open_children" in text


def test_snapshot_figures_match_live_figures_after_a_rollup(council):
    rollup_dates_in_process([date(2018, 9, 30), date(2018, 6, 30)], codes=CODES)
    live = json.loads(run("--period", "2018-19-Q2", "--format", "json"))
    stored = json.loads(run("--period", "2018-19-Q2", "--format", "json", "--snapshot"))
    keys = ("value", "numerator", "denominator", "rating", "previous_value", "change_pct")
    assert [{k: r[k] for k in keys} for r in stored] == [{k: r[k] for k in keys} for r in live]
    assert all(r["from_snapshot"] for r in stored)
