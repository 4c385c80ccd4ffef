"""Celery tasks for surgeries: thin, taking only ISO dates, calling one service, safe to run
twice. Nothing personal goes into an argument or a log line."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from casework.reporting import reporting_date
from surgeries import services


def _day(on: str | None) -> date:
    return date.fromisoformat(on) if on else reporting_date()


@shared_task(name="surgeries.tasks.escalate_overdue_actions")
def escalate_overdue_actions(on: str | None = None) -> dict[str, int]:
    result = services.escalate_overdue_actions(today=_day(on))
    return {"escalated": result.escalated, "emails": result.emails}


@shared_task(name="surgeries.tasks.send_weekly_digests")
def send_weekly_digests(on: str | None = None) -> int:
    return services.send_weekly_digests(today=_day(on))


@shared_task(name="surgeries.tasks.refresh_exception_lists")
def refresh_exception_lists(on: str | None = None) -> int:
    """Store every exception list as at the day (today, or the reporting date when one is set)
    for the workbench; returns the number of rows stored."""
    from surgeries.lists import refresh

    return refresh(_day(on)).rows
