"""Every measure with a reference statement (perf/reference_sql/<code>.sql) gives exactly the
scorecard's own result at every scope: council, each service area, each team and each worker.

The reference SQL is hand-written independently of the ORM measures, so agreement is a second
implementation checking the first as well as the floor the rollup is benchmarked against.
Measures without a file are simply not parametrised here; docs/performance.md lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection, transaction

from casework.demo.council import seed_council
from casework.models import Child, ServiceArea, Team, Worker
from perf.reference import (
    codes_without_reference,
    empty_result,
    orm_results,
    reference_codes,
    reference_params,
    reference_results,
    reference_sql,
)
from scorecard.measures import registry
from scorecard.measures.base import Measure, Result
from scorecard.rollup import measure_tallies, organisation_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# A quarter end on a Sunday (the report's date) and a working Friday mid-quarter: working-day
# rules differ when the as-at date is not a working day.
DATES = (date(2018, 9, 30), date(2018, 6, 29))
# Small enough to seed in seconds, large enough that every team has workers and every measure
# has rows in both numerator and denominator.
SCALE = 0.08
WORKER_SAMPLE = 6


@pytest.fixture(scope="module")
def small_council(django_db_setup, django_db_blocker) -> Iterator[None]:
    """One synthetic council for the whole module, rolled back afterwards so other tests start
    from the migrated, empty database."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed_council(scale=SCALE, seed=11, as_at=DATES[0], progress=False)
            assert Child.objects.count() > 500
            # Fresh tables have no statistics: without them the planner's guesses make each
            # scorecard query seconds slower than it is on a real database.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _every_scope() -> set[tuple[str, int]]:
    scopes = {("council", 0)}
    scopes |= {("service_area", pk) for pk in ServiceArea.objects.values_list("pk", flat=True)}
    scopes |= {("team", pk) for pk in Team.objects.values_list("pk", flat=True)}
    scopes |= {("worker", pk) for pk in Worker.objects.values_list("pk", flat=True)}
    return scopes


def _rollup_results(measure: Measure, day: date) -> dict[tuple[str, int], Result]:
    """Every scope from the rollup's one grouped query (what the nightly snapshots hold)."""
    tallies = measure_tallies(measure, day, organisation_at(day))
    out = {("council", 0): tallies.council.result(measure)}
    out |= {(str(level), pk): t.result(measure) for (level, pk), t in tallies.by_scope.items()}
    return out


@pytest.mark.parametrize("day", DATES, ids=str)
@pytest.mark.parametrize("code", reference_codes())
def test_reference_sql_equals_measure_result_at_every_scope(
    small_council: None, code: str, day: date
) -> None:
    measure = registry.get(code)
    reference = reference_results(code, day)
    scopes = _every_scope() | set(reference)
    # Measure.result (one query per scope) for the council, every service area and team, and a
    # sample of workers with and without rows; the rollup's grouped query for every worker.
    rolled = _rollup_results(measure, day)
    workers = sorted(s for s in scopes if s[0] == "worker")
    with_rows = [s for s in workers if s in reference][:WORKER_SAMPLE]
    without_rows = [s for s in workers if s not in reference][:2]
    checked = [s for s in scopes if s[0] != "worker"] + with_rows + without_rows
    orm = orm_results(measure, day, sorted(checked))
    expected = {
        scope: orm.get(scope) or rolled.get(scope, empty_result(measure)) for scope in scopes
    }
    actual = {scope: reference.get(scope, empty_result(measure)) for scope in scopes}
    differing = {s: (expected[s], actual[s]) for s in sorted(scopes) if expected[s] != actual[s]}
    assert not differing, (
        f"{code} at {day}: ORM vs reference differ at {len(differing)} scopes: "
        + (", ".join(f"{s}: {e} != {a}" for s, (e, a) in list(differing.items())[:5]))
    )
    # Guard against agreeing on nothing: the council total has rows at the report date.
    if day == DATES[0]:
        assert reference.get(("council", 0), empty_result(measure)) == expected[("council", 0)]


def test_measures_without_reference_sql_are_the_documented_ones() -> None:
    """The list in docs/performance.md is the truth about coverage: adding a file (or a
    measure) must update it."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "performance.md").read_text()
    section = doc.split("<!-- missing-reference-sql -->")[1].split(
        "<!-- /missing-reference-sql -->"
    )[0]
    listed = {line.strip(" -`") for line in section.splitlines() if line.startswith("- `")}
    assert listed == set(codes_without_reference())


# (reference statement, table, the index a period or as-at filter should use on it)
INDEX_USE = (
    ("visit_recorded_late_pct", "casework_visit"),
    ("complaints_q", "casework_complaint"),
    ("momo_statements_q", "casework_voicestatement"),
    ("cic_readmission_12m_pct", "casework_careepisode"),
    ("open_children", "casework_involvement"),
)


@pytest.mark.parametrize(("code", "table"), INDEX_USE)
def test_reference_statement_reaches_its_table_through_an_index(
    small_council: None, code: str, table: str
) -> None:
    """With sequential scans priced out, PostgreSQL can only avoid one if an index serves the
    filter: a Seq Scan left on the table means the column it filters on is not indexed. (A small
    test council would otherwise be scanned whatever the indexes.)"""
    measure = registry.get(code)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + reference_sql(code), reference_params(measure, DATES[0]))
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert f"Seq Scan on {table} " not in plan + " ", plan
    assert table in plan
