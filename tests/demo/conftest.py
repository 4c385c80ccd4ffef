"""A small synthetic council, seeded once per test module inside a transaction that is rolled
back at the end, so the other test modules still start from an empty database."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

AS_AT = date(2018, 9, 30)
SMALL = 0.05
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(scale: float = SMALL, seed: int = 7) -> None:
    # pytest-django runs tests with DEBUG off; seed_demo refuses to run without it.
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
        call_command("seed_demo", scale=scale, seed=seed, no_rollup=True, no_progress=True)


@pytest.fixture(scope="module")
def small_council(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield
        transaction.set_rollback(True)
