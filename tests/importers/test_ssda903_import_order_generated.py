"""A generated council's SSDA903 returns of more than ten years, split by year, load to the same
longitudinal history in every kind of order (the public sample and three hand-built years are in
test_ssda903_import_order.py)."""

from casework.importers.synthetic import split_903_by_year, write_903
from tests.importers.import_orders import check_every_order


def test_a_generated_council_split_by_year_loads_the_same_in_any_order(db, tmp_path):
    write_903(tmp_path / "all", 1200, seed=7, per_child=3)
    years = split_903_by_year(tmp_path / "all", tmp_path / "years")
    assert len(years) > 10
    reference = check_every_order(tmp_path / "years", years, seed=2)
    assert len(reference["episodes"]) == 1200
