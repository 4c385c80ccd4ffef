"""The 903 import report counts every child the UASC table flags (it said 0 when the header
rows had already set the flag)."""

import csv

from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import Child


def test_uasc_flagged_count_is_the_children_the_file_flags(db, samples):
    folder = samples / "ssda903"
    with (folder / "uasc.csv").open(encoding="utf-8-sig") as handle:
        in_file = {row["CHILD"] for row in csv.DictReader(handle)}
    result = run_import(SSDA903Importer(), [folder], quarantine=True)
    flagged = Child.objects.filter(la_child_id__in=in_file, uasc=True).count()
    assert flagged > 0
    assert result.run.counts["uasc"]["flagged"] == flagged
