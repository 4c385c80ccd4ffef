"""Every foreign key and date column the measures filter on leads an index, so a measure's
correlated subqueries and period filters never scan a whole case-record table.

The list is read from scorecard/measures/ and casework/queries.py: a column belongs here when a
measure filters or joins on it (as-at "open" tests, period ranges, per-child lookups). A column
only read for display (pathway_plan_date) or tested after an indexed filter (closed_date) is not.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

FILTERED_COLUMNS: dict[str, tuple[str, ...]] = {
    "Involvement": ("child", "worker", "team", "start_date", "end_date"),
    "Contact": ("child", "team", "received_at"),
    "Referral": ("child", "team", "referral_date", "closure_date"),
    "Assessment": ("child", "referral", "start_date", "authorised_date"),
    "CINPlan": ("child", "referral", "start_date", "end_date"),
    "Section47": ("child", "referral", "start_date"),
    "InitialConference": ("child", "section47", "date"),
    "CPPlan": ("child", "start_date", "end_date"),
    "CPReview": ("child", "cp_plan", "due_date", "held_date"),
    "CareEpisode": ("child", "start_date", "end_date", "legal_status"),
    "CareReview": ("child", "held_date"),
    "CareLeaver": ("child", "personal_adviser", "start_date", "end_date"),
    "Visit": ("child", "worker", "date"),
    "HealthCheck": ("child", "date"),
    "Complaint": ("child", "team", "received_date"),
    "VoiceAccount": ("child", "worker", "opened_date"),
    "VoiceStatement": ("child", "date"),
    "Worker": ("team", "role"),
}


def leading_indexed_columns(model: type[models.Model]) -> set[str]:
    """Field names that are the first column of some index on the model's table."""
    leading: set[str] = set()
    for field in model._meta.concrete_fields:
        # django-stubs omit Field.db_index, which Field.__init__ sets on every field.
        if field.primary_key or field.unique or field.db_index:  # type: ignore[attr-defined]
            leading.add(field.name)
    for index in model._meta.indexes:
        if index.fields:
            leading.add(index.fields[0].lstrip("-"))
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if isinstance(constraint, models.UniqueConstraint) and fields and not constraint.condition:
            leading.add(fields[0])
    return leading


@pytest.mark.parametrize("model_name", sorted(FILTERED_COLUMNS))
def test_columns_the_measures_filter_on_lead_an_index(model_name: str) -> None:
    model = apps.get_model("casework", model_name)
    missing = set(FILTERED_COLUMNS[model_name]) - leading_indexed_columns(model)
    assert not missing, f"{model_name}: no index leads with {sorted(missing)}"


def test_an_unindexed_column_is_not_counted_as_indexed() -> None:
    child = apps.get_model("casework", "Child")
    assert "postcode" not in leading_indexed_columns(child)
    assert "la_child_id" in leading_indexed_columns(child)
