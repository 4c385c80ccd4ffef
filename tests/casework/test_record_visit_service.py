"""visit_record and health_check_record validate everything before saving and leave nothing
behind when they refuse or fail."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from casework.models import HealthCheck, Visit
from casework.services import health_check_record, visit_record
from tests.factories import aware


def _visit(cast, **overrides):
    args = {
        "child": cast.child_a1,
        "worker": cast.worker_a1,
        "date": date(2018, 9, 3),
        "visit_type": Visit.Type.CP,
        "child_seen": True,
        "seen_alone": False,
        "recorded_at": aware(date(2018, 9, 5)),
    }
    args.update(overrides)
    return visit_record(**args)


def test_visit_is_saved_with_when_it_was_written_up(cast):
    visit = _visit(cast)
    assert visit.recorded_at == aware(date(2018, 9, 5))
    assert Visit.objects.get() == visit


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": date(2018, 9, 6)}, "date"),  # after it was written up: in the future then
        ({"date": date(2010, 5, 16)}, "date"),  # the day before the date of birth
        ({"child_seen": False, "seen_alone": True}, "seen_alone"),
        ({"visit_type": "phone"}, "visit_type"),
    ],
)
def test_invalid_visit_is_refused_against_its_field(cast, overrides, field):
    with pytest.raises(ValidationError) as refused:
        _visit(cast, **overrides)
    assert field in refused.value.message_dict
    assert not Visit.objects.exists()


def test_visit_on_the_date_of_birth_is_allowed(cast):
    _visit(cast, date=date(2010, 5, 17))
    assert Visit.objects.count() == 1


def test_failure_while_saving_rolls_back(cast):
    failing_save = mock.patch.object(Visit, "save", side_effect=IntegrityError("boom"))
    with failing_save, pytest.raises(IntegrityError):
        _visit(cast)
    assert not Visit.objects.exists()


def test_health_check_duplicate_is_refused_and_a_new_kind_is_not(cast):
    health_check_record(child=cast.child_a1, kind="health", date=date(2018, 3, 1))
    with pytest.raises(ValidationError, match="already recorded"):
        health_check_record(child=cast.child_a1, kind="health", date=date(2018, 3, 1))
    health_check_record(child=cast.child_a1, kind="dental", date=date(2018, 3, 1))
    assert HealthCheck.objects.count() == 2
