"""Publishing freezes the committee report: after the record changes and the rollup runs again,
the published version's PDF reads exactly as it did (numbers and text), while a new draft shows
the change; an edited part shows how its draft moved. Who edited and published is in the
history; only a performance officer or administrator may edit or publish."""

import subprocess
from datetime import date

import pytest
from django.core.management import call_command

from scorecard.models import CommitteeReport, ReportVersion
from tests import factories as f

pytestmark = pytest.mark.django_db

REPORT = "/scorecard/2018-19-Q2/report/"
EDIT = "/scorecard/2018-19-Q2/report/edit/?scope=council"
PUBLISH = "/scorecard/2018-19-Q2/report/publish/?scope=council"


def _rollup() -> None:
    for day in (date(2018, 6, 30), date(2018, 9, 30)):
        call_command("rollup_kpis", date=day)


def _pdf_text(body: bytes) -> str:
    """The PDF's words with every run of white space as one space: where a line wraps depends
    on the publishing time printed beside the version, so the checks must not."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def _edit(client, **changes):
    data = {
        "meeting_date_0": "21",
        "meeting_date_1": "11",
        "meeting_date_2": "2018",
        "officer": "Emma Perkin, Performance and Improvement Officer",
        "sponsor": "Chris Spencer, Director of Children's Services",
        **changes,
    }
    return client.post(EDIT, data)


def _open_children(report) -> object:
    return next(
        m.row.value for s in report.sections for m in s.measures if m.row.code == "open_children"
    )


def test_a_published_report_stays_as_published_after_the_record_and_rollup_change(cast, as_user):
    _rollup()
    client = as_user(cast.performance)
    assert _edit(client, **{"text_caseload": "Caseloads are steady."}).status_code == 302
    assert client.post(PUBLISH).status_code == 302
    version = ReportVersion.objects.get()
    published = client.get(
        f"/scorecard/2018-19-Q2/report/versions/{version.number}.pdf?scope=council"
    )
    text = _pdf_text(published.content)
    assert "Caseloads are steady." in text
    assert "21st November 2018" in text and "Emma Perkin" in text
    assert "published version 1" in text

    # The record changes: a fourth child is referred, and the rollup runs again.
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 8, 1))
    f.InvolvementFactory(child=child, worker=cast.worker_a1, start_date=date(2018, 8, 2))
    _rollup()

    again = client.get(f"/scorecard/2018-19-Q2/report/versions/{version.number}.pdf?scope=council")
    assert again.content == published.content
    assert _pdf_text(again.content) == text
    assert [r["value"] for r in version.figures if r["code"] == "open_children"] == ["3"]

    draft = client.get(REPORT, {"scope": "council"})
    assert _open_children(draft.context["report"]) == 4
    assert "Caseloads are steady." in draft.content.decode()


def test_an_edit_keeps_its_draft_and_shows_how_the_draft_moved(cast, as_user):
    _rollup()
    client = as_user(cast.performance)
    _edit(client, **{"text_child-protection": "Our own words on child protection."})
    saved = CommitteeReport.objects.get()
    assert saved.texts == {"child-protection": "Our own words on child protection."}
    assert "child-protection" in saved.drafts

    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 8, 1))
    f.CPPlanFactory(child=child, start_date=date(2018, 8, 20))
    _rollup()

    page = client.get(EDIT)
    part = next(p for p in page.context["parts"] if p["key"] == "child-protection")
    assert part["edited"]
    kinds = {c.kind for c in part["moved"]}
    assert {"removed", "added"} <= kinds
    assert "The numbers have changed since this part was edited" in page.content.decode()


def test_history_names_who_edited_and_who_published(cast, as_user):
    _rollup()
    client = as_user(cast.performance)
    _edit(client)
    client.post(PUBLISH)
    saved = CommitteeReport.objects.get()
    assert {h.history_user_id for h in saved.history.all()} == {cast.performance.pk}
    assert ReportVersion.objects.get().published_by == cast.performance
    page = client.get(EDIT).content.decode()
    assert "Published version 1" in page and "Started the report" in page


def test_only_a_performance_officer_or_administrator_edits_or_publishes(cast, as_user):
    for user in (cast.leader, cast.manager_a1, cast.social_worker):
        client = as_user(user)
        assert client.get(EDIT).status_code == 404
        assert client.post(PUBLISH).status_code == 404
    assert not ReportVersion.objects.exists()


def test_publishing_without_the_quarter_end_snapshot_is_refused(cast, as_user):
    client = as_user(cast.performance)
    response = client.post(PUBLISH, follow=True)
    assert "run the rollup for 30 September 2018 before publishing" in response.content.decode()
    assert not ReportVersion.objects.exists()
