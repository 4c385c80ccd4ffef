"""The synthetic council's surgery history: a monthly surgery per service area over the months
before the reporting date, each run as a chair would run it through the services (agenda chosen,
children discussed with a barrier code, actions agreed, surgery closed), and the actions since
done on time, done late, still open or overdue. Deterministic for a seed.

It lives in surgeries because the case record's demo (casework/demo) must not import
surgeries; `manage.py seed_surgeries` runs it after `seed_demo`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.roles import Role
from casework import workingdays
from casework.calendar import add_months
from casework.models import Child, ServiceArea, Worker
from surgeries import agenda, services
from surgeries.models import Action, BarrierCode, Surgery

# The lists each service area's surgery works (DESIGN.md section 7); others work every list.
AREA_LISTS = {
    "Safeguarding": ["cp_seen_10wd_pct", "cin_seen_pct", "rcpc_overdue"],
    "Assessment": ["open_assessment_in_time_pct", "referral_not_seen", "cin_no_plan_overdue"],
    "Children in care": ["cic_health_check_pct", "cic_dental_check_pct", "cic_3plus_placements"],
    "Care leavers": ["pathway_plan_current_pct", "pathway_plan_in_place_pct"],
    "Disabled children": ["cin_seen_pct", "cin_plan_le_1y_pct"],
    "Front door": ["referral_not_seen", "allocated_pct"],
}
NOTES = (
    "Visit booked for next week; manager to check it is written up.",
    "Family have moved; new address confirmed, visit to follow.",
    "Child seen at school but not recorded: worker to record today.",
    "Worker on leave; visit reallocated to the duty worker.",
    "Strategy discussion held; section 47 enquiries continue.",
    "Plan drafted, awaiting the manager's sign-off.",
    "Health assessment requested from the looked-after children nurse.",
    "Case ready to close: closure summary to be completed.",
    "Parent declined the last visit; unannounced visit agreed.",
    "Agreed at the surgery: escalate to the head of service if not done.",
)
ACTIONS = (
    "Statutory visit and write it up",
    "Record the visit already made",
    "Complete the plan and share it with the family",
    "Book the health assessment",
    "Complete the closure summary",
    "Arrange the review conference",
    "Reallocate to a worker with capacity",
)


@dataclass(frozen=True)
class SeededHistory:
    surgeries: int
    discussions: int
    actions: int
    done: int
    open: int
    overdue: int


def _chair_for(area: ServiceArea) -> User | None:
    """The area's head of service login: the demo chair for its area, otherwise a login of the
    synthetic head of service that cannot sign in (no usable password)."""
    worker = (
        Worker.objects.filter(team__service_area=area, role=Worker.Role.HEAD_OF_SERVICE)
        .select_related("user")
        .order_by("staff_id")
        .first()
    )
    if worker is None:
        return None
    if worker.user is not None:
        return worker.user
    first, _, last = worker.name.partition(" ")
    user, created = User.objects.get_or_create(
        username=f"chair-{slugify(area.name)}",
        defaults={"first_name": first, "last_name": last, "service_area": area},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=Role.HEAD_OF_SERVICE.value)[0])
    Worker.objects.filter(pk=worker.pk).update(user=user)
    return User.objects.get(pk=user.pk)


def meeting_dates(as_at: date, months: int) -> list[date]:
    """One working day a month, the third Wednesday or the working day after, for the `months`
    months up to `as_at` (oldest first); none after `as_at`."""
    days = []
    for back in range(months - 1, -1, -1):
        first = add_months(as_at.replace(day=1), -back)
        wednesday = first + timedelta(days=(2 - first.weekday()) % 7 + 14)
        day = (
            wednesday
            if workingdays.is_working_day(wednesday)
            else (workingdays.add_working_days(wednesday, 1))
        )
        if day <= as_at:
            days.append(day)
    return days


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _settle(action: Action, rng: random.Random, as_at: date) -> str:
    """What has happened to an action since its surgery: done on time, done late, or open."""
    roll = rng.random()
    if roll < 0.55:
        on = min(as_at, workingdays.subtract_working_days(action.due_date, rng.randint(0, 3)))
        on = max(on, action.raised_on)
    elif roll < 0.72:
        on = workingdays.add_working_days(action.due_date, rng.randint(1, 8))
        if on > as_at:
            return "open"
    else:
        return "open"
    Action.objects.filter(pk=action.pk, status=Action.Status.OPEN).update(
        status=Action.Status.DONE,
        outcome_note="Done: recorded on the child's file.",
        completed_on=on,
        completed_at=_aware(on, 16),
    )
    return "done"


@transaction.atomic
def seed_surgery_history(*, as_at: date, seed: int = 1, months: int = 6) -> SeededHistory:
    """A surgery a month per service area with a head of service, for `months` months up to
    `as_at`, each closed; the agenda 12 to 20 children, about two in three discussed, an action
    agreed for about half of those."""
    rng = random.Random(seed)
    barriers = list(BarrierCode.objects.filter(active=True).order_by("position", "pk"))
    counts = {"surgeries": 0, "discussions": 0, "actions": 0, "done": 0, "open": 0}
    for area in ServiceArea.objects.order_by("name"):
        chair = _chair_for(area)
        teams = list(area.teams.order_by("name"))
        if chair is None or not teams:
            continue
        workers = list(Worker.objects.filter(team__in=teams, end_date__isnull=True).order_by("pk"))
        for day in meeting_dates(as_at, months):
            surgery = services.surgery_create(
                user=chair,
                title=f"{area.name} surgery, {day:%B %Y}",
                date=day,
                service_area=area,
                teams=teams,
                lists=AREA_LISTS.get(area.name, []),
                attendees=rng.sample(workers, min(len(workers), rng.randint(4, 8))),
                today=day,
                agenda_size=rng.randint(12, 20),
            )
            counts["surgeries"] += 1
            meeting = agenda.meeting_agenda(user=chair, surgery=surgery, as_at=day)
            children = {c.pk: c for c in Child.objects.filter(pk__in=surgery.agenda_children)}
            for item in meeting.children:
                if rng.random() > 0.67 or not item.rows:
                    continue
                row = item.rows[0]
                barrier = rng.choice(barriers)
                services.surgery_record_discussion(
                    user=chair,
                    surgery=surgery,
                    child=children[item.child_id],
                    note=rng.choice(NOTES),
                    barrier=barrier,
                )
                counts["discussions"] += 1
                if item.open_actions or rng.random() > 0.5 or not row.worker_id:
                    continue
                owner = next((w for w in workers if w.pk == row.worker_id), None)
                if owner is None:
                    continue
                action = services.action_create(
                    user=chair,
                    child=children[item.child_id],
                    list_code=row.list_code,
                    description=rng.choice(ACTIONS),
                    owner=owner,
                    due_date=workingdays.add_working_days(day, rng.randint(5, 15)),
                    barrier=barrier,
                    surgery=surgery,
                    today=day,
                )
                counts["actions"] += 1
                counts[_settle(action, rng, as_at)] += 1
            services.surgery_close(user=chair, surgery=surgery, as_at=day)
            Surgery.objects.filter(pk=surgery.pk).update(closed_at=_aware(day, 12))
    overdue = Action.objects.filter(status=Action.Status.OPEN, due_date__lt=as_at).count()
    return SeededHistory(
        surgeries=counts["surgeries"],
        discussions=counts["discussions"],
        actions=counts["actions"],
        done=counts["done"],
        open=counts["open"],
        overdue=overdue,
    )
