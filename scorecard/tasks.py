"""Celery tasks for the nightly rollup and the committee pack rendered in the background. Thin:
ISO dates, measure codes and run ids in, one service call each. Every task is idempotent, so
`acks_late` with `reject_on_worker_lost` is safe: a chunk whose worker dies is redelivered and
simply recomputed.

No chord: the chunk that completes a run's count finishes it (`rollup_run_finish`, a conditional
UPDATE), so the run is marked without depending on a result backend.
"""

from __future__ import annotations

from datetime import date

from celery import group, shared_task

from scorecard import rollup, services
from scorecard.queries import rollup_target_date

ROBUST = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**ROBUST)
def rollup_chunk(iso_date: str, codes: list[str], run_id: int | None = None) -> None:
    """Snapshot a few measures for one date at every scope."""
    try:
        rollup.rollup_chunk_compute(date.fromisoformat(iso_date), codes, run_id=run_id)
    except Exception as exc:
        # Measure errors are recorded inside the service; this is a chunk that could not run at
        # all (database gone...). Say so on the run, which would otherwise stay "running".
        if run_id:
            rollup.rollup_run_fail(run_id, f"{iso_date} chunk {','.join(codes)}: {exc!r}")
        raise


@shared_task(**ROBUST)
def rollup_date(iso_date: str, trigger: str = "task", codes: list[str] | None = None) -> int:
    """Start a run for one date and fan its chunks out to the workers. Returns the run id."""
    day = date.fromisoformat(iso_date)
    chosen = rollup.rollup_codes(codes)
    run = rollup.rollup_run_for_date(day, codes=chosen, trigger=trigger)
    group(
        rollup_chunk.s(iso_date, chunk, run.pk) for chunk in rollup.measure_chunks(chosen)
    ).apply_async()
    return run.pk


@shared_task(**ROBUST)
def rollup_yesterday() -> int:
    """The beat entry: yesterday in Europe/London, or the reporting date when one is set."""
    return rollup_date(rollup_target_date().isoformat(), trigger="beat")


@shared_task(**ROBUST)
def report_render(render_id: int) -> None:
    """Render a committee pack whose figures must be calculated now."""
    services.report_render_run(render_id)
