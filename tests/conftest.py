"""The standard cast: two service areas, three teams, a user for every role, and a child in each
team. Also the service guards: a test marked `postgres` or `redis` skips without the service
(`e2e` without Debian's Chromium), except under CI=true, where it fails instead."""

import importlib.util
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from casework.models import Child, Team, Worker
from tests import factories as f
from tests.e2e.live_server import live_server  # noqa: F401  (every browser test's server)

pytest_plugins = ["tests.worker"]

REPORTING_DATE = date(2018, 9, 30)
DEMO_PASSWORD = "correct-horse-battery-staple"


def _postgres_available() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


def _redis_available() -> bool:
    return bool(os.environ.get("CELERY_BROKER_URL", "").startswith("redis"))


def chromium_path() -> str | None:
    """Debian's Chromium, or `chromium` on PATH. E2E_CHROMIUM names another executable (a path
    that does not exist shows what a machine without a browser does)."""
    wanted = os.environ.get("E2E_CHROMIUM")
    if wanted:
        return wanted if os.access(wanted, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _chromium_available() -> bool:
    return chromium_path() is not None and importlib.util.find_spec("playwright") is not None


def pytest_addoption(parser):
    parser.addoption(
        "--transactional",
        choices=("include", "only", "exclude"),
        default="include",
        help=(
            "include: every test, the transactional ones last (the default); exclude: all but the "
            "transactional tests, which is what runs in parallel processes (`make test`'s first "
            "pass); only: the transactional tests, in one process (its second pass). See "
            "'Order and isolation' below."
        ),
    )


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering, for _transactional_tests_last
def pytest_collection_modifyitems(config, items):
    _transactional_tests_last(items)
    _keep_transactional(config, items)
    in_ci = os.environ.get("CI", "").lower() == "true"
    for item in items:
        missing = []
        if item.get_closest_marker("e2e") and not _chromium_available():
            missing.append(
                "Chromium for the browser tests (apt-get install chromium; or E2E_CHROMIUM=path)"
            )
        if item.get_closest_marker("postgres") and not _postgres_available():
            missing.append("PostgreSQL (set DATABASE_URL=postgres://...)")
        if item.get_closest_marker("redis") and not _redis_available():
            missing.append("Redis and a Celery worker (set CELERY_BROKER_URL=redis://...)")
        if missing:
            reason = "needs " + " and ".join(missing)
            if in_ci:
                # The fixture fails the test at set-up: CI must not pass without its services.
                item.stash[_MISSING] = reason
                item.add_marker(pytest.mark.usefixtures("_fail_missing_service"))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


_MISSING = pytest.StashKey[str]()


@pytest.fixture
def _fail_missing_service(request):
    reason = request.node.stash.get(_MISSING, "a service")
    pytest.fail(f"CI=true and this test {reason}: it must run in CI, not skip")


# --- Order and isolation -------------------------------------------------------------------------
# Transactional tests (transactional_db, live_server: the real Celery workers, the browser tests)
# commit, and end by emptying every table, the rows migrations made included. So, whatever order
# the suite runs in:
# - they run after every other test, the ones that reach the database from a module fixture
#   (django_db_blocker.unblock()) too, which pytest-django counts as "no database" and would
#   otherwise put after them, on an empty database;
# - each restores the migrations' rows when it starts: serialized rollback for every app but
#   casework, and the working-day calendar (casework, not serialized: 13,000 rows) rebuilt in
#   bulk. Without serialized rollback, a transactional test's flush re-creates content types
#   and permissions with new ids, and the next serialized test fails with a duplicate key.
# tests/e2e keeps one committed council for the folder and restores the rows itself.


def _transactional(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )


def _in_e2e_folder(item: pytest.Item) -> bool:
    return "e2e" in Path(str(item.path)).relative_to(Path(__file__).parent).parts[:1]


def _keep_transactional(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--transactional=exclude|only splits the suite in two. pytest-xdist hands each process
    whole files in whatever order they come, so one process would run a transactional test (which
    ends by emptying every table) before the database tests that rely on the migrations' rows:
    the transactional tests therefore run after the others, in a pass of their own."""
    wanted = config.getoption("transactional")
    if wanted == "include":
        return
    keep = [item for item in items if _transactional(item) == (wanted == "only")]
    if len(keep) != len(items):
        chosen = set(keep)
        config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
        items[:] = keep


def _transactional_tests_last(items: list[pytest.Item]) -> None:
    """Runs after pytest-django's ordering (database tests, transactional tests, the rest)."""
    transactional = [item for item in items if _transactional(item)]
    if not transactional:
        return
    chosen = set(transactional)
    items[:] = [item for item in items if item not in chosen] + transactional
    for item in transactional:
        if not _in_e2e_folder(item):
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )


@pytest.fixture(autouse=True)
def _migration_rows(request):
    """A transactional test starts with the migrations' rows (see above)."""
    if not _transactional(request.node) or _in_e2e_folder(request.node):
        yield
        return
    request.getfixturevalue("transactional_db")
    from casework import workingdays
    from casework.models import CalendarDay

    if not CalendarDay.objects.exists():
        workingdays.rebuild()
    yield


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Every test starts with the process caches a test run on its own starts with: the
    in-memory working-day calendar (reloaded after 5 minutes, so a warm copy from an earlier
    test could expire between a test's warm-up and its measured request, and one loaded inside
    a rolled-back test holds that test's closure days) and the compiled exception unions keyed
    by it."""
    from casework import workingdays
    from surgeries import lists as exceptions

    workingdays.clear_cache()
    exceptions.clear_compiled_cache()
    yield


# The settings the autouse `_reporting_date` fixture gives each test, for fixtures of a wider
# scope that build rows before any test's `settings` fixture is set up (a user made outside them
# would get the production Argon2 hash, which is slow on purpose).
TEST_SETTINGS = {
    "REPORTING_DATE": REPORTING_DATE,
    "AXES_ENABLED": False,
    "OTP_ENFORCED": False,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(autouse=True)
def _reporting_date(settings):
    # The second factor has its own tests (tests/accounts/); elsewhere a forced login is enough.
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)


@dataclass
class Cast:
    """Who is who in the standard cast."""

    area_a: object
    area_b: object
    team_a1: Team
    team_a2: Team
    team_b1: Team
    worker_a1: Worker
    worker_a2: Worker
    worker_b1: Worker
    child_a1: Child
    child_a2: Child
    child_b1: Child
    social_worker: object
    manager_a1: object
    manager_a2: object
    manager_b1: object
    chair_a: object
    leader: object
    performance: object
    admin: object

    def users(self) -> dict[str, object]:
        return {
            "social_worker": self.social_worker,
            "team_manager": self.manager_a1,
            "head_of_service": self.chair_a,
            "senior_leader": self.leader,
            "performance_officer": self.performance,
            "administrator": self.admin,
        }


def make_user(username: str, role: Role, *, worker: Worker | None = None, **extra):
    from accounts.models import User

    user = User.objects.create_user(username=username, password=DEMO_PASSWORD, **extra)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if worker is not None:
        worker.user = user
        worker.save(update_fields=["user"])
    return User.objects.get(pk=user.pk)


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


def build_cast() -> Cast:
    """The standard cast's rows (the `cast` fixture; tests/security builds it once a module)."""
    area_a = f.ServiceAreaFactory(name="Safeguarding")
    area_b = f.ServiceAreaFactory(name="Children in care")
    team_a1 = f.TeamFactory(name="Safeguarding North", service_area=area_a)
    team_a2 = f.TeamFactory(name="Safeguarding South", service_area=area_a)
    team_b1 = f.TeamFactory(
        name="Children in Care East", service_area=area_b, kind=Team.Kind.CHILDREN_IN_CARE
    )
    worker_a1 = f.WorkerFactory(team=team_a1, name="Sam Worker")
    worker_a2 = f.WorkerFactory(team=team_a2)
    worker_b1 = f.WorkerFactory(team=team_b1)
    tm_a1 = f.WorkerFactory(team=team_a1, role=Worker.Role.TEAM_MANAGER)
    tm_a2 = f.WorkerFactory(team=team_a2, role=Worker.Role.TEAM_MANAGER)
    tm_b1 = f.WorkerFactory(team=team_b1, role=Worker.Role.TEAM_MANAGER)
    hos_a = f.WorkerFactory(team=team_a1, role=Worker.Role.HEAD_OF_SERVICE)
    children = []
    for team, worker in ((team_a1, worker_a1), (team_a2, worker_a2), (team_b1, worker_b1)):
        child = f.ChildFactory()
        f.ReferralFactory(child=child, team=team, referral_date=date(2018, 1, 2))
        f.InvolvementFactory(child=child, worker=worker, team=team, start_date=date(2018, 1, 3))
        children.append(child)
    return Cast(
        area_a=area_a,
        area_b=area_b,
        team_a1=team_a1,
        team_a2=team_a2,
        team_b1=team_b1,
        worker_a1=worker_a1,
        worker_a2=worker_a2,
        worker_b1=worker_b1,
        child_a1=children[0],
        child_a2=children[1],
        child_b1=children[2],
        social_worker=make_user("sw", Role.SOCIAL_WORKER, worker=worker_a1),
        manager_a1=make_user("tm-a1", Role.TEAM_MANAGER, worker=tm_a1),
        manager_a2=make_user("tm-a2", Role.TEAM_MANAGER, worker=tm_a2),
        manager_b1=make_user("tm-b1", Role.TEAM_MANAGER, worker=tm_b1),
        chair_a=make_user("chair-a", Role.HEAD_OF_SERVICE, worker=hos_a),
        leader=make_user("leader", Role.SENIOR_LEADER),
        performance=make_user("perf", Role.PERFORMANCE_OFFICER),
        admin=make_user("admin", Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
    )


@pytest.fixture
def as_user(client):
    """Log the test client in as a user, passing any second-factor check."""

    def login(user):
        client.force_login(user)
        return client

    return login


def date_input(name: str, iso_day: str) -> dict[str, str]:
    """A GOV.UK date input's three boxes (day, month, year) as a form posts them."""
    year, month, day = iso_day.split("-")
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}
