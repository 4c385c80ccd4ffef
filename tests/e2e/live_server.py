"""The live server every browser test uses (`tests/conftest.py` imports `live_server` from here,
in place of pytest-django's): pytest-django's, made safe for in-memory SQLite and torn down
before the test database is dropped.

On PostgreSQL each of the server's threads has its own connection. On in-memory SQLite (plain
`make test`) there is one database and one connection, which pytest-django hands to the server's
threads; Django's documentation of LiveServerTestCase says the test's thread and the server must
never query through it at the same time, which a browser loading a page while the test reads a
row does. So each request the server handles holds one lock, and so does each query of the
test's thread: one at a time, never interleaved. The server stays threaded, so a browser's idle
keep-alive or preconnect socket never blocks a request, as it would a single-threaded server's.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer

# Held by each request the live server handles, and by each query of the test's thread, while
# they share in-memory SQLite's one connection (re-entrant: a request's own queries take it too).
SHARED_CONNECTION = threading.RLock()


class _OneRequestAtATime:
    """WSGI middleware: the whole request, its response body included, under the lock."""

    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with SHARED_CONNECTION:
            result = self.application(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()  # request_finished, as the server would send it


class _SharedConnectionServer(ThreadedWSGIServer):
    def set_app(self, application: Any) -> None:
        super().set_app(_OneRequestAtATime(application))


class _SharedConnectionServerThread(LiveServerThread):
    server_class = _SharedConnectionServer


def _one_query_at_a_time(execute, sql, params, many, context):
    with SHARED_CONNECTION:
        return execute(sql, params, many, context)


@pytest.fixture(scope="session")
def live_server(request, django_db_setup, django_db_blocker) -> Iterator[LiveServer]:
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    shared = list((server.thread.connections_override or {}).values())
    if shared:
        server.thread.__class__ = _SharedConnectionServerThread
        for shared_connection in shared:
            shared_connection.execute_wrappers.append(_one_query_at_a_time)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        for shared_connection in shared:
            shared_connection.execute_wrappers.remove(_one_query_at_a_time)
        if connection.vendor == "postgresql":
            # A request thread still holding a browser's keep-alive socket keeps its connection
            # after the server stops, and the test database could not be dropped.
            with django_db_blocker.unblock(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
