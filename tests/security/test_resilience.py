"""Resilience: with the Celery broker unreachable every page still answers (no view waits on the
broker), and a database error part-way through a service leaves no partial write and the next
request succeeds."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
from celery import current_app
from django.db import DatabaseError
from django.test import Client

from surgeries.models import Surgery
from tests.conftest import date_input
from tests.security.conftest import table_state
from tests.security.matrix import every_url


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: nothing listens there


@pytest.fixture
def broker_down(settings):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = (current_app.conf.broker_url, current_app.conf.task_always_eager)
    current_app.conf.broker_url = url
    current_app.conf.task_always_eager = False
    yield url
    current_app.conf.broker_url, current_app.conf.task_always_eager = old


def test_pages_answer_with_the_broker_down(world, broker_down, record_property):
    client = Client(raise_request_exception=False)
    for who in ("admin", "manager_a1"):
        client.force_login(getattr(world.cast, who))
        urls = every_url(world)
        errors = [
            (label, status) for label, url in urls if (status := client.get(url).status_code) >= 500
        ]
        assert errors == []
    record_property("broker_down_urls", len(urls))


def test_no_view_queues_a_task(world, broker_down):
    """Views never call the broker: every Celery task comes from beat or a management command.
    If one ever does, it must catch the broker error and show a message, not a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(world.cast.admin)
    with mock.patch("celery.app.task.Task.apply_async", side_effect=AssertionError) as queued:
        for _, url in every_url(world):
            client.get(url)
    assert queued.call_count == 0


def test_database_error_mid_service_leaves_no_partial_write(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.cast.manager_a1)
    before = table_state()
    data = {
        "title": "Half-made surgery",
        **date_input("date", "2018-09-30"),
        "teams": [world.cast.team_a1.pk],
    }
    # The surgery, its teams and attendees are written, then the service fails before returning
    # (its closing log line stands in for any later step).
    with mock.patch("surgeries.services.log") as log:
        log.info.side_effect = DatabaseError("connection lost")
        response = client.post("/surgeries/meetings/new/", data)
    assert response.status_code == 500
    assert not Surgery.objects.filter(title="Half-made surgery").exists()
    after = table_state()
    assert {k: v for k, v in after.items() if not k.startswith("accounts.")} == {
        k: v for k, v in before.items() if not k.startswith("accounts.")
    }
    retry = client.post("/surgeries/meetings/new/", data)
    assert retry.status_code == 302
    assert Surgery.objects.filter(title="Half-made surgery").count() == 1
