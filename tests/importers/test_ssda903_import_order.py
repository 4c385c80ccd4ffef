"""The SSDA903 returns of several years give one longitudinal history: loaded all at once, one
year at a time in any order, or in any grouping, the stored history is the same; no two stored
episodes of a child overlap."""

import itertools
from datetime import date

import pytest

from casework.importers.synthetic import split_903_by_year
from tests.importers.import_orders import check_every_order, load


def test_the_public_sample_split_by_year_loads_the_same_in_any_order(db, samples, tmp_path):
    years = split_903_by_year(samples / "ssda903", tmp_path)
    # The four kinds of order (newest first in one import, one year at a time newest first and
    # at random, a grouping); the generated council (test_ssda903_import_order_generated.py),
    # with more years, also takes oldest first. Each order is a whole load of the sample.
    reference = check_every_order(tmp_path, years, seed=1, many=False)
    assert len(reference["episodes"]) > 3000
    # The split returns rebuild the history the multi-year file holds in one return.
    whole = load([[samples / "ssda903"]])
    assert {e[:3] for e in whole["episodes"]} == {e[:3] for e in reference["episodes"]}


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
