"""seed_demo creates a login for every role, linked to the right workers."""

import pytest
from django.contrib.auth import authenticate

from accounts.models import User
from accounts.roles import Role
from casework.demo.users import DEMO_PASSWORD
from casework.models import Involvement, Worker
from tests.demo.conftest import AS_AT

pytestmark = pytest.mark.usefixtures("small_council")

EXPECTED = {
    "demo-admin": Role.ADMINISTRATOR,
    "demo-performance": Role.PERFORMANCE_OFFICER,
    "demo-chair": Role.HEAD_OF_SERVICE,
    "demo-manager": Role.TEAM_MANAGER,
    "demo-worker": Role.SOCIAL_WORKER,
    "demo-leader": Role.SENIOR_LEADER,
}


def test_every_role_has_a_demo_login_with_the_demo_password():
    for username, role in EXPECTED.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
    admin = User.objects.get(username="demo-admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.groups.filter(name=Role.ADMINISTRATOR.value).exists()
    # The README: performance officers read import runs and quarantined records in the admin.
    officer = User.objects.get(username="demo-performance")
    assert officer.is_staff and not officer.is_superuser


def test_worker_manager_and_chair_are_linked_to_a_safeguarding_team():
    worker = Worker.objects.get(user__username="demo-worker")
    manager = Worker.objects.get(user__username="demo-manager")
    chair_user = User.objects.get(username="demo-chair")
    assert worker.team == manager.team
    assert manager.role == Worker.Role.TEAM_MANAGER
    assert worker.team.service_area.name == "Safeguarding"
    assert chair_user.service_area == worker.team.service_area
    assert chair_user.worker.role == Worker.Role.HEAD_OF_SERVICE
    caseload = Involvement.objects.filter(
        worker=worker, role="allocated", start_date__lte=AS_AT
    ).exclude(end_date__lte=AS_AT)
    assert caseload.count() >= 1


def test_demo_password_logs_in(settings):
    assert authenticate(username="demo-worker", password=DEMO_PASSWORD) is not None
    assert authenticate(username="demo-worker", password="wrong-password-123") is None
