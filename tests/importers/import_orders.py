"""Loading SSDA903 returns in a given order, and what they leave in the case record: the
helpers of the import-order tests (test_ssda903_import_order*.py), one file per council so that
pytest-xdist can run the two large ones side by side."""

import random
from pathlib import Path

from django.db import connection

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import (
    CareEpisode,
    CareOutcome,
    CareReview,
    Child,
    HeldEpisode,
    ImportRun,
    Involvement,
    MissingEpisode,
    OpenEpisodeDecision,
    QuarantinedRecord,
    SSDA903Return,
)


def history() -> dict[str, object]:
    """Everything the returns leave in the case record, independent of primary keys."""
    return {
        "episodes": sorted(
            CareEpisode.objects.values_list(
                "child__la_child_id",
                "start_date",
                "end_date",
                "rne",
                "legal_status",
                "place",
                "rec",
                "return_year",
                "end_inferred",
            )
        ),
        "held": sorted(
            HeldEpisode.objects.values_list("child__la_child_id", "start_date", "return_year")
        ),
        "decisions": sorted(
            OpenEpisodeDecision.objects.values_list(
                "child__la_child_id", "start_date", "last_reported_year"
            )
        ),
        "children": sorted(
            Child.objects.values_list("la_child_id", "sex", "date_of_birth", "upn", "ssda903_year")
        ),
        "reviews": CareReview.objects.count(),
        "missing": sorted(
            MissingEpisode.objects.values_list(
                "child__la_child_id", "kind", "start_date", "end_date", "return_year"
            )
        ),
        "urns": sorted(CareEpisode.objects.values_list("child__la_child_id", "start_date", "urn")),
    }


def overlapping_pairs() -> int:
    """Stored episodes of one child where one starts before the other has ended (the check
    query: the database must never hold one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM {CareEpisode._meta.db_table} a
            JOIN {CareEpisode._meta.db_table} b
              ON a.child_id = b.child_id AND a.id <> b.id AND a.start_date <= b.start_date
             AND (a.end_date IS NULL OR b.start_date < a.end_date)
            """
        )
        return cursor.fetchone()[0]


def wipe() -> None:
    for model in (
        QuarantinedRecord,
        SSDA903Return,
        ImportRun,
        OpenEpisodeDecision,
        HeldEpisode,
        MissingEpisode,
        CareEpisode,
        CareOutcome,
        CareReview,
        Involvement,
        Child,
    ):
        # Straight DELETEs: the collector's per-row signals and history would dominate the test.
        model.objects.all()._raw_delete(model.objects.db)


def load(groups: list[list[Path]]) -> dict[str, object]:
    wipe()
    for group in groups:
        result = run_import(SSDA903Importer(la_code="916"), group, quarantine=True)
        assert result.ok, result.report_lines()[:20]
    assert overlapping_pairs() == 0
    return history()


def orders(years: list[int], seed: int, *, many: bool) -> list[list[list[int]]]:
    """Newest first in one import, one year at a time newest first and in a random order, and
    a grouping; with `many`, also one year at a time oldest first. (Every permutation of three
    years is loaded by test_ssda903_import_order.py; a second random order here was one more
    whole load of a kind already taken.)"""
    rng = random.Random(seed)
    odd, even = years[::2], years[1::2]
    found = [
        [list(reversed(years))],
        [[y] for y in reversed(years)],
        [[y] for y in rng.sample(years, len(years))],
        [even, odd],
    ]
    if many:
        found.append([[y] for y in years])
    return found


def check_every_order(
    root: Path, years: list[int], seed: int, *, many: bool = True
) -> dict[str, object]:
    reference = load([[root / str(y) for y in years]])
    for order in orders(years, seed, many=many):
        found = load([[root / str(y) for y in group] for group in order])
        assert found == reference, f"order {order} differs"
    return reference
