"""The code lists in casework.codes hold every code of the DfE lists the returns use, so no page
shows a bare code for a value the return allows: every code the SSDA903 importer accepts, and
the full placement type and reason episode ceased lists of the SSDA903 guidance."""

import pytest

from casework import codes
from casework.importers import ssda903

# The SSDA903 guidance's lists (2018 onwards), code by code.
PLACEMENT_TYPES = [
    "A3",
    "A4",
    "A5",
    "A6",
    "H5",
    "K1",
    "K2",
    "P1",
    "P2",
    "P3",
    "R1",
    "R2",
    "R3",
    "R5",
    "S1",
    "T0",
    "T1",
    "T2",
    "T3",
    "T4",
    "U1",
    "U2",
    "U3",
    "U4",
    "U5",
    "U6",
    "Z1",
]
REASONS_EPISODE_CEASED = [
    "E11",
    "E12",
    "E13",
    "E14",
    "E15",
    "E16",
    "E17",
    "E2",
    "E3",
    "E41",
    "E45",
    "E46",
    "E47",
    "E48",
    "E4A",
    "E4B",
    "E5",
    "E6",
    "E7",
    "E8",
    "E9",
    "X1",
]
REASONS_FOR_CLOSURE = [f"RC{n}" for n in range(1, 10)]


@pytest.mark.parametrize(
    ("list_name", "accepted"),
    [
        ("legal_status", ssda903.LEGAL_STATUS),
        ("reason_new_episode", ssda903.RNE),
        ("category_of_need", ssda903.CATEGORY_OF_NEED),
        ("placement_provider", ssda903.PROVIDERS),
        ("placement_type", PLACEMENT_TYPES),
        ("reason_episode_ceased", REASONS_EPISODE_CEASED),
        ("closure_reason", REASONS_FOR_CLOSURE),
    ],
)
def test_every_code_of_the_list_reads_as_words(list_name, accepted):
    missing = sorted(set(accepted) - set(codes.LISTS[list_name]))
    assert missing == [], f"{list_name} has no meaning for {missing}"
    for code in accepted:
        assert codes.meaning(list_name, code).endswith(f" ({code})")


def test_codes_added_for_the_903_read_as_words():
    assert codes.meaning("reason_episode_ceased", "E3") == (
        "Care taken over by another council in the UK (E3)"
    )
    assert codes.meaning("placement_type", "T1") == "Temporary periods in hospital (T1)"
    assert codes.meaning("category_of_need", "N1") == "Abuse or neglect (N1)"
    # N0 and N9 are CIN census codes only: not a 903 category of need.
    assert codes.meaning("category_of_need", "N9") == "N9"
