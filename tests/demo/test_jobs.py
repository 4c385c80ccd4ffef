"""`seed_demo --jobs N`: localities generated and written by worker processes, each on its own
connection, give the same database as one process; the indexes and constraints dropped for the
bulk load come back exactly as they were. PostgreSQL only (SQLite takes one writer at a time),
and committed for real: the workers cannot see a test's transaction."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.demo.conftest import FAST_HASHER
from tests.demo.test_repeatable import digest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def schema() -> list[tuple[str, str]]:
    """Every index and constraint definition on the case tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'casework_%%'
            UNION ALL
            SELECT conname, pg_get_constraintdef(oid) || ' valid=' || convalidated
            FROM pg_constraint WHERE conrelid::regclass::text LIKE 'casework_%%'
            ORDER BY 1, 2
            """
        )
        return cursor.fetchall()


def seeded_digest(jobs: int) -> str:
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
        call_command(
            "seed_demo",
            scale=0.06,
            localities=3,
            seed=5,
            jobs=jobs,
            no_rollup=True,
            no_progress=True,
        )
    value = digest()
    call_command("flush", interactive=False, verbosity=0)
    return value


def test_two_jobs_write_the_same_database_as_one():
    before = schema()
    one = seeded_digest(jobs=1)
    assert schema() == before
    two = seeded_digest(jobs=2)
    assert schema() == before
    assert one == two


def test_jobs_need_postgresql_or_a_single_job(settings):
    from django.core.management.base import CommandError

    from casework.management.commands.seed_demo import default_jobs

    # On PostgreSQL a council of several localities gets a worker per core by default.
    assert default_jobs(3) >= 1
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--jobs must be at least 1"):
        call_command("seed_demo", scale=0.02, jobs=0, no_rollup=True, no_progress=True)
