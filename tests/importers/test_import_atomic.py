"""An import that fails part-way leaves the database as it was."""

import pytest

from casework.importers import ssda903
from casework.importers.pipeline import run_import
from casework.models import CareEpisode, Child, ImportRun


def test_failure_mid_load_leaves_no_rows(db, samples, monkeypatch):
    real_upsert = ssda903.upsert
    calls = {"n": 0}

    def failing_upsert(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # after the children were written, while writing episodes
            raise RuntimeError("worker killed")
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(ssda903, "upsert", failing_upsert)
    with pytest.raises(RuntimeError):
        run_import(ssda903.SSDA903Importer(), [samples / "ssda903"], quarantine=True)
    assert Child.objects.count() == 0
    assert CareEpisode.objects.count() == 0
    assert ImportRun.objects.count() == 0
