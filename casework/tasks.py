"""Celery tasks of the case record. Thin and idempotent: safe to run twice, so `acks_late` with
`reject_on_worker_lost` (settings) may redeliver them after a worker dies."""

from celery import shared_task

from casework import workingdays


@shared_task(acks_late=True, reject_on_worker_lost=True)
def calendar_rebuild() -> int:
    """Rebuild the working-day calendar from bank holidays and council closure days. Returns the
    number of calendar rows. Running it twice gives the same table."""
    return workingdays.rebuild()
