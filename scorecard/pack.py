"""The committee pack: the quarter's scorecard and figures as a PDF, generated on request.

WeasyPrint renders a print template (templates/scorecard/pack.html) with its own print stylesheet
(templates/scorecard/pack.css, passed as a stylesheet so the HTML carries no inline style). The
figures are the same SVG the charts page draws. Headings become PDF bookmarks, so a committee
member can jump to a section.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.document import Document

from scorecard.measures.base import MeasureScope
from scorecard.periods import Quarter
from scorecard.presenter import (
    build_sections,
    quarter_trends,
    report_charts,
    scope_label,
    scorecard_figures,
)

COMMITTEE = "Children and Families Overview and Scrutiny Committee"


def pack_context(quarter: Quarter, scope: MeasureScope) -> dict:
    rows, from_snapshot = scorecard_figures(quarter, scope)
    trend_quarters, trend_values = quarter_trends(scope, quarter)
    return {
        "council_name": settings.COUNCIL_NAME,
        "committee": getattr(settings, "COMMITTEE_NAME", COMMITTEE),
        "quarter": quarter,
        "scope_label": scope_label(scope),
        "sections": build_sections(
            rows,
            quarter,
            scope,
            drill=False,
            trend_values=trend_values,
            trend_quarters=trend_quarters,
        ),
        "charts": report_charts(quarter, scope),
        "generated_at": timezone.localtime(),
        "from_snapshot": from_snapshot,
    }


def render_pack(quarter: Quarter, scope: MeasureScope, *, base_url: str = "") -> Document:
    """The laid-out pack (pages, bookmarks), before it is written as PDF."""
    html = render_to_string("scorecard/pack.html", pack_context(quarter, scope))
    stylesheet = CSS(
        string=render_to_string("scorecard/pack.css", {"council_name": settings.COUNCIL_NAME})
    )
    return HTML(string=html, base_url=base_url or None).render(stylesheets=[stylesheet])


def pack_pdf(quarter: Quarter, scope: MeasureScope, *, base_url: str = "") -> bytes:
    return render_pack(quarter, scope, base_url=base_url).write_pdf()


def pack_response(request: HttpRequest, quarter: Quarter, scope: MeasureScope) -> HttpResponse:
    body = pack_pdf(quarter, scope, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="committee-pack-{quarter.label}.pdf"'
    return response
