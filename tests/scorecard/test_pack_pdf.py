"""The committee pack is a PDF with a title page, the scorecard by section and the figures."""

import pytest

from scorecard.measures.base import COUNCIL
from scorecard.pack import render_pack
from scorecard.periods import Quarter

pytestmark = pytest.mark.django_db


def _labels(tree) -> list[str]:
    labels = []
    for label, _target, children, _state in tree:
        labels.append(label)
        labels.extend(_labels(children))
    return labels


def test_pack_pdf_downloads_for_a_senior_leader(cast, as_user):
    response = as_user(cast.leader).get("/scorecard/2018-19-Q2/pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="committee-pack-2018-19-Q2.pdf"' in response["Content-Disposition"]


def test_pack_has_title_page_sections_and_figures(cast):
    document = render_pack(Quarter(2018, 2), COUNCIL)
    assert len(document.pages) >= 3
    labels = _labels(document.make_bookmark_tree())
    assert "Q2 2018/19 Performance scorecard" in labels
    for heading in ("Scorecard", "Caseload", "Children in need", "Child protection", "Figures"):
        assert heading in labels
    assert any(label.startswith("Figure 1: Children open to social care") for label in labels)
    assert any("Strategic risks" in label for label in labels)
