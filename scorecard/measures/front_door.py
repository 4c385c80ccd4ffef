"""Front door section of the report: how fast contacts are decided, and how contacts convert to
referrals and referrals to assessments.

Rows are contacts or referrals received in the period (event rows). `child_id` and `team_id` are
the models' own columns: a contact belongs to the front-door team that handled it, a referral to
its responsible team. worker_id is the worker allocated to the child on the event's date.

Links between the events follow the record: Referral.contact and Assessment.referral. Where a
loaded record lacks the link, a referral's assessment is any assessment of the child started
between the referral and its closure, and a contact's assessment any assessment of the child
started on or after the contact when the contact led to a referral. Only events up to the end of
the period count, so a quarter's figure does not change as later work is recorded.
"""

from datetime import datetime, time, timedelta

from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from casework.models import Assessment, Contact, Referral
from casework.queries import allocated_worker_at
from scorecard.measures.base import Better, Kind, Measure, Period, Unit, no_date
from scorecard.measures.cohorts import flag
from scorecard.measures.registry import register

SECTION = "Front door"


def period_cutoff(period: Period) -> datetime:
    """The first instant after the period (local midnight after its last day)."""
    return timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))


def contacts_in(period: Period) -> QuerySet:
    """Contacts received in the period (by local date), with their date and allocated worker."""
    return (
        Contact.objects.annotate(received_on=TruncDate("received_at"))
        .filter(received_on__gte=period.start, received_on__lte=period.end)
        .annotate(
            worker_id=allocated_worker_at(OuterRef("received_on"), "child_id"),
            basis_date=F("received_on"),
            due_date=no_date(),
        )
    )


def referral_of_contact(period: Period) -> Q:
    return Q(outcome=Contact.Outcome.REFERRAL) | Q(
        Exists(Referral.objects.filter(contact=OuterRef("pk"), referral_date__lte=period.end))
    )


class _ContactDecision(Measure):
    """Contacts received in the period decided within `hours` clock hours of being received.
    A contact whose window is still open at the end of the period (received in its last
    `hours` hours and not yet decided late) counts as in time: it cannot have failed yet."""

    hours: int
    section = SECTION
    unit = Unit.PERCENT
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"

    def rows(self, period: Period) -> QuerySet:
        window = timedelta(hours=self.hours)
        return contacts_in(period).annotate(
            in_numerator=flag(
                Q(decided_at__isnull=False, decided_at__lte=F("received_at") + window)
                | Q(received_at__gt=period_cutoff(period) - window)
            )
        )


@register
class ContactDecision24hPct(_ContactDecision):
    """Contact decisions made within 24 hours.

    Rule: contacts received in the period whose decision was recorded no more than 24 clock hours
    after the contact was received. Source: Working Together to Safeguard Children (a decision
    on the type of response within one working day of a referral); local front-door standard."""

    code = "contact_decision_24h_pct"
    title = "Contact decisions made within 24 hours"
    better = Better.UP
    hours = 24
    rule = "Contacts received in the period decided within 24 hours."
    timescale = "24 hours"


@register
class ContactDecision48hPct(_ContactDecision):
    """Contact decisions made within 48 hours.

    Rule: contacts received in the period whose decision was recorded no more than 48 clock hours
    after the contact was received. Source: local front-door standard."""

    code = "contact_decision_48h_pct"
    title = "Contact decisions made within 48 hours"
    better = Better.UP
    hours = 48
    rule = "Contacts received in the period decided within 48 hours."
    timescale = "48 hours"


@register
class ContactToReferralPct(Measure):
    """Contacts that led to a referral.

    Rule: contacts received in the period whose outcome is a referral to social care (or to
    which a referral made by the end of the period is linked). No polarity: a conversion rate
    describes the front door's thresholds. Source: the council's scorecard."""

    code = "contact_to_referral_pct"
    title = "Contacts that led to a referral"
    section = SECTION
    unit = Unit.PERCENT
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = "Contacts received in the period that led to a referral."

    def rows(self, period: Period) -> QuerySet:
        return contacts_in(period).annotate(in_numerator=flag(referral_of_contact(period)))


@register
class ReferralToAssessmentPct(Measure):
    """Referrals that led to an assessment.

    Rule: referrals made in the period with an assessment started by the end of the period:
    linked to the referral, or (where not linked) of the same child started between the
    referral and its closure. Source: the council's scorecard."""

    code = "referral_to_assessment_pct"
    title = "Referrals that led to an assessment"
    section = SECTION
    unit = Unit.PERCENT
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = "Referrals made in the period that led to an assessment."

    def rows(self, period: Period) -> QuerySet:
        linked = Assessment.objects.filter(referral=OuterRef("pk"), start_date__lte=period.end)
        unlinked = Assessment.objects.filter(
            referral__isnull=True,
            child=OuterRef("child_id"),
            start_date__gte=OuterRef("referral_date"),
            start_date__lte=OuterRef("open_until"),
        )
        return (
            Referral.objects.filter(referral_date__range=(period.start, period.end))
            .annotate(
                open_until=Coalesce("closure_date", Value(period.end, output_field=DateField())),
            )
            .annotate(
                worker_id=allocated_worker_at(OuterRef("referral_date"), "child_id"),
                in_numerator=flag(Q(Exists(linked)) | Q(Exists(unlinked))),
                basis_date=F("referral_date"),
                due_date=no_date(),
            )
        )


@register
class ContactToAssessmentPct(Measure):
    """Contacts that led to an assessment.

    Rule: contacts received in the period with an assessment started by the end of the period
    on a referral linked to the contact, or (where not linked) of the same child started on or
    after the contact when the contact's outcome was a referral. Source: the council's
    scorecard."""

    code = "contact_to_assessment_pct"
    title = "Contacts that led to an assessment"
    section = SECTION
    unit = Unit.PERCENT
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = "Contacts received in the period that led to an assessment."

    def rows(self, period: Period) -> QuerySet:
        linked = Assessment.objects.filter(
            referral__contact=OuterRef("pk"), start_date__lte=period.end
        )
        unlinked = Assessment.objects.filter(
            referral__isnull=True,
            child=OuterRef("child_id"),
            start_date__gte=OuterRef("received_on"),
            start_date__lte=period.end,
        )
        return contacts_in(period).annotate(
            in_numerator=flag(
                Q(Exists(linked)) | (referral_of_contact(period) & Q(Exists(unlinked)))
            )
        )
