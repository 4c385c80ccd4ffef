"""Writes to the case record. Each service validates everything before it saves, inside one
transaction, so bad input changes nothing. Rule failures raise ValidationError keyed by field so
a form can show them against the right question."""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from casework.importers.ssda903_history import merge
from casework.models import CareEpisode, Child, HealthCheck, OpenEpisodeDecision, Visit, Worker
from casework.reporting import long_date, reporting_date, reporting_now
from casework.signals import child_records_changed

# Sent inside the transaction of a write to a child's record made through the app (`child_id`):
# derived data kept per child (the stored exception lists, surgeries/lists/stored.py) is rewritten
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


def _visit_errors(
    child: Child,
    *,
    date: date,
    visit_type: str,
    child_seen: bool,
    seen_alone: bool,
    today: date,
    other_than: int | None = None,
) -> dict[str, list[str]]:
    """The rules of a visit, for recording and correcting it alike."""
    errors: dict[str, list[str]] = {}
    date_errors = _date_errors(child, date, today, "date of the visit")
    if date_errors:
        errors["date"] = date_errors
    if visit_type not in Visit.Type.values:
        errors["visit_type"] = ["Select the type of visit"]
    if seen_alone and not child_seen:
        errors["seen_alone"] = ["A child who was not seen cannot have been seen alone: select no"]
    if not errors:
        same = Visit.objects.filter(child=child, date=date, visit_type=visit_type)
        if other_than is not None:
            same = same.exclude(pk=other_than)
        if same.exists():
            label = Visit.Type(visit_type).label.lower()
            errors["date"] = [
                f"A {label} on {date:%-d %B %Y} is already recorded for this child: "
                "check the visits tab"
            ]
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
    errors = _visit_errors(
        child,
        date=date,
        visit_type=visit_type,
        child_seen=child_seen,
        seen_alone=seen_alone,
        today=timezone.localdate(recorded_at),
    )
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


# --- Corrections --------------------------------------------------------------------------------

# Who may correct any visit of a child in their scope, whenever it was written up: the people who
# answer for the record's quality. Everyone else only their own visits, inside the window.
CORRECTING_MANAGERS = {Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR}
REASON_MAX = 100  # django-simple-history's history_change_reason column


def visit_correction_refusal(*, user: User, visit: Visit, now: datetime | None = None) -> str:
    """Why this user may not correct or withdraw this visit, or "" if they may.

    A worker corrects their own visit within settings.VISIT_CORRECTION_DAYS of writing it up
    (a slip is caught while the visit is fresh); after that, or for another worker's visit, a
    team manager, head of service or administrator does it, so late changes to the evidence of
    statutory visits pass through someone accountable for the figures. The view has already
    checked the child is in the user's scope."""
    if user.role in CORRECTING_MANAGERS:
        return ""
    days = settings.VISIT_CORRECTION_DAYS
    worker = getattr(user, "worker", None)
    if worker is None or visit.worker_id != worker.pk:
        return (
            "Only the worker who recorded a visit can correct or withdraw it. "
            "Ask a team manager to do it."
        )
    now = now or reporting_now()
    if now - visit.recorded_at > timedelta(days=days):
        return (
            f"You can correct or withdraw your visit for {days} days after you wrote it up "
            f"(you wrote this one up on {long_date(timezone.localdate(visit.recorded_at))}). "
            "Ask a team manager to do it."
        )
    return ""


def _reason_errors(reason: str, what: str) -> list[str]:
    if not reason.strip():
        return [f"Enter why the visit is being {what}"]
    if len(reason.strip()) > REASON_MAX:
        return [f"The reason must be {REASON_MAX} characters or fewer"]
    return []


@transaction.atomic
def visit_correct(
    *,
    user: User,
    visit: Visit,
    date: date,
    visit_type: str,
    child_seen: bool,
    seen_alone: bool,
    reason: str,
) -> Visit:
    """Correct a visit recorded by mistake (wrong date, type or answers). The previous version
    and the reason stay in the record's change history; the child's stored exception rows are
    rewritten in the same transaction, so the lists follow at once."""
    child = _lock_child(visit.child)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    refusal = visit_correction_refusal(user=user, visit=visit)
    if refusal:
        raise PermissionDenied(refusal)
    errors = _visit_errors(
        child,
        date=date,
        visit_type=visit_type,
        child_seen=child_seen,
        seen_alone=seen_alone,
        today=reporting_date(),
        other_than=visit.pk,
    )
    if reason_errors := _reason_errors(reason, "corrected"):
        errors["reason"] = reason_errors
    unchanged = (visit.date, visit.visit_type, visit.child_seen, visit.seen_alone) == (
        date,
        visit_type,
        child_seen,
        seen_alone,
    )
    if unchanged and not errors:
        errors["date"] = ["Nothing has changed: change the answer that is wrong, or go back"]
    if errors:
        raise ValidationError(errors)
    visit.date, visit.visit_type = date, visit_type
    visit.child_seen, visit.seen_alone = child_seen, seen_alone
    visit._change_reason = f"Corrected: {reason.strip()}"  # type: ignore[attr-defined]
    visit._history_user = user  # type: ignore[attr-defined]
    visit.save()
    child_record_changed.send(sender=Visit, child_id=child.pk)
    return visit


@transaction.atomic
def visit_withdraw(*, user: User, visit: Visit, reason: str) -> None:
    """Withdraw a visit that did not happen or was recorded on the wrong child. The row goes (so
    no measure counts it) and its last version, who withdrew it and why stay in the change
    history."""
    child = _lock_child(visit.child)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    refusal = visit_correction_refusal(user=user, visit=visit)
    if refusal:
        raise PermissionDenied(refusal)
    if reason_errors := _reason_errors(reason, "withdrawn"):
        raise ValidationError({"reason": reason_errors})
    visit._change_reason = f"Withdrawn: {reason.strip()}"  # type: ignore[attr-defined]
    visit._history_user = user  # type: ignore[attr-defined]
    visit.delete()
    child_record_changed.send(sender=Visit, child_id=child.pk)


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
