"""rollup_kpis --quarter-ends --newest-first --skip-existing: what `make run` uses so the
current quarter's scorecard is ready first and a restart doesn't redo finished dates."""

from datetime import date
from io import StringIO

from django.core.management import call_command

from scorecard.models import KpiSnapshot


def test_quarter_ends_only_then_nothing_left_to_do(cast):
    call_command(
        "rollup_kpis",
        "--from",
        "2018-01-01",
        "--to",
        "2018-09-30",
        "--quarter-ends",
        "--newest-first",
        "--skip-existing",
        stdout=StringIO(),
    )
    dates = set(KpiSnapshot.objects.filter(scope_level="council").values_list("date", flat=True))
    assert dates == {date(2018, 3, 31), date(2018, 6, 30), date(2018, 9, 30)}
    out = StringIO()
    call_command(
        "rollup_kpis",
        "--from",
        "2018-01-01",
        "--to",
        "2018-09-30",
        "--quarter-ends",
        "--skip-existing",
        stdout=out,
    )
    assert "Every date already has its snapshots" in out.getvalue()
