"""A web or worker process lists every measure, whatever imported a measure module first.

config.urls imports casework.annex_a_export, which imports one measure module; the registry used
to load the others only when it was empty, so web processes (and benchmarks) saw 6 of 53
measures. Checked in a fresh interpreter, since this test process has long loaded them all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scorecard.measures import registry

BASE_DIR = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); import config.urls; "
    "from scorecard.measures import registry; print(len(registry.all_measures()))"
)


def test_registry_lists_every_measure_after_urls_import_a_measure_module() -> None:
    completed = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(completed.stdout.strip().splitlines()[-1]) == len(registry.all_measures())
