"""Referrals section of the report: children referred and not seen, re-referrals within 12 months,
and children seen in time after a referral or the start of a section 47 enquiry.

Rows are referrals or section 47 enquiries (event rows; `child_id` is the model's own column,
and on a referral `team_id` is its own responsible-team column). Workers and teams are those at
the event's date, except for the live list of children referred and not seen, which takes the
worker allocated at the end of the period (the one who should see the child now).
"""

from datetime import date

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from casework.models import Referral, Section47, Visit
from casework.queries import allocated_worker_at, team_at
from casework.workingdays import wd_date, wd_number
from scorecard.measures.base import (
    AddMonths,
    Better,
    Kind,
    Measure,
    Period,
    Unit,
    const_true,
    no_date,
)
from scorecard.measures.cohorts import flag, wd_number_on
from scorecard.measures.registry import register

SECTION = "Referrals"


def _referral_seen_wd() -> int:
    return settings.TIMESCALES["first_seen_after_referral_wd"]


def _s47_seen_wd() -> int:
    return settings.TIMESCALES["first_seen_after_s47_wd"]


def referrals_in(period: Period) -> QuerySet[Referral]:
    """Referrals made in the period, less those closed as no further action at the referral
    stage (no visit is owed on them)."""
    return Referral.objects.filter(referral_date__range=(period.start, period.end), nfa=False)


def seen_between(start_ref: str, last_day: date) -> QuerySet[Visit]:
    """Visits at which the child was seen, on or after the row's `start_ref` date and on or
    before `last_day` (visits after the period are not known at its end)."""
    return Visit.objects.filter(
        child=OuterRef("child_id"),
        child_seen=True,
        date__gte=OuterRef(start_ref),
        date__lte=last_day,
    )


@register
class ReferralNotSeen(Measure):
    """Children referred in the period with no visit recorded.

    Rule: children whose referral was made in the period (not closed as no further action at
    referral) and who have had no visit at which they were seen since that referral, up to the
    end of the period. A child referred twice in the period is one row, for the later referral.
    Source: local standard (the council's scorecard); Working Together to Safeguard Children
    expects the child to be seen as part of every assessment."""

    code = "referral_not_seen"
    title = "Children referred in the {flow_months} months to the period end with no visit recorded"
    section = SECTION
    unit = Unit.COUNT
    better = Better.DOWN
    kind = Kind.FLOW
    flow_months = 5
    subject = "event"
    exception_list = "Referred and not seen"
    rule = "Children referred in the period who have not been seen since the referral."
    basis_label = "referred"

    timescale = "seen within {first_seen_after_referral_wd} working days"

    def rows(self, period: Period) -> QuerySet:
        later_in_period = referrals_in(period).filter(
            child=OuterRef("child_id"), referral_date__gt=OuterRef("referral_date")
        )
        return (
            referrals_in(period)
            .exclude(Exists(later_in_period))
            .exclude(Exists(seen_between("referral_date", period.end)))
            .annotate(
                worker_id=allocated_worker_at(period.end, "child_id"),
                basis_date=F("referral_date"),
                referral_wd=wd_number("referral_date"),
                in_numerator=const_true(),
            )
            .annotate(due_date=wd_date(OuterRef("referral_wd") + _referral_seen_wd()))
        )


@register
class Rereferral12mPct(Measure):
    """Referrals that were re-referrals within 12 months.

    Rule: referrals made in the period (12 months by default) where the same child had another
    referral in the 12 calendar months before (on or after the same date a year earlier, and
    before this referral). Source: DfE children in need statistics (re-referral rate within 12
    months of a previous referral)."""

    code = "rereferral_12m_pct"
    title = "Referrals that were re-referrals within 12 months"
    section = SECTION
    unit = Unit.PERCENT
    better = Better.DOWN
    kind = Kind.FLOW
    flow_months = 12
    subject = "event"
    rule = "Referrals in the period where the child had another referral in the 12 months before."
    basis_label = "referred"

    def rows(self, period: Period) -> QuerySet:
        earlier = Referral.objects.filter(
            child=OuterRef("child_id"),
            referral_date__lt=OuterRef("referral_date"),
            referral_date__gte=AddMonths(OuterRef("referral_date"), -12),
        )
        return Referral.objects.filter(referral_date__range=(period.start, period.end)).annotate(
            worker_id=allocated_worker_at(OuterRef("referral_date"), "child_id"),
            in_numerator=flag(Q(Exists(earlier))),
            basis_date=F("referral_date"),
            due_date=no_date(),
        )


class _SeenTimely(Measure):
    """Children first seen within a timescale of an event (a referral or a section 47 start):
    a seen visit on or after the event and no more than N working days after it, by the end of
    the period; an event whose window is still open at the period end counts as in time until
    it closes."""

    section = SECTION
    unit = Unit.PERCENT
    better = Better.UP
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    start_field: str

    def days(self) -> int:
        raise NotImplementedError

    def events(self, period: Period) -> QuerySet:
        raise NotImplementedError

    def rows(self, period: Period) -> QuerySet:
        n = self.days()
        in_window = seen_between(self.start_field, period.end).annotate(wd=wd_number("date"))
        return (
            self.events(period)
            .annotate(start_wd=wd_number(self.start_field), end_wd=wd_number_on(period.end))
            .annotate(
                in_numerator=flag(
                    Q(Exists(in_window.filter(wd__lte=OuterRef("start_wd") + n)))
                    | Q(~Exists(in_window), end_wd__lte=F("start_wd") + n)
                ),
                basis_date=F(self.start_field),
                due_date=wd_date(OuterRef("start_wd") + n),
            )
        )


@register
class S17SeenTimelyPct(_SeenTimely):
    """Children seen within 5 working days of referral.

    Rule: referrals made in the period (not closed as no further action at referral) where the
    child was seen on or after the referral date and within TIMESCALES
    ["first_seen_after_referral_wd"] (default 5) working days of it. Target 80%. Source: local
    standard (section 17 visits); Working Together to Safeguard Children."""

    code = "s17_seen_timely_pct"
    title = "Children seen within {first_seen_after_referral_wd} working days of referral"
    rule = (
        "Referrals in the period where the child was seen within "
        "{first_seen_after_referral_wd} working days."
    )
    basis_label = "referred"
    start_field = "referral_date"

    def days(self) -> int:
        return _referral_seen_wd()

    timescale = "seen within {first_seen_after_referral_wd} working days"

    def events(self, period: Period) -> QuerySet:
        return referrals_in(period).annotate(
            worker_id=allocated_worker_at(OuterRef("referral_date"), "child_id"),
        )


@register
class S47SeenTimelyPct(_SeenTimely):
    """Children seen within 1 working day of a section 47 enquiry starting.

    Rule: section 47 enquiries started (strategy discussion) in the period where the child was
    seen on or after the start and within TIMESCALES["first_seen_after_s47_wd"] (default 1)
    working day of it. Target 80%. Source: Children Act 1989 s47; Working Together to Safeguard
    Children (the child is seen as part of the enquiry); local timescale."""

    code = "s47_seen_timely_pct"
    title = (
        "Children seen within {first_seen_after_s47_wd} working day of a section 47 "
        "enquiry starting"
    )
    rule = (
        "Section 47 enquiries started in the period where the child was seen within "
        "{first_seen_after_s47_wd} working day."
    )
    basis_label = "section 47 started"
    start_field = "start_date"

    def days(self) -> int:
        return _s47_seen_wd()

    timescale = "seen within {first_seen_after_s47_wd} working day"

    def events(self, period: Period) -> QuerySet:
        return Section47.objects.filter(start_date__range=(period.start, period.end)).annotate(
            worker_id=allocated_worker_at(OuterRef("start_date"), "child_id"),
            team_id=team_at(OuterRef("start_date"), "child_id"),
        )
