"""The committee report's PDF, read as a committee member gets it: converted to text and to page
images (pdftotext, pdftoppm). It has a sensible number of numbered pages, every section
heading, Fig. 1 to Fig. 16, and the drafted sentences; the PNGs are kept in
test-results/report-pdf/ so a person can look at them."""

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from scorecard.measures.base import COUNCIL
from scorecard.pack import render_report
from scorecard.periods import Quarter
from scorecard.report import AREAS, build_report

pytestmark = pytest.mark.django_db

RESULTS = Path(settings.BASE_DIR) / "test-results" / "report-pdf"


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode())


def test_the_report_pdf_reads_as_the_committee_gets_it(cast):
    for day in (date(2018, 6, 30), date(2018, 9, 30)):
        call_command("rollup_kpis", date=day)
    report = build_report(Quarter(2018, 2), COUNCIL)
    document = render_report(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for old in RESULTS.glob("page-*.png"):
        old.unlink()
    pdf = RESULTS / "report.pdf"
    pdf.write_bytes(document.write_pdf())

    pages = len(document.pages)
    assert 8 <= pages <= 24
    text = _text(pdf)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    for heading in (
        "2018/19 Performance",
        "Purpose of the report",
        "Key to ratings and direction of travel",
        "Summary of key performance",
        *(area.title for area in AREAS),
        "Strategic risk register: scores by quarter",
    ):
        assert heading in text, heading
    for number in range(1, 17):
        assert f"Fig. {number}:" in text, number
    sentences = [
        m.draft.split(". ")[0]
        for s in report.sections
        for m in s.measures
        if m.row.code in ("cp_count", "open_children", "cin_seen_pct")
    ]
    assert len(sentences) == 3
    for sentence in sentences:
        assert re.sub(r"\s+", " ", sentence) in text, sentence
    assert report.summary_paragraphs[0] in text

    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(RESULTS / "page")], check=True)
    images = sorted(RESULTS.glob("page-*.png"))
    assert len(images) == pages
    assert all(image.stat().st_size > 5_000 for image in images)
