"""Writes to the case record. Each service validates everything before it saves, inside one
transaction, so bad input changes nothing. Rule failures raise ValidationError keyed by field so
a form can show them against the right question."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from casework.importers.ssda903_history import merge
from casework.models import CareEpisode, Child, HealthCheck, OpenEpisodeDecision, Visit, Worker

# Sent inside the transaction of a write to a child's record made through the app (`child_id`):
# derived data kept per child (the stored exception lists, surgeries/lists/stored.py) is rewritten
# in the same transaction.
child_record_changed = Signal()


def _lock_child(child: Child) -> Child:
    # Serialises writes for one child so two people submitting the same visit at once cannot
    # both pass the duplicate check (PostgreSQL row lock; SQLite already serialises writers).
    return Child.objects.select_for_update().get(pk=child.pk)


def _date_errors(child: Child, day: date, today: date, what: str) -> list[str]:
    errors = []
    if day > today:
        errors.append(f"The {what} must be today or in the past")
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
    (now, by default): the recording delay is itself measured (visit_recorded_late_pct)."""
    recorded_at = recorded_at or timezone.now()
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
    # Four statements fewer on every visit recorded, which must stay within 15 statements with
    # the surgery lists' refresh (docs/performance.md).
    visit.full_clean(exclude=["child", "worker", "public_id"], validate_constraints=False)
    visit.save()
    child_record_changed.send(sender=Visit, child_id=child.pk)
    return visit


@transaction.atomic
def health_check_record(
    *, child: Child, kind: str, date: date, today: date | None = None
) -> HealthCheck:
    """Record a health assessment, dental check or development check for a child."""
    today = today or timezone.localdate()
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


@transaction.atomic
def open_episode_decide(*, decision: OpenEpisodeDecision, choice: str, user: Any) -> None:
    """Record what to do with an episode open at the end of its last return and missing from a
    later return: keep it open as reported, or close it at 31 March of the year last reported
    (the later return is authoritative for its own year). The care history of the child is
    rebuilt from the returns with the choice applied."""
    if choice not in (OpenEpisodeDecision.Choice.KEEP_OPEN, OpenEpisodeDecision.Choice.CLOSE):
        raise ValidationError({"choice": ["Select keep open or close"]})
    # Row lock: two officers deciding the same episode at once must not interleave rebuilds.
    decision = OpenEpisodeDecision.objects.select_for_update().get(pk=decision.pk)
    if choice == OpenEpisodeDecision.Choice.KEEP_OPEN:
        later = (
            CareEpisode.objects.filter(
                child_id=decision.child_id, start_date__gt=decision.start_date
            )
            .order_by("start_date")
            .first()
        )
        if later is not None:
            raise ValidationError(
                {
                    "choice": [
                        f"The child has a later episode starting {later.start_date:%-d %B %Y}: "
                        "kept open, the two would overlap. Close it, or correct the return."
                    ]
                }
            )
    decision.choice = choice
    decision.decided_by = user
    decision.decided_at = timezone.now()
    decision.save(update_fields=["choice", "decided_by", "decided_at", "updated_at"])
    outcome = merge([], years=set(), new_children=set(), la_ids={}, children={decision.child_id})
    child_records_changed.send(
        sender=OpenEpisodeDecision, child_ids=outcome.touched | {decision.child_id}
    )


# Sent with the ids of the children whose case record a bulk change (an import, a decision on
# the returns' history) touched; the layers above refresh what they store about them.
child_records_changed = Signal()
