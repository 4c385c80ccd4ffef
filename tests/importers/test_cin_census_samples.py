"""Every public CIN census sample either loads or is rejected with a readable report."""

import pytest
from django.core.management import CommandError, call_command

from casework.importers.cin_census import CINCensusImporter
from casework.importers.pipeline import run_import
from casework.models import Child, ImportRun, QuarantinedRecord, Referral


def test_fake_cin_data_loads_every_child(db, samples):
    result = run_import(CINCensusImporter(), [samples / "cin_census" / "fake_CIN_data.xml"])
    assert result.run.outcome == ImportRun.Outcome.LOADED
    assert Child.objects.count() == 332
    assert Referral.objects.count() == 402
    assert result.run.counts["children"]["created"] == 332


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CIN_Census_2021.xml", ["AssessmentActualStartDate: is before the referral date"]),
        ("cin-2022.xml", ["AssessmentActualStartDate: is before the referral date"]),
        (
            "CIN_Census_2024.xml",
            [
                "AssessmentAuthorisationDate: is before the assessment started",
                "AssessmentActualStartDate: is before the referral date",
            ],
        ),
        (
            "CIN_Census_2026.xml",
            [
                "AssessmentAuthorisationDate: is before the assessment started",
                "AssessmentActualStartDate: is before the referral date",
            ],
        ),
    ],
)
def test_deliberately_invalid_samples_are_rejected_with_each_problem(db, samples, name, expected):
    result = run_import(CINCensusImporter(), [samples / "cin_census" / name])
    assert result.run.outcome == ImportRun.Outcome.REJECTED
    report = "\n".join(result.report_lines())
    for text in expected:
        assert text in report
    assert f"{name} row " in report
    assert Child.objects.count() == 0


def test_quarantine_loads_nothing_invalid_and_keeps_the_reasons(db, samples):
    result = run_import(
        CINCensusImporter(), [samples / "cin_census" / "CIN_Census_2024.xml"], quarantine=True
    )
    assert result.run.outcome == ImportRun.Outcome.LOADED_WITH_QUARANTINE
    kept = QuarantinedRecord.objects.filter(import_run=result.run)
    assert kept.count() == 2
    assert all(q.reasons for q in kept)
    assert Child.objects.count() == 0


def test_command_reports_and_fails_on_rejection(db, samples, capsys):
    with pytest.raises(CommandError, match="Rejected"):
        call_command("import_cin_census", str(samples / "cin_census" / "cin-2022.xml"))
    assert "is before the referral date" in capsys.readouterr().out
