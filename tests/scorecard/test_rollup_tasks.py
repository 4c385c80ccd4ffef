"""The rollup tasks without a broker (eager, the embedded default) and the beat entry's date."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from config.celery import app
from scorecard.models import KpiSnapshot, RollupRun
from scorecard.queries import rollup_target_date
from scorecard.tasks import rollup_chunk, rollup_date, rollup_yesterday
from tests.scorecard.rollup_data import CODES, QUARTER_END

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_rollup_date_fans_out_chunks_and_finishes_the_run(cast, eager):
    run_id = rollup_date.delay(QUARTER_END.isoformat(), codes=CODES).get()
    run = RollupRun.objects.get(pk=run_id)
    assert run.status == RollupRun.Status.SUCCEEDED
    assert run.chunks_done == run.chunks_expected == 2
    assert run.trigger == "task"
    assert set(KpiSnapshot.objects.values_list("code", flat=True)) == set(CODES)


def test_a_redelivered_chunk_is_counted_once(cast, eager):
    run_id = rollup_date.delay(QUARTER_END.isoformat(), codes=CODES).get()
    rows = list(KpiSnapshot.objects.order_by("pk").values_list("pk", "value"))
    rollup_chunk.delay(QUARTER_END.isoformat(), CODES[:4], run_id)  # as if redelivered
    run = RollupRun.objects.get(pk=run_id)
    assert run.chunks_done == 2
    assert list(KpiSnapshot.objects.order_by("pk").values_list("pk", "value")) == rows


def test_the_beat_rollup_uses_the_reporting_date_when_set(cast, eager, settings):
    settings.REPORTING_DATE = QUARTER_END
    run = RollupRun.objects.get(pk=rollup_yesterday.delay().get())
    assert (run.date_from, run.date_to, run.trigger) == (QUARTER_END, QUARTER_END, "beat")


def test_without_a_reporting_date_the_target_is_yesterday_in_london(settings):
    settings.REPORTING_DATE = None
    # 00:30 BST on 1 April is 23:30 UTC on 31 March: yesterday is the London one, 31 March.
    with time_machine.travel(datetime(2019, 4, 1, 0, 30, tzinfo=LONDON), tick=False):
        assert rollup_target_date() == date(2019, 3, 31)
    with time_machine.travel(datetime(2019, 1, 15, 3, 30, tzinfo=LONDON), tick=False):
        assert rollup_target_date() == date(2019, 1, 14)


def test_a_redelivered_rollup_date_resumes_its_unfinished_run(cast, eager):
    from scorecard.rollup import rollup_run_start

    # A worker started this run, then died before sending its chunks.
    stranded = rollup_run_start([QUARTER_END], codes=CODES, trigger="task")
    run_id = rollup_date.delay(QUARTER_END.isoformat(), codes=CODES).get()
    assert run_id == stranded.pk
    assert RollupRun.objects.get().status == RollupRun.Status.SUCCEEDED
