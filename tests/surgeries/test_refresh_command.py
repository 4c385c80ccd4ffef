"""The refresh_exception_lists command stores the lists for the date it is given and refuses a
bad date without writing anything."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from surgeries.models import ExceptionEntry, ExceptionRefresh


@pytest.mark.django_db
def test_refresh_command_stores_the_date_it_is_given(cast) -> None:
    out = StringIO()
    call_command("refresh_exception_lists", "--date", "2018-09-30", stdout=out)
    marker = ExceptionRefresh.objects.get(as_at="2018-09-30")
    stored = ExceptionEntry.objects.filter(as_at="2018-09-30").count()
    assert stored > 0  # the standard cast has children who are due or overdue on that date
    assert marker.rows == stored
    assert f"{marker.rows} rows" in out.getvalue()


@pytest.mark.django_db
def test_refresh_command_refuses_a_bad_date_and_writes_nothing() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("refresh_exception_lists", "--date", "30/09/2018")
    assert not ExceptionRefresh.objects.exists()
