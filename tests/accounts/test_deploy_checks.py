"""`check --deploy` is clean with the production settings of .env.example, and each project
security check fails when its setting is weakened."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from accounts import checks

ROOT = Path(__file__).resolve().parents[2]


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip("'\"")
    return values


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "CELERY"))
    }
    env.update(env_example())
    # The example's secret is a placeholder; the database is not reachable from here and the
    # deployment checks do not need it.
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@override_settings(
    SECURE_CSP={"default-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"]}
)
def test_csp_with_unsafe_inline_is_an_error():
    assert [e.id for e in checks.csp_without_unsafe_inline(None)] == ["scorecard.E002"]


def test_current_csp_passes():
    assert checks.csp_without_unsafe_inline(None) == []


@override_settings(CELERY_ACCEPT_CONTENT=["json", "pickle"])
def test_celery_accepting_pickle_is_an_error():
    assert [e.id for e in checks.celery_json_only(None)] == ["scorecard.E004"]


@override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=True)
def test_insecure_session_cookie_warns():
    assert [e.id for e in checks.secure_cookies(None)] == ["scorecard.W001"]


@pytest.mark.parametrize("url", ["admin/", "/admin/", "Admin"])
def test_admin_at_admin_warns(url):
    with override_settings(ADMIN_URL=url):
        assert [e.id for e in checks.admin_not_at_admin(None)] == ["scorecard.W002"]
