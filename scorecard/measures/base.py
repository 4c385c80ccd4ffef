"""The measure contract. One definition per measure code gives, for a period (stocks use its last
day), a council-wide queryset of the measure's rows. Everything else derives from it:

- the scorecard value at any scope (council, service area, team, worker),
- the rollup (the same rows grouped by team and worker in one query),
- the drill-down (numerator, denominator and failing rows),
- the surgery exception lists (failing rows, and rows due soon).

So the scorecard number, the drill-down list and the surgery list can never disagree.

Rows are children (most stocks), workers (caseload counts) or events (contacts, referrals,
assessments, conferences, complaints, visits). On event models `child_id` is already the foreign
key's column, so it is not annotated again. Event measures take the team at the event's date:
`casework.queries.team_at(OuterRef-able date)` accepts an expression as well as a date.

Every row queryset carries these annotations (`ROW_FIELDS`):

    child_id      the child (None for worker rows)
    worker_id     the allocated worker at the as-at date (or the event's date), or the worker row
    team_id       the team the row belongs to (DESIGN.md section 6, Scopes)
    in_numerator  bool: the row counts in the numerator (percent measures); True for count rows
    due_date      date or None: the last day the row is still within its timescale
    basis_date    date or None: the date the timescale runs from (last seen, plan start...)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import ClassVar

from django.db.models import BooleanField, Count, DateField, Q, QuerySet, Value
from django.db.models.functions import Cast

# AddMonths is imported from here by measures written before the calendar moved to casework.
from casework.calendar import AddMonths as AddMonths
from casework.calendar import add_months

ROW_FIELDS = ("child_id", "worker_id", "team_id", "in_numerator", "due_date", "basis_date")


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"


class Better(StrEnum):
    UP = "up"
    DOWN = "down"
    NEITHER = ""


class Kind(StrEnum):
    STOCK = "stock"  # as at a date
    FLOW = "flow"  # over a period


@dataclass(frozen=True)
class Period:
    """Inclusive dates. A stock is measured as at `end`."""

    start: date
    end: date

    @property
    def as_at(self) -> date:
        return self.end

    @classmethod
    def as_at_date(cls, as_at: date) -> Period:
        return cls(as_at, as_at)

    @classmethod
    def months_to(cls, end: date, months: int) -> Period:
        """The `months` calendar months ending on `end` (a month end gives whole months)."""
        if (end + timedelta(days=1)).day == 1:
            # From a month end, count whole months back from the month's first day: 30 Jun less
            # 3 months must start on 1 Apr, where add_months(30 Jun, -3) + 1 day gives 31 Mar.
            return cls(add_months(end.replace(day=1), -(months - 1)), end)
        return cls(add_months(end, -months) + timedelta(days=1), end)

    def label(self) -> str:
        if self.start == self.end:
            return f"at {self.end:%-d %b %Y}"
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"


@dataclass(frozen=True)
class MeasureScope:
    """council (pk None), service_area, team or worker."""

    level: str = "council"
    pk: int | None = None

    def row_q(self) -> Q:
        if self.level == "council":
            return Q()
        if self.level == "team":
            return Q(team_id=self.pk)
        if self.level == "worker":
            return Q(worker_id=self.pk)
        if self.level == "service_area":
            from casework.models import Team

            return Q(team_id__in=Team.objects.filter(service_area_id=self.pk).values("pk"))
        raise ValueError(f"Unknown scope level {self.level!r}")


COUNCIL = MeasureScope()


@dataclass(frozen=True)
class Result:
    code: str
    numerator: int | None
    denominator: int | None
    value: Decimal | None

    @classmethod
    def of(cls, code: str, unit: Unit, numerator: int, denominator: int) -> Result:
        if unit == Unit.COUNT:
            return cls(code, None, None, Decimal(numerator))
        value = (
            (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if denominator
            else None
        )
        return cls(code, numerator, denominator, value)


class TimescaleText:
    """A measure's words that name a timescale: "{cp_visit_wd} working days" is filled in from
    settings.TIMESCALES each time it is read (and "{flow_months}" from the measure's default
    period), so the title, rule and list name always state the timescale the rows apply, for a
    council that sets its own timescales as for a test that overrides them."""

    def __init__(self, template: str) -> None:
        self.template = template

    def __get__(self, obj: object, owner: type[Measure]) -> str:
        from django.conf import settings

        return self.template.format(**settings.TIMESCALES, flow_months=owner.flow_months)


class Measure:
    """Subclass per measure code. Set the class attributes and implement `rows`.

    The title, rule, exception_list and timescale may name a timescale setting in braces
    ("within {icpc_wd} working days", see TimescaleText) rather than repeat its value."""

    TEXTS: ClassVar[tuple[str, ...]] = ("title", "rule", "exception_list", "timescale")

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.TEXTS:
            value = cls.__dict__.get(name)
            if isinstance(value, str) and "{" in value:
                setattr(cls, name, TimescaleText(value))

    code: ClassVar[str]
    title: ClassVar[str]
    section: ClassVar[str]
    unit: ClassVar[Unit]
    better: ClassVar[Better] = Better.NEITHER
    kind: ClassVar[Kind] = Kind.STOCK
    # Flows: the calendar months of the default period ending at the quarter end.
    flow_months: ClassVar[int] = 3
    subject: ClassVar[str] = "child"  # child, worker or event
    # The surgery exception list this measure feeds (None: not worked in surgeries).
    exception_list: ClassVar[str | None] = None
    # False for exception-only definitions (e.g. ICPCs overdue) that are not a scorecard row.
    on_scorecard: ClassVar[bool] = True
    rule: ClassVar[str]
    # For exception rows: what basis_date is ("last seen", "plan started", "strategy discussion")
    # and the timescale in words ("10 working days"), used in the row's rule text.
    basis_label: ClassVar[str] = ""
    timescale: ClassVar[str] = ""

    def row_rule(self, basis_date: date | None, due_date: date | None) -> str:
        """The rule for one exception row, e.g. "last seen 3 Sep 2018, due by 17 Sep 2018:
        10 working days"."""
        parts = []
        if basis_date and self.basis_label:
            parts.append(f"{self.basis_label} {basis_date:%-d %b %Y}")
        if due_date:
            parts.append(f"due by {due_date:%-d %b %Y}")
        text = ", ".join(parts)
        if self.timescale:
            text = f"{text}: {self.timescale}" if text else self.timescale
        return text or self.rule

    def rows(self, period: Period) -> QuerySet:
        """Council-wide rows annotated with ROW_FIELDS. Set-based: no Python loop over records."""
        raise NotImplementedError

    # --- derived: never override these in a measure ----------------------------------------------

    def scoped_rows(self, period: Period, scope: MeasureScope = COUNCIL) -> QuerySet:
        return self.rows(period).filter(scope.row_q())

    def result(self, period: Period, scope: MeasureScope = COUNCIL) -> Result:
        totals = self.scoped_rows(period, scope).aggregate(
            denominator=Count("pk"), numerator=Count("pk", filter=Q(in_numerator=True))
        )
        count = totals["numerator"] if self.unit == Unit.PERCENT else totals["denominator"]
        return Result.of(self.code, self.unit, count, totals["denominator"])

    def failing_q(self) -> Q | None:
        """Which rows are exceptions: the ones on the wrong side of the measure."""
        if self.unit == Unit.COUNT:
            return Q() if self.better == Better.DOWN else None
        if self.better == Better.UP:
            return Q(in_numerator=False)
        if self.better == Better.DOWN:
            return Q(in_numerator=True)
        return None

    def failing(self, period: Period, scope: MeasureScope = COUNCIL) -> QuerySet:
        q = self.failing_q()
        rows = self.scoped_rows(period, scope)
        return rows.filter(q) if q is not None else rows.none()

    def numerator_rows(self, period: Period, scope: MeasureScope = COUNCIL) -> QuerySet:
        rows = self.scoped_rows(period, scope)
        return rows.filter(in_numerator=True) if self.unit == Unit.PERCENT else rows

    def due_soon(self, period: Period, last_due: date, scope: MeasureScope = COUNCIL) -> QuerySet:
        """Rows not (yet) failing whose due date falls on or before `last_due`."""
        q = self.failing_q()
        rows = self.scoped_rows(period, scope).filter(
            due_date__isnull=False, due_date__gte=period.as_at, due_date__lte=last_due
        )
        return rows.exclude(q) if q is not None and q != Q() else rows.none()

    def default_period(self, quarter_end: date) -> Period:
        if self.kind == Kind.STOCK:
            return Period.as_at_date(quarter_end)
        return Period.months_to(quarter_end, self.flow_months)


def no_date() -> Value:
    return Value(None, output_field=DateField())


def const_true() -> Value:
    return Value(True, output_field=BooleanField())


def as_date(expr) -> Cast:
    return Cast(expr, DateField())
