"""Caseload section of the report."""

from django.db.models import QuerySet

from scorecard.measures.base import Better, Measure, Period, Unit, const_true, no_date
from scorecard.measures.cohorts import open_children
from scorecard.measures.registry import register


@register
class OpenChildren(Measure):
    """Children open to social care at the as-at date.

    Rule: an open referral (CIN episode), care episode, child protection plan or care-leaver
    record at D (DESIGN.md section 6). Source: the council's scorecard; CIN census definition of
    an open episode."""

    code = "open_children"
    title = "Children open to social care"
    section = "Caseload"
    unit = Unit.COUNT
    better = Better.NEITHER
    rule = "Children with an open referral, care episode, child protection plan or care-leaver record."

    def rows(self, period: Period) -> QuerySet:
        return open_children(period.as_at).annotate(
            in_numerator=const_true(), due_date=no_date(), basis_date=no_date()
        )
