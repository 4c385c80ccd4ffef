"""Placement stability section of the report: placement moves and out-of-county placements."""

from django.db.models import Count, DateField, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from casework.cohorts import care_episodes, current_episode, period_of_care_start
from scorecard.measures.base import Better, Measure, Period, Unit, const_true, no_date
from scorecard.measures.children_in_care import children_in_care
from scorecard.measures.registry import register

SECTION = "Placement stability"

# SSDA903 reasons for a new episode that mean a new placement: P (change of placement and
# carers), T (change of placement, same carers), B and U (the same at once with a change of legal
# status). L (legal status only) is not a move; S starts the period (its first placement).
PLACEMENT_CHANGE_RNE = ("P", "T", "B", "U")
MOVES_THRESHOLD = 3


@register
class ThreeOrMorePlacementMoves(Measure):
    """Children in care with 3 or more placement moves in the last 12 months.

    Rule: children in care at D with 3 or more moves in the 12 calendar months to D within their
    current period of care; a move is a new placement that is not the first of the period (a care
    episode starting after the period began whose reason for new episode is P, T, B or U). The
    period began with the latest episode coded RNE S (DfE: started to be looked after;
    `casework.cohorts.period_of_care_start`), not at a gap or a short break.
    Source: the council's scorecard; DfE placement stability indicator (children looked after
    with 3 or more placements during the year), SSDA903 RNE codes."""

    code = "cic_3plus_placements"
    title = "Children with 3 or more placement moves in the last 12 months"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    exception_list = "Children in care: 3 or more placement moves in 12 months"
    rule = (
        "Children in care with 3 or more placement moves in the 12 months to the date within "
        "their current period of care."
    )
    basis_label = "latest move"
    timescale = "3 or more moves in 12 months"

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        window_start = Period.months_to(as_at, 12).start
        moves = care_episodes().filter(
            child=OuterRef("pk"),
            rne__in=PLACEMENT_CHANGE_RNE,
            start_date__gte=window_start,
            start_date__lte=as_at,
            # After the period's first episode: its first placement is not a move, and moves
            # from an earlier period of care do not count.
            start_date__gt=OuterRef("care_start"),
        )
        # One grouped subquery per child row: a count without a Python loop.
        move_count = Subquery(
            moves.order_by().values("child").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        )
        latest_move = Subquery(
            moves.order_by("-start_date").values("start_date")[:1], output_field=DateField()
        )
        return (
            children_in_care(as_at)
            .annotate(care_start=period_of_care_start(as_at))
            .annotate(moves=Coalesce(move_count, 0))
            .filter(moves__gte=MOVES_THRESHOLD)
            .annotate(in_numerator=const_true(), basis_date=latest_move, due_date=no_date())
        )


@register
class OutOfCounty(Measure):
    """Children in care placed outside the council's area.

    Rule: children in care at D whose current care episode is recorded as placed outside the
    council's area (in-area flag false; not known is not counted). Source: the council's
    scorecard; SSDA903 placement location (PL_LA)."""

    code = "cic_out_of_county"
    title = "Children in an out-of-county placement"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    rule = "Children in care whose current placement is outside the council's area."

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        current = current_episode(as_at)
        return (
            children_in_care(as_at)
            .annotate(placed_in_area=Subquery(current.values("in_area")[:1]))
            .filter(placed_in_area=False)
            .annotate(in_numerator=const_true(), basis_date=no_date(), due_date=no_date())
        )
