"""No personal data leaks: a canary child with a distinctive name and date of birth goes through
the pages, an import, the nightly rollup and every Celery task; its name and date of birth must
appear in no log record (every logger, DEBUG) and in no task message body or argument."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from pathlib import Path

import pytest
from celery import current_app
from celery.signals import before_task_publish, task_prerun
from django.urls import reverse

from casework.importers.cin_census import CINCensusImporter
from casework.importers.pipeline import run_import
from casework.models import Child
from tests import factories as f
from tests.fixtures import SAMPLES
from tests.security.conftest import OWN
from tests.security.matrix import MATRIX, ROLE_USER, first_role_in_scope, matrix_url

FIRST, LAST = "Zebedee", "Canarywhistle"
DOB = date(2011, 3, 17)
IMPORT_LA_ID = "CANARY0903"


def canary_texts() -> list[str]:
    return [
        FIRST,
        LAST,
        DOB.isoformat(),
        f"{DOB:%d/%m/%Y}",
        f"{DOB:%-d %B %Y}",
        f"{DOB:%d%m%Y}",
        repr(DOB),  # datetime.date(2011, 3, 17)
    ]


@pytest.fixture
def canary(world) -> Child:
    site = world.site(OWN)
    child = f.ChildFactory(first_name=FIRST, last_name=LAST, date_of_birth=DOB)
    f.ReferralFactory(child=child, team=site.team, referral_date=date(2018, 4, 3))
    f.InvolvementFactory(
        child=child, worker=site.worker, team=site.team, start_date=date(2018, 4, 4)
    )
    f.CPPlanFactory(child=child, start_date=date(2018, 6, 1))
    return child


@pytest.fixture
def task_messages():
    """JSON of every task message published, and of every task's arguments as it runs."""
    seen: list[str] = []

    def on_publish(sender=None, body=None, headers=None, **kwargs):
        seen.append(json.dumps({"body": body, "headers": headers}, default=str))

    def on_run(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
        seen.append(json.dumps({"task": sender.name, "args": args, "kwargs": kwargs}, default=str))

    before_task_publish.connect(on_publish, weak=False)
    task_prerun.connect(on_run, weak=False)
    yield seen
    before_task_publish.disconnect(on_publish)
    task_prerun.disconnect(on_run)


def canary_cin_file(tmp_path: Path) -> Path:
    """The public fake CIN census with its first child given the canary's date of birth."""
    text = (SAMPLES / "cin_census" / "fake_CIN_data.xml").read_text()
    text = re.sub(
        r"<PersonBirthDate>[^<]*</PersonBirthDate>",
        f"<PersonBirthDate>{DOB.isoformat()}</PersonBirthDate>",
        text,
        count=1,
    )
    path = tmp_path / "canary.xml"
    path.write_text(text)
    return path


def test_canary_never_reaches_logs_or_task_messages(
    canary, world, client, caplog, task_messages, tmp_path, settings
):
    caplog.set_level(logging.DEBUG)  # the root: every logger propagates here
    for name in ("django", "django.request", "celery", "surgeries", "scorecard", "casework"):
        caplog.set_level(logging.DEBUG, logger=name)

    # The pages: every child-level GET, and the refusals, on the canary's record.
    pages = 0
    for name, entry in MATRIX.items():
        if entry.kwargs(world, OWN).get("public_id") == world.site(OWN).child.public_id or (
            entry.rule is not None
            and "public_id" in entry.kwargs(world, OWN)
            and name in ("child_overview",)
        ):
            pass
    for name in (
        "child_overview",
        "child_visits",
        "child_plans",
        "child_care",
        "child_health",
        "child_history",
        "child_access",
    ):
        for who in ("admin", "manager_b1"):  # allowed, refused
            client.force_login(getattr(world.cast, who))
            client.get(reverse(name, args=[canary.public_id]))
            pages += 1
    for name in MATRIX:
        role = first_role_in_scope(name)
        if role:
            client.force_login(getattr(world.cast, ROLE_USER[role]))
            client.get(matrix_url(world, name, OWN))
            pages += 1
    client.force_login(world.cast.social_worker)
    response = client.post(
        reverse("visit_new", args=[canary.public_id]),
        {"date": "2018-09-28", "visit_type": "statutory", "child_seen": "on"},
    )
    assert response.status_code in (200, 302)
    client.post(reverse("visit_new", args=[canary.public_id]), {"date": "not a date"})

    # An import carrying the canary's date of birth.
    result = run_import(CINCensusImporter(), [canary_cin_file(tmp_path)])
    assert result.run.pk

    # The rollup and the surgeries' tasks, through Celery: published to an in-memory broker (so
    # the message bodies are real), then run in process.
    from scorecard import tasks as scorecard_tasks
    from surgeries import tasks as surgery_tasks

    current_app.conf.task_always_eager = False
    current_app.conf.broker_url = "memory://"
    try:
        with current_app.connection_for_write() as conn:
            for task, args in (
                (scorecard_tasks.rollup_date, ["2018-09-30"]),
                (surgery_tasks.escalate_overdue_actions, ["2018-10-15"]),
                (surgery_tasks.send_weekly_digests, ["2018-10-15"]),
            ):
                task.apply_async(args=args, connection=conn)
    finally:
        current_app.conf.task_always_eager = True
    scorecard_tasks.rollup_date.apply(args=["2018-09-30"])
    surgery_tasks.escalate_overdue_actions.apply(args=["2018-10-15"])
    surgery_tasks.send_weekly_digests.apply(args=["2018-10-15"])

    assert len(task_messages) >= 6, "messages were published and tasks ran"
    assert caplog.records, "log records were captured"
    logs = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {getattr(r, 'exc_text', '') or ''}"
        for r in caplog.records
    )
    messages = "\n".join(task_messages)
    for text in canary_texts():
        assert text not in logs, f"{text!r} in a log record"
        assert text not in messages, f"{text!r} in a task message"
    print(
        f"\ncanary: {pages} pages, 1 import, {len(task_messages)} task messages, "
        f"{len(caplog.records)} log records, 0 leaks"
    )


def test_celery_accepts_json_only(settings):
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert current_app.conf.accept_content == ["json"]
    assert current_app.conf.task_serializer == "json"


def test_no_error_reporting_integration_is_configured(settings):
    """Any future one (Sentry and the like) must set send_default_pii=False; docs/security.md."""
    assert not any("sentry" in app for app in settings.INSTALLED_APPS)
    assert not getattr(settings, "SENTRY_DSN", None)
