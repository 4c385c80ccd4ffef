"""The committee report page: every role that reads aggregates sees the seed report's parts, with
drafted narrative and "no figure" where the rollup has stored nothing; a worker scope outside
the user's own answers 404."""

import pytest

from scorecard.report import AREAS

pytestmark = pytest.mark.django_db


def test_report_page_has_the_seed_reports_parts(cast, as_user):
    response = as_user(cast.leader).get("/scorecard/2018-19-Q2/report/", {"scope": "council"})
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "2018/19 Performance",
        "Children and Families Overview and Scrutiny Committee",
        "Officer contact",
        "Report sponsor",
        "Purpose of the report",
        "Key to ratings and direction of travel",
        "Summary of key performance",
        *(area.title for area in AREAS),
        "Fig. 16: Strategic risks",
        "Strategic risk register: scores by quarter",
    ):
        assert heading in html, heading
    report = response.context["report"]
    cp = next(m for s in report.sections for m in s.measures if m.row.code == "cp_count")
    assert cp.figure == 10
    assert cp.draft in html


def test_report_page_for_another_workers_caseload_is_404(cast, as_user):
    response = as_user(cast.manager_a1).get(
        "/scorecard/2018-19-Q2/report/", {"scope": f"worker:{cast.worker_b1.pk}"}
    )
    assert response.status_code == 404
