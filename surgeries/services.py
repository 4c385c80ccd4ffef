"""Writes for surgeries: actions, escalation, digests, surgery meetings. Each function is atomic,
validates before saving, and changes state by a conditional UPDATE whose row count proves who
won (a double click or a second worker finds nothing left to do)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from casework import workingdays
from casework.calendar import add_months
from casework.models import Child, ServiceArea, Team, Worker
from casework.reporting import reporting_date
from casework.scope import Scope, scope_for
from surgeries import lists as ex
from surgeries.models import Action, AgendaItem, BarrierCode, DigestSent, Discussion, Surgery

log = logging.getLogger(__name__)

# Working days an action stays with the team manager before it goes to the head of service.
ESCALATION_STEP_WD = getattr(settings, "SURGERY_ESCALATION_STEP_WD", 5)


class ServiceError(ValidationError):
    """A request the rules refuse; the message is safe to show the user."""


def _site_url(path: str) -> str:
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


# --- actions ------------------------------------------------------------------------------------


def _in_scope_worker(scope: Scope, worker: Worker) -> bool:
    return scope.everything or worker.team_id in scope.team_ids or worker.pk in scope.worker_ids


@transaction.atomic
def action_due_date_problem(due_date: date, today: date) -> str | None:
    """An action is due today or later: one due in the past would be overdue when raised."""
    if due_date < today:
        return f"The due date must be on or after {today.day} {today:%B %Y}"
    return None


def action_create(
    *,
    user: User,
    child: Child,
    list_code: str,
    description: str,
    owner: Worker,
    due_date: date,
    today: date,
    barrier: BarrierCode | None = None,
    surgery: Surgery | None = None,
) -> Action:
    """Raise an action on a child of an exception list. The caller has already found the child
    inside the user's scope; the owner must be too."""
    scope = scope_for(user)
    errors: dict[str, str] = {}
    if list_code not in ex.lists_by_code():
        errors["list_code"] = "Choose the list the action is for"
    if not description.strip():
        errors["description"] = "Enter what needs to be done"
    if not _in_scope_worker(scope, owner):
        errors["owner"] = "Choose an owner from your teams"
    if problem := action_due_date_problem(due_date, today):
        errors["due_date"] = problem
    if surgery is not None and surgery.is_closed:
        errors["__all__"] = "This surgery is closed: its actions can no longer change."
    if barrier is not None and not barrier.active:
        errors["barrier"] = "Choose a current barrier code"
    if errors:
        raise ServiceError(errors)
    action = Action.objects.create(
        child=child,
        list_code=list_code,
        description=description.strip(),
        owner=owner,
        due_date=due_date,
        barrier=barrier,
        surgery=surgery,
        created_by=user,
        raised_on=today,
    )
    log.info("action created id=%s", action.pk)
    return action


def _can_close_action(user: User, action: Action) -> bool:
    worker = getattr(user, "worker", None)
    if worker is not None and worker.pk == action.owner_id:
        return True
    return user.role in {Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR}


def _finish(*, user: User, action: Action, status: str, outcome_note: str, today: date) -> Action:
    if not _can_close_action(user, action):
        raise ServiceError("Only the owner or a manager can close this action.")
    updated = Action.objects.filter(pk=action.pk, status=Action.Status.OPEN).update(
        status=status,
        outcome_note=outcome_note.strip(),
        completed_at=timezone.now(),
        completed_on=today,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise ServiceError("This action has already been closed.")
    action.refresh_from_db()
    log.info("action %s id=%s", status, action.pk)
    return action


@transaction.atomic
def action_complete(*, user: User, action: Action, outcome_note: str, today: date) -> Action:
    if not outcome_note.strip():
        raise ServiceError({"outcome_note": "Enter the outcome."})
    return _finish(
        user=user, action=action, status=Action.Status.DONE, outcome_note=outcome_note, today=today
    )


@transaction.atomic
def action_cancel(*, user: User, action: Action, outcome_note: str, today: date) -> Action:
    if not outcome_note.strip():
        raise ServiceError({"outcome_note": "Enter why the action is cancelled."})
    return _finish(
        user=user,
        action=action,
        status=Action.Status.CANCELLED,
        outcome_note=outcome_note,
        today=today,
    )


# --- escalation ---------------------------------------------------------------------------------


def _team_managers(team_ids: Iterable[int]) -> dict[int, list[User]]:
    managers: dict[int, list[User]] = defaultdict(list)
    workers = Worker.objects.filter(
        team_id__in=list(team_ids),
        user__isnull=False,
        user__is_active=True,
        user__groups__name=Role.TEAM_MANAGER.value,
    ).select_related("user")
    for worker in workers:
        if worker.user is not None:
            managers[worker.team_id].append(worker.user)
    return managers


def _heads_of_service(area_ids: Iterable[int]) -> dict[int, list[User]]:
    heads: dict[int, list[User]] = defaultdict(list)
    area_ids = list(area_ids)
    users = (
        User.objects.filter(is_active=True, groups__name=Role.HEAD_OF_SERVICE.value)
        .filter(Q(service_area_id__in=area_ids) | Q(worker__team__service_area_id__in=area_ids))
        .select_related("worker__team")
        .distinct()
    )
    for user in users:
        area = user.service_area_id or user.worker.team.service_area_id
        heads[area].append(user)
    return heads


@dataclass(frozen=True)
class EscalationResult:
    escalated: int
    emails: int


def escalate_overdue_actions(*, today: date) -> EscalationResult:
    """Move each overdue open action one step up (owner → team manager → head of service) and
    email the new holder. An action reaches the team manager once overdue, and the head of
    service once ESCALATION_STEP_WD more working days have passed. One step per action per day:
    the conditional UPDATE on (level, escalated before today) makes a second run a no-op."""
    now = timezone.now()
    start_of_today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    step_date = workingdays.subtract_working_days(today, ESCALATION_STEP_WD)
    candidates = list(
        Action.objects.filter(status=Action.Status.OPEN, due_date__lt=today)
        .filter(
            Q(escalation_level=Action.Level.OWNER)
            | Q(escalation_level=Action.Level.TEAM_MANAGER, due_date__lt=step_date)
        )
        .filter(Q(escalated_at__isnull=True) | Q(escalated_at__lt=start_of_today))
        .select_related("owner__team")
    )
    managers = _team_managers({a.owner.team_id for a in candidates})
    heads = _heads_of_service({a.owner.team.service_area_id for a in candidates})
    to_notify: dict[int, tuple[User, list[Action]]] = {}
    escalated = 0
    for action in candidates:
        new_level = action.escalation_level + 1
        with transaction.atomic():
            won = Action.objects.filter(
                pk=action.pk,
                status=Action.Status.OPEN,
                escalation_level=action.escalation_level,
            ).update(escalation_level=new_level, escalated_at=now, updated_at=now)
        if won != 1:
            continue
        escalated += 1
        if new_level == Action.Level.TEAM_MANAGER:
            recipients = managers.get(action.owner.team_id, [])
        else:
            recipients = heads.get(action.owner.team.service_area_id, [])
        for user in recipients:
            to_notify.setdefault(user.pk, (user, []))[1].append(action)
    emails = 0
    for user, actions in to_notify.values():
        if not user.email:
            continue
        links = "\n".join(
            _site_url(reverse("surgeries:action_detail", args=[a.public_id])) for a in actions
        )
        send_mail(
            subject=f"{len(actions)} overdue action(s) escalated to you",
            message=(
                f"{len(actions)} overdue action(s) have been escalated to you for follow-up.\n\n"
                f"{links}\n\nAll overdue actions: "
                f"{_site_url(reverse('surgeries:actions_overdue'))}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        emails += 1
    log.info("escalation run escalated=%s emails=%s", escalated, emails)
    return EscalationResult(escalated, emails)


# --- weekly digest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestCounts:
    new_exceptions: int
    due_soon: int
    overdue_actions: int


def digest_counts(*, team_id: int, today: date) -> DigestCounts:
    """For one team: rows that became overdue in the last 7 days, rows due soon, and open actions
    past their due date owned in the team."""
    scope = Scope(team_ids=frozenset({team_id}))
    counts = ex.exception_counts(scope=scope, as_at=today)
    week_ago = today - timedelta(days=7)
    overdue = ex.compiled_rows(
        scope=scope, as_at=today, filters=ex.RowFilter(kind=ex.OVERDUE), columns=ex.COLUMNS
    )
    # Rows that fell overdue in the last week: due dates from a week ago up to today.
    recent = ex.fetch_rows(overdue, as_at=today, sort="-due", limit=100_000)
    new = sum(1 for r in recent if r["r_due"] and r["r_due"] >= week_ago)
    overdue_actions = Action.objects.filter(
        status=Action.Status.OPEN, due_date__lt=today, owner__team_id=team_id
    ).count()
    due_soon = sum(c.get(ex.DUE_SOON, 0) for c in counts.by_list.values())
    return DigestCounts(new, due_soon, overdue_actions)


def send_weekly_digests(*, today: date) -> int:
    """Email each team manager their team's counts and links: no names. Once per manager per
    week (a unique row claims the week before the email goes)."""
    week_start = today - timedelta(days=today.weekday())
    managers = Worker.objects.filter(
        user__isnull=False,
        user__is_active=True,
        user__groups__name=Role.TEAM_MANAGER.value,
    ).select_related("user")
    sent = 0
    for worker in managers:
        user = worker.user
        if user is None or not user.email:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, week_start=week_start)
        except IntegrityError:
            continue  # already sent this week
        counts = digest_counts(team_id=worker.team_id, today=today)
        send_mail(
            subject=f"Weekly surgery digest: week of {week_start:%-d %B %Y}",
            message=(
                f"Your team's exception lists as at {today:%-d %B %Y}:\n\n"
                f"- New exceptions in the last week: {counts.new_exceptions}\n"
                f"- Due soon: {counts.due_soon}\n"
                f"- Overdue actions: {counts.overdue_actions}\n\n"
                f"Workbench: {_site_url(reverse('surgeries:workbench'))}\n"
                f"Overdue actions: {_site_url(reverse('surgeries:actions_overdue'))}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    log.info("weekly digests sent=%s", sent)
    return sent


# --- surgeries ----------------------------------------------------------------------------------


# How many children a chair may ask for: a handful to a long afternoon.
MIN_AGENDA, MAX_AGENDA = 5, 200


def meeting_date_window(today: date) -> tuple[date, date]:
    """The meeting dates a surgery may have: SURGERY_DATE_MONTHS_BACK calendar months before
    the app's current date to SURGERY_DATE_MONTHS_AHEAD after it. A surgery's agenda is shown
    through the user's scope today, so a meeting far in the past (or future) would be built from
    lists and team membership that no longer hold: refused rather than half shown."""
    return (
        add_months(today, -settings.SURGERY_DATE_MONTHS_BACK),
        add_months(today, settings.SURGERY_DATE_MONTHS_AHEAD),
    )


def scope_key(*, service_area: ServiceArea | None, teams: Iterable[Team]) -> str:
    if service_area is not None:
        return f"area:{service_area.pk}"
    return "teams:" + ",".join(str(pk) for pk in sorted(t.pk for t in teams))


@transaction.atomic
def surgery_create(
    *,
    user: User,
    title: str,
    date: date,
    service_area: ServiceArea | None,
    teams: Iterable[Team],
    lists: Iterable[str],
    attendees: Iterable[Worker] = (),
    today: date | None = None,
    agenda_size: int = 40,
) -> Surgery:
    """A head of service chairs for their service area or some of its teams; a team manager for
    their own team. `lists` empty means every list. The meeting date must lie inside
    `meeting_date_window` of `today` (the app's current date when not given). The agenda's
    children are chosen now (`surgeries.agenda.choose_agenda`), `agenda_size` of them."""
    from surgeries import agenda

    scope = scope_for(user)
    teams = list(teams)
    attendees = list(attendees)
    codes = list(dict.fromkeys(lists))
    errors: dict[str, str] = {}
    if user.role not in (Role.HEAD_OF_SERVICE, Role.TEAM_MANAGER) or scope.is_empty:
        raise ServiceError("Only a head of service or a team manager can chair a surgery.")
    if not title.strip():
        errors["title"] = "Enter a title."
    earliest, latest = meeting_date_window(today or reporting_date())
    if date < earliest:
        errors["date"] = (
            f"The meeting date must be on or after {earliest:%-d %B %Y}: a surgery cannot be "
            f"held more than {_months(settings.SURGERY_DATE_MONTHS_BACK)} back"
        )
    elif date > latest:
        errors["date"] = (
            f"The meeting date must be on or before {latest:%-d %B %Y}: a surgery cannot be "
            f"planned more than {_months(settings.SURGERY_DATE_MONTHS_AHEAD)} ahead"
        )
    if service_area is not None:
        if user.role != Role.HEAD_OF_SERVICE:
            errors["service_area"] = "Only a head of service can hold a service area surgery."
        teams = list(Team.objects.filter(service_area=service_area))
    if not teams:
        errors["teams"] = "Choose a service area or at least one team."
    elif not all(t.pk in scope.team_ids or scope.everything for t in teams):
        errors["teams"] = "Choose only teams you manage."
    known = ex.lists_by_code()
    if any(code not in known for code in codes):
        errors["lists"] = "Choose lists from the options."
    if not all(_in_scope_worker(scope, w) for w in attendees):
        errors["attendees"] = "Choose attendees from your teams."
    if not MIN_AGENDA <= agenda_size <= MAX_AGENDA:
        errors["agenda_size"] = (
            f"The agenda size must be between {MIN_AGENDA} and {MAX_AGENDA} children"
        )
    if errors:
        raise ServiceError(errors)
    surgery = Surgery.objects.create(
        title=title.strip(),
        date=date,
        chair=user,
        service_area=service_area,
        lists=codes or list(known),
        scope_key=scope_key(service_area=service_area, teams=teams),
        agenda_size=agenda_size,
    )
    surgery.teams.set(teams)
    surgery.attendees.set(attendees)
    surgery.agenda_children = agenda.choose_agenda(
        user=user, surgery=surgery, as_at=today or reporting_date()
    )
    surgery.save(update_fields=["agenda_children"])
    log.info("surgery created id=%s", surgery.pk)
    return surgery


def _months(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _chair_only(user: User, surgery: Surgery) -> None:
    if surgery.chair_id != user.pk:
        raise ServiceError("Only the chair can change this surgery.")
    if surgery.is_closed:
        raise ServiceError("This surgery is closed: its record can no longer change.")


@transaction.atomic
def surgery_record_discussion(
    *, user: User, surgery: Surgery, child: Child, note: str, barrier: BarrierCode | None
) -> Discussion:
    _chair_only(user, surgery)
    discussion, _ = Discussion.objects.update_or_create(
        surgery=surgery,
        child=child,
        defaults={"note": note.strip(), "barrier": barrier, "recorded_by": user},
    )
    return discussion


@transaction.atomic
def surgery_close(*, user: User, surgery: Surgery, as_at: date) -> Surgery:
    """Freeze the agenda: the exception rows as at the meeting date and the carried-forward
    actions become AgendaItem rows with the discussion recorded for each child. The status
    change is a conditional UPDATE, so a second close (or a race) changes nothing."""
    from surgeries import queries

    _chair_only(user, surgery)
    now = timezone.now()
    won = Surgery.objects.filter(pk=surgery.pk, status=Surgery.Status.OPEN).update(
        status=Surgery.Status.CLOSED, closed_at=now, updated_at=now
    )
    if won != 1:
        raise ServiceError("This surgery is already closed.")
    team_ids = queries.surgery_team_ids(surgery)
    rows = queries.live_agenda_rows(user=user, surgery=surgery, team_ids=team_ids, as_at=as_at)
    carried = list(queries.carried_forward_actions(user=user, surgery=surgery, as_at=as_at))
    discussions = {d.child_id: d for d in Discussion.objects.filter(surgery=surgery)}
    items = []
    for position, row in enumerate(rows, start=1):
        d = discussions.get(row.child_id)
        items.append(
            AgendaItem(
                surgery=surgery,
                position=position,
                kind=row.kind,
                child_id=row.child_id,
                list_code=row.list_code,
                list_label=row.list_label[:200],
                category=row.category,
                worker_id=row.worker_id,
                team_id=row.team_id,
                due_date=row.due_date,
                days_overdue=row.days_overdue,
                rule=row.rule[:300],
                note=d.note if d else "",
                barrier_id=d.barrier_id if d else None,
            )
        )
    lists = ex.lists_by_code()
    for position, action in enumerate(carried, start=len(items) + 1):
        d = discussions.get(action.child_id)
        listdef = lists.get(action.list_code)
        items.append(
            AgendaItem(
                surgery=surgery,
                position=position,
                kind=AgendaItem.Kind.CARRIED,
                child_id=action.child_id,
                list_code=action.list_code,
                list_label=(listdef.label if listdef else action.list_code)[:200],
                worker_id=action.owner_id,
                team_id=action.owner.team_id,
                due_date=action.due_date,
                note=d.note if d else "",
                barrier_id=d.barrier_id if d else None,
                carried_action=action,
            )
        )
    AgendaItem.objects.bulk_create(items, batch_size=500)
    surgery.refresh_from_db()
    log.info("surgery closed id=%s items=%s", surgery.pk, len(items))
    return surgery
