"""seed_demo and demo_password: DEBUG only, --if-empty, the printed password."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.demo.users import DEMO_PASSWORD
from casework.models import Child, Referral
from tests import factories as f


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", scale=0.02, no_rollup=True, no_progress=True)
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_demo_password_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_password")


def test_demo_password_prints_a_long_password(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_password", stdout=out)
    assert out.getvalue().strip() == DEMO_PASSWORD
    assert len(DEMO_PASSWORD) >= 12


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_case_record_alone(settings):
    settings.DEBUG = True
    f.ReferralFactory()
    out = StringIO()
    call_command("seed_demo", if_empty=True, no_rollup=True, no_progress=True, stdout=out)
    assert "nothing to do" in out.getvalue()
    assert Child.objects.count() == 1
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_seed_demo_scales_the_council(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", scale=0.02, seed=3, no_rollup=True, no_progress=True, stdout=out)
    small = Child.objects.count()
    assert small > 500
    assert "rows in" in out.getvalue()
