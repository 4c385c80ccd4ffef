"""Synthetic SSDA903 tables of any size, for throughput measurements (never real children)."""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from casework.importers.ssda903 import LEGAL_STATUS, PROVIDERS

PLACES = ["U1", "U3", "U4", "U6", "R1", "K2", "P1", "T0", "Z1"]


def write_903(folder: Path, episodes: int, *, seed: int = 1, per_child: int = 4) -> Path:
    """Write header.csv and episodes.csv with `episodes` contiguous, valid episodes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    children = max(1, episodes // per_child)
    with (
        (folder / "header.csv").open("w", newline="") as h,
        (folder / "episodes.csv").open("w", newline="") as e,
    ):
        header = csv.writer(h)
        header.writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
        eps = csv.writer(e)
        eps.writerow(
            [
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
                "PL_LA",
            ]
        )
        written = 0
        for n in range(children):
            child = f"SYN{n:08d}"
            dob = date(2002, 1, 1) + timedelta(days=rng.randrange(5000))
            header.writerow([child, rng.choice("12"), dob.strftime("%d/%m/%Y"), "WBRI", "", "", ""])
            start = dob + timedelta(days=rng.randrange(365, 2000))
            count = per_child if n < children - 1 else episodes - written
            for k in range(count):
                end = start + timedelta(days=rng.randrange(30, 400))
                last = k == count - 1
                eps.writerow(
                    [
                        child,
                        start.strftime("%d/%m/%Y"),
                        "S" if k == 0 else "P",
                        rng.choice(sorted(LEGAL_STATUS - {"V3", "V4"})),
                        "N1",
                        rng.choice(PLACES),
                        rng.choice(sorted(PROVIDERS)),
                        "" if last else end.strftime("%d/%m/%Y"),
                        "" if last else "X1",
                        "",
                        "",
                        "",
                        "",
                        rng.choice(["916", "845"]),
                    ]
                )
                start = end
                written += 1
    return folder
