"""Writes to the case record. Each service validates everything before it saves, inside one
transaction, so bad input changes nothing. Rule failures raise ValidationError keyed by field so
a form can show them against the right question."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from casework.models import Child, HealthCheck, Visit, Worker
from casework.reporting import long_date, reporting_date, reporting_now

# Sent inside the transaction of a write to a child's record made through the app (`child_id`):
# derived data kept per child (the stored exception lists, surgeries/workbench.py) is rewritten
# in the same transaction.
child_record_changed = Signal()


def _lock_child(child: Child) -> Child:
    # Serialises writes for one child so two people submitting the same visit at once cannot
    # both pass the duplicate check (PostgreSQL row lock; SQLite already serialises writers).
    return Child.objects.select_for_update().get(pk=child.pk)


def _date_errors(child: Child, day: date, today: date, what: str) -> list[str]:
    """Dates of the case record are never in the future: `today` is the app's clock
    (casework.reporting), so in the demo a date after its reporting date is refused too."""
    errors = []
    if day > today:
        errors.append(f"The {what} must be today or in the past (today is {long_date(today)})")
    if child.date_of_birth and day < child.date_of_birth:
        errors.append(f"The {what} must be on or after the child's date of birth")
    if child.date_of_death and day > child.date_of_death:
        errors.append(f"The {what} must be on or before the child's date of death")
    return errors


@transaction.atomic
def visit_record(
    *,
    child: Child,
    worker: Worker | None,
    date: date,
    visit_type: str,
    child_seen: bool,
    seen_alone: bool,
    recorded_at: datetime | None = None,
) -> Visit:
    """Record a statutory or other visit to a child. `recorded_at` is when it was written up
    (now on the app's clock, by default): the recording delay is itself measured
    (visit_recorded_late_pct)."""
    recorded_at = recorded_at or reporting_now()
    child = _lock_child(child)
    errors: dict[str, list[str]] = {}
    date_errors = _date_errors(child, date, timezone.localdate(recorded_at), "date of the visit")
    if date_errors:
        errors["date"] = date_errors
    if visit_type not in Visit.Type.values:
        errors["visit_type"] = ["Select the type of visit"]
    if seen_alone and not child_seen:
        errors["seen_alone"] = ["A child who was not seen cannot have been seen alone: select no"]
    if not errors and Visit.objects.filter(child=child, date=date, visit_type=visit_type).exists():
        label = Visit.Type(visit_type).label.lower()
        errors["date"] = [
            f"A {label} on {date:%-d %B %Y} is already recorded for this child: "
            "check the visits tab"
        ]
    if errors:
        raise ValidationError(errors)
    visit = Visit(
        child=child,
        worker=worker,
        date=date,
        visit_type=visit_type,
        child_seen=child_seen,
        seen_alone=seen_alone,
        recorded_at=recorded_at,
    )
    # The child was just read (and locked) by primary key and the worker is a loaded row, so
    # their existence is not checked again; the new public id is a fresh uuid4 (the unique index
    # still guards it); the seen-alone rule was checked above (the constraint still guards it).
    # Four statements fewer on every visit recorded (G9: at most 15 with the lists' refresh).
    visit.full_clean(exclude=["child", "worker", "public_id"], validate_constraints=False)
    visit.save()
    child_record_changed.send(sender=Visit, child_id=child.pk)
    return visit


@transaction.atomic
def health_check_record(
    *, child: Child, kind: str, date: date, today: date | None = None
) -> HealthCheck:
    """Record a health assessment, dental check or development check for a child."""
    today = today or reporting_date()
    child = _lock_child(child)
    errors: dict[str, list[str]] = {}
    date_errors = _date_errors(child, date, today, "date of the check")
    if date_errors:
        errors["date"] = date_errors
    if kind not in HealthCheck.Kind.values:
        errors["kind"] = ["Select the type of check"]
    if not errors and HealthCheck.objects.filter(child=child, kind=kind, date=date).exists():
        label = HealthCheck.Kind(kind).label.lower()
        errors["date"] = [f"A {label} on {date:%-d %B %Y} is already recorded for this child"]
    if errors:
        raise ValidationError(errors)
    check = HealthCheck(child=child, kind=kind, date=date)
    check.full_clean()
    check.save()
    child_record_changed.send(sender=HealthCheck, child_id=child.pk)
    return check
