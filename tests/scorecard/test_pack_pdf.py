"""The committee pack is the report as a PDF: a cover, the purpose, the key, the summary, one
section per area with its figures numbered as the seed report numbers them, and the risks; its
headings are the PDF's bookmarks."""

from datetime import date

import pytest
from django.core.management import call_command

from scorecard.measures.base import COUNCIL
from scorecard.pack import render_pack
from scorecard.periods import Quarter
from scorecard.report import AREAS

pytestmark = pytest.mark.django_db


def _labels(tree) -> list[str]:
    labels = []
    for label, _target, children, _state in tree:
        labels.append(label)
        labels.extend(_labels(children))
    return labels


def test_pack_pdf_downloads_for_a_senior_leader(cast, as_user):
    call_command("rollup_kpis", date=date(2018, 9, 30))
    response = as_user(cast.leader).get("/scorecard/2018-19-Q2/pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="committee-pack-2018-19-Q2.pdf"' in response["Content-Disposition"]


def test_pack_has_the_reports_parts_as_bookmarks(cast):
    document = render_pack(Quarter(2018, 2), COUNCIL)
    assert len(document.pages) >= 3
    labels = _labels(document.make_bookmark_tree())
    assert "2018/19 Performance" in labels
    for heading in (
        "Purpose of the report",
        "Key to ratings and direction of travel",
        "Summary of key performance",
        *(area.title for area in AREAS),
    ):
        assert heading in labels
    assert "Fig. 1: Children open to social care by category" in labels
    assert "Fig. 10: Children subject to a child protection plan" in labels
    assert any(label.startswith("Fig. 16: Strategic risks") for label in labels)
