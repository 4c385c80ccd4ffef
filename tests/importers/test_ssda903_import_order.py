"""The SSDA903 returns of several years give one longitudinal history: loaded all at once, one
year at a time in any order, or in any grouping, the stored history is the same; no two stored
episodes of a child overlap."""

import itertools
import random
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.importers.synthetic import split_903_by_year, write_903
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
    a grouping; with `many`, also oldest first and a second random order."""
    rng = random.Random(seed)
    odd, even = years[::2], years[1::2]
    found = [
        [list(reversed(years))],
        [[y] for y in reversed(years)],
        [[y] for y in rng.sample(years, len(years))],
        [even, odd],
    ]
    if many:
        found += [[[y] for y in years], [[y] for y in rng.sample(years, len(years))]]
    return found


def check_every_order(
    root: Path, years: list[int], seed: int, *, many: bool = True
) -> dict[str, object]:
    reference = load([[root / str(y) for y in years]])
    for order in orders(years, seed, many=many):
        found = load([[root / str(y) for y in group] for group in order])
        assert found == reference, f"order {order} differs"
    return reference


def test_the_public_sample_split_by_year_loads_the_same_in_any_order(db, samples, tmp_path):
    years = split_903_by_year(samples / "ssda903", tmp_path)
    reference = check_every_order(tmp_path, years, seed=1)
    assert len(reference["episodes"]) > 3000
    # The split returns rebuild the history the multi-year file holds in one return.
    whole = load([[samples / "ssda903"]])
    assert {e[:3] for e in whole["episodes"]} == {e[:3] for e in reference["episodes"]}


def test_a_generated_council_split_by_year_loads_the_same_in_any_order(db, tmp_path):
    write_903(tmp_path / "all", 1200, seed=7, per_child=3)
    years = split_903_by_year(tmp_path / "all", tmp_path / "years")
    assert len(years) > 10
    reference = check_every_order(tmp_path / "years", years, seed=2)
    assert len(reference["episodes"]) == 1200


@pytest.mark.parametrize("order", list(itertools.permutations([2017, 2018, 2019])))
def test_three_hand_built_years_agree_in_every_permutation(db, tmp_path, order):
    header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,01/02/2010,WBRI,,,\n"
    head = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
        "HOME_POST,PL_POST,URN,PL_LA\n"
    )
    returns = {
        # Open at the end of 2017, closed in 2018; a second period left open in 2018 and
        # missing from 2019 (the child's only 2019 episode starts later).
        2017: "A1,01/06/2016,S,C2,N1,U1,PR1,,,,,,,916\n",
        2018: "A1,01/06/2016,S,C2,N1,U1,PR1,05/01/2018,E11,,,,,916\n"
        "A1,01/03/2018,S,V2,N1,U1,PR1,,,,,,,916\n",
        2019: "A1,01/06/2018,S,C2,N1,U3,PR1,,,,,,,916\n",
    }
    for year, rows in returns.items():
        folder = tmp_path / str(year)
        folder.mkdir()
        (folder / "header.csv").write_text(header)
        (folder / "episodes.csv").write_text(head + rows)
    found = load([[tmp_path / str(y)] for y in order])
    assert [e[1:3] + e[7:] for e in found["episodes"]] == [
        (date(2016, 6, 1), date(2018, 1, 5), 2018, False),
        (date(2018, 3, 1), date(2018, 3, 31), 2018, True),
        (date(2018, 6, 1), None, 2019, False),
    ]
    assert [d[1:] for d in found["decisions"]] == [(date(2018, 3, 1), 2018)]
