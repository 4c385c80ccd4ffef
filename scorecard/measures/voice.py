"""Voice section of the report: Mind of My Own accounts and statements."""

from datetime import date

from django.db.models import (
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from casework.models import Child, VoiceAccount, VoiceStatement, Worker
from casework.queries import allocated_worker_at, team_at
from scorecard.measures.base import Better, Kind, Measure, Period, Unit, const_true, no_date
from scorecard.measures.registry import register

SECTION = "Voice"


def accounts_open_at(as_at: date) -> QuerySet[VoiceAccount]:
    """Accounts open at D: opened on or before D and not closed by D."""
    return VoiceAccount.objects.filter(
        Q(closed_date__isnull=True) | Q(closed_date__gt=as_at), opened_date__lte=as_at
    )


@register
class ChildAccounts(Measure):
    """Young people with their own Mind of My Own account.

    Rule: children with a Mind of My Own account open at D (opened on or before D, not closed).
    Source: the council's scorecard (Mind of My Own, the digital tool for children to tell their
    worker their views: Children Act 1989 s.22(4), ascertaining the child's wishes and feelings)."""

    code = "momo_accounts"
    title = "Young people with their own Mind of My Own account"
    section = SECTION
    unit = Unit.COUNT
    better = Better.UP
    rule = "Children with a Mind of My Own account open at the date."

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        return Child.objects.filter(
            Exists(accounts_open_at(as_at).filter(child=OuterRef("pk")))
        ).annotate(
            child_id=F("pk"),
            worker_id=allocated_worker_at(as_at),
            team_id=team_at(as_at),
            in_numerator=const_true(),
            due_date=no_date(),
            basis_date=no_date(),
        )


@register
class WorkerAccounts(Measure):
    """Workers with a Mind of My Own account.

    Rule: workers with a Mind of My Own account open at D; a worker row belongs to the worker's
    team. Source: the council's scorecard."""

    code = "momo_worker_accounts"
    title = "Workers with a Mind of My Own account"
    section = SECTION
    unit = Unit.COUNT
    better = Better.UP
    subject = "worker"
    rule = "Workers with a Mind of My Own account open at the date."

    def rows(self, period: Period) -> QuerySet:
        as_at = period.as_at
        # `team_id` is the worker's own column, so it is not annotated.
        return Worker.objects.filter(
            Exists(accounts_open_at(as_at).filter(worker=OuterRef("pk")))
        ).annotate(
            child_id=Value(None, output_field=IntegerField()),
            worker_id=F("pk"),
            in_numerator=const_true(),
            due_date=no_date(),
            basis_date=no_date(),
        )


def statements_in(period: Period) -> QuerySet[VoiceStatement]:
    return VoiceStatement.objects.filter(date__gte=period.start, date__lte=period.end)


@register
class Statements(Measure):
    """Mind of My Own statements sent by children in the period.

    Rule: statements dated in the period; each belongs to the child's team and worker on the
    statement's date. Source: the council's scorecard."""

    code = "momo_statements_q"
    title = "Mind of My Own statements sent by children"
    section = SECTION
    unit = Unit.COUNT
    better = Better.UP
    kind = Kind.FLOW
    flow_months = 3
    subject = "event"
    rule = "Mind of My Own statements sent by children in the period."

    def rows(self, period: Period) -> QuerySet:
        return statements_in(period).annotate(
            worker_id=allocated_worker_at(OuterRef("date"), "child_id"),
            team_id=team_at(OuterRef("date"), "child_id"),
            in_numerator=const_true(),
            due_date=no_date(),
            basis_date=F("date"),
        )


@register
class ChildrenSendingStatements(Measure):
    """Children who sent a Mind of My Own statement in the period.

    Rule: children with at least one statement dated in the period (the children behind
    momo_statements_q); a child belongs to their team and worker on the date of their latest
    statement in the period. Source: the council's scorecard."""

    code = "momo_children_q"
    title = "Children who sent a Mind of My Own statement"
    section = SECTION
    unit = Unit.COUNT
    better = Better.UP
    kind = Kind.FLOW
    flow_months = 3
    rule = "Children who sent a Mind of My Own statement in the period."

    def rows(self, period: Period) -> QuerySet:
        latest = statements_in(period).filter(child=OuterRef("pk")).order_by("-date")
        return (
            Child.objects.filter(Exists(latest))
            .annotate(basis_date=Subquery(latest.values("date")[:1], output_field=DateField()))
            .annotate(
                child_id=F("pk"),
                worker_id=allocated_worker_at(OuterRef("basis_date")),
                team_id=team_at(OuterRef("basis_date")),
                in_numerator=const_true(),
                due_date=no_date(),
            )
        )
