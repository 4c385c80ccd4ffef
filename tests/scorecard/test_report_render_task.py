"""A pack whose quarter has no complete quarter-end snapshot is rendered by a task, with its
progress shown; the render belongs to whoever asked for it. A quarter with its snapshot renders
straight away."""

from datetime import date

import pytest
from django.core.management import call_command

from scorecard.models import ReportRender

pytestmark = pytest.mark.django_db


def test_without_the_snapshot_the_pack_is_rendered_by_a_task_with_progress(
    cast, as_user, django_capture_on_commit_callbacks
):
    client = as_user(cast.leader)
    offer = client.get("/scorecard/2018-19-Q2/report.pdf", {"scope": "council"})
    assert "Prepare the committee pack (PDF)" in offer.content.decode()
    assert not ReportRender.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/scorecard/2018-19-Q2/report/renders/?scope=council")
    render = ReportRender.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/scorecard/2018-19-Q2/report/renders/{render.pk}/")
    # Celery runs eagerly in the embedded default: the task has finished by now.
    assert (render.status, render.progress, render.stage) == ("done", 100, "Ready")
    page = client.get(response["Location"])
    assert "100%" in page.content.decode() and "Download the committee pack (PDF)" in (
        page.content.decode()
    )
    pdf = client.get(f"/scorecard/2018-19-Q2/report/renders/{render.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_a_render_in_progress_polls_and_is_only_its_requesters(cast, as_user):
    render = ReportRender.objects.create(
        quarter="2018-19-Q2",
        scope_level="council",
        scope_id=0,
        requested_by=cast.leader,
        status=ReportRender.Status.RUNNING,
        progress=60,
        stage="Laying out the pages",
    )
    url = f"/scorecard/2018-19-Q2/report/renders/{render.pk}/"
    fragment = as_user(cast.leader).get(url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in html and "60% · Laying out the pages" in html
    assert "<html" not in html
    assert as_user(cast.performance).get(url).status_code == 404
    assert (
        as_user(cast.leader)
        .get(f"/scorecard/2018-19-Q2/report/renders/{render.pk}.pdf")
        .status_code
        == 404
    )


def test_with_the_snapshot_the_pack_renders_straight_away(cast, as_user):
    call_command("rollup_kpis", date=date(2018, 9, 30))
    response = as_user(cast.leader).get("/scorecard/2018-19-Q2/pack.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert not ReportRender.objects.exists()
