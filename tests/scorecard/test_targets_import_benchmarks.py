"""`manage.py import_benchmarks FILE.csv`: checked whole; on any error nothing is written."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from scorecard.models import Benchmark


def import_file(tmp_path, text: str) -> tuple[str, str]:
    path = tmp_path / "benchmarks.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_benchmarks", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = (
    "code,label,period,value,effective_from\n"
    "open_children,England,2017-18,330.1,2018-04-01\n"
    "open_children,Statistical neighbours,2017-18,310,2018-04-01\n"
    "open_children,England,2016-17,320,\n"
)


def test_a_valid_file_is_imported(db, tmp_path):
    out, _ = import_file(tmp_path, GOOD)
    assert "Imported 3 benchmarks" in out
    england = Benchmark.objects.get(label="England", effective_from=date(2018, 4, 1))
    assert (england.period, england.value) == ("2017-18", Decimal("330.1"))
    # No effective_from: the reporting date (settings.REPORTING_DATE in the tests).
    assert Benchmark.objects.get(period="2016-17").effective_from == date(2018, 9, 30)


def test_importing_the_same_file_twice_changes_nothing(db, tmp_path):
    import_file(tmp_path, GOOD)
    before = list(Benchmark.objects.values_list("pk", "code", "label", "value"))
    import_file(tmp_path, GOOD)
    assert list(Benchmark.objects.values_list("pk", "code", "label", "value")) == before


def test_errors_are_listed_by_row_and_nothing_is_written(db, tmp_path):
    text = (
        "code,label,period,value\n"
        "open_children,England,2017-18,330\n"
        "no_such_measure,England,2017-18,1\n"
        "open_children,,2017-18,abc\n"
        "open_children,England,2017-18,330\n"
    )
    with pytest.raises(CommandError, match="3 row"):
        import_file(tmp_path, text)
    assert not Benchmark.objects.exists()


def test_error_lines_name_the_row_and_the_problem(db, tmp_path):
    text = (
        "code,label,period,value,effective_from\n"
        "open_children,England,2017-18,330,2018-04-01\n"
        "no_such_measure,England,2017-18,1,2018-04-01\n"
        "open_children,,2017-18,abc,2018-13-01\n"
        "open_children,England,2017-18,331,2018-04-01\n"
    )
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_benchmarks", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "Row 3: unknown measure code 'no_such_measure'"
    assert lines[1].startswith("Row 4: label is empty; value 'abc' is not a number;")
    assert "effective_from '2018-13-01' is not a date" in lines[1]
    assert lines[2] == "Row 5: repeats open_children / England from 2018-04-01"


def test_a_missing_column_is_reported_against_the_header(db, tmp_path):
    with pytest.raises(CommandError):
        import_file(tmp_path, "code,label,value\nopen_children,England,1\n")
    assert not Benchmark.objects.exists()
