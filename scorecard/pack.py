"""The committee pack: the quarter's report (scorecard/report.py) as a PDF.

WeasyPrint renders the print template (templates/scorecard/report_pdf.html, the same body as the
report page) with its own stylesheet (templates/scorecard/report.css, passed as a stylesheet so
the HTML carries no inline style). The figures are the same SVG the charts page draws. Headings
become PDF bookmarks, so a committee member can jump to a section; the footer numbers the pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.template.loader import render_to_string

from scorecard.measures.base import MeasureScope
from scorecard.periods import Quarter
from scorecard.report import Report, build_report

if TYPE_CHECKING:
    from weasyprint.document import Document


def render_report(report: Report, *, base_url: str = "", **context: Any) -> Document:
    """The laid-out report (pages, bookmarks), before it is written as PDF."""
    # Imported here: importing WeasyPrint parses its default stylesheets (a second or two), which
    # every process that loads the URLconf (the server, each management command) would pay.
    from weasyprint import CSS, HTML

    # The figures' numbers go with the page (where a screen reader needs them) and the DOCX and
    # XLSX; the PDF draws each figure with its values labelled, as the seed report does.
    html = render_to_string(
        "scorecard/report_pdf.html", {"report": report, "print_only": True, **context}
    )
    stylesheet = CSS(
        string=render_to_string(
            "scorecard/report.css",
            {"council_name": report.council_name, "title": f"{report.quarter.title} report"},
        )
    )
    return HTML(string=html, base_url=base_url or None).render(stylesheets=[stylesheet])


def pdf_bytes(document: Document) -> bytes:
    """The laid-out report as PDF. Whole fonts are embedded: subsetting them took a fifth of the
    writing time, for a file the same size (the report uses most of each font's glyphs)."""
    return document.write_pdf(full_fonts=True)


def render_pack(quarter: Quarter, scope: MeasureScope, *, base_url: str = "") -> Document:
    return render_report(build_report(quarter, scope), base_url=base_url)


def pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
