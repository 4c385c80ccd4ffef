"""Demo logins, one per role, created only by `seed_demo` on a DEBUG machine.

The password is a fixed, public, demo-only value: it protects nothing but synthetic data and
must never be used on a real deployment (seed_demo refuses to run when DEBUG is off).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group
from django.db.models import Count, Q

from accounts.models import User
from accounts.roles import Role
from casework.models import Involvement, ServiceArea, Team, Worker

DEMO_PASSWORD = "demo-only-scorecard-2018"  # noqa: S105 - public demo value, synthetic data only

DEMO_USERS = (
    ("demo-admin", Role.ADMINISTRATOR),
    ("demo-performance", Role.PERFORMANCE_OFFICER),
    ("demo-leader", Role.SENIOR_LEADER),
    ("demo-chair", Role.HEAD_OF_SERVICE),
    ("demo-manager", Role.TEAM_MANAGER),
    ("demo-worker", Role.SOCIAL_WORKER),
)


def create_demo_users(as_at: date) -> dict[str, User]:
    """Create (or refresh) the demo logins and link the chair, manager and worker to workers of a
    safeguarding team: the worker holds a caseload at the as-at date."""
    area = ServiceArea.objects.get(name="Safeguarding")
    open_alloc = Q(
        involvements__role=Involvement.Role.ALLOCATED_WORKER,
        involvements__start_date__lte=as_at,
    ) & (Q(involvements__end_date__isnull=True) | Q(involvements__end_date__gt=as_at))
    holders = (
        Worker.objects.filter(
            team__service_area=area,
            role__in=Worker.SOCIAL_WORK_ROLES,
            end_date__isnull=True,
            user__isnull=True,
        )
        .annotate(caseload=Count("involvements", filter=open_alloc))
        .filter(caseload__gte=1)
        .order_by("team__name", "staff_id")
    )
    # A typical caseload if there is one (a small council may have none in that range).
    worker = (
        holders.filter(role=Worker.Role.SOCIAL_WORKER, caseload__gte=8, caseload__lte=20).first()
        or holders.first()
    )
    if worker is None:
        raise ValueError(f"No safeguarding social worker holds a caseload at {as_at}.")
    team: Team = worker.team
    manager = (
        Worker.objects.filter(team=team, role=Worker.Role.TEAM_MANAGER).order_by("staff_id").first()
    )
    chair = (
        Worker.objects.filter(team__service_area=area, role=Worker.Role.HEAD_OF_SERVICE)
        .order_by("staff_id")
        .first()
    )
    links = {"demo-worker": worker, "demo-manager": manager, "demo-chair": chair}
    users: dict[str, User] = {}
    for username, role in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(DEMO_PASSWORD)
        # Performance officers read import runs and quarantined records in the admin.
        user.is_staff = role in (Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER)
        user.is_superuser = role == Role.ADMINISTRATOR
        user.first_name = username.split("-")[1].title()
        user.last_name = "Demo"
        if role == Role.HEAD_OF_SERVICE:
            user.service_area = area
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        linked = links.get(username)
        if linked is not None:
            Worker.objects.filter(pk=linked.pk).update(user=user)
        users[username] = user
    return users
