"""Every registered admin changelist renders for a superuser in a fixed number of queries: the same
for 5 rows as for 50, so a list of 100,000 children cannot turn into 100,000 queries.

Rows are built generically from each model's fields (one fresh parent per row for required foreign
keys, so per-child unique constraints hold); a model whose rows need more than that gets an entry
in OVERRIDES.
"""

import itertools
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import models as m
from tests.factories import aware

_seq = itertools.count(1)

# Extra field values for models whose invariants a generic row would break.
OVERRIDES: dict[type[models.Model], Callable[[], dict[str, Any]]] = {
    m.VoiceAccount: lambda: {"child": make_row(m.Child)},
}
# Tables filled by migrations: their changelists are paginated already, nothing to add.
PREBUILT = {m.CalendarDay}


def _value(field: models.Field, n: int) -> Any:
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"user{n}@example.org"
    if isinstance(field, models.CharField | models.TextField):
        return f"{field.name[:10]}-{n}"[: field.max_length or 50]
    if isinstance(field, models.DateTimeField):
        return aware(date(2018, 1, 1) + timedelta(days=n % 3000))
    if isinstance(field, models.DateField):
        return date(2018, 1, 1) + timedelta(days=n % 3000)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal(1)
    if isinstance(field, models.IntegerField | models.FloatField):
        return 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    raise NotImplementedError(f"No generic value for {field!r}")


def make_row(model: type[models.Model]) -> models.Model:
    n = next(_seq)
    values: dict[str, Any] = OVERRIDES.get(model, dict)()
    for field in model._meta.concrete_fields:
        if field.name in values or field.auto_created or isinstance(field, models.GeneratedField):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.null or field.has_default() or (field.blank and not field.is_relation):
            continue
        if field.is_relation:
            related = field.related_model
            assert isinstance(related, type) and issubclass(related, models.Model)
            values[field.name] = make_row(related)
        else:
            values[field.name] = _value(field, n)
    return model._default_manager.create(**values)


def _changelist_queries(client: Any, model: type[models.Model]) -> int:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_runs_the_same_queries_for_5_and_50_rows(model, cast, client):
    client.force_login(cast.admin)
    existing = model._default_manager.count()
    if model not in PREBUILT:
        for _ in range(5):
            make_row(model)
    with_5 = _changelist_queries(client, model)
    if model not in PREBUILT:
        for _ in range(45):
            make_row(model)
        assert model._default_manager.count() >= existing + 50
    with_50 = _changelist_queries(client, model)
    assert with_5 == with_50
