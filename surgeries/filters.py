"""The workbench filter form: presentation and parsing only. Worker choices come from the user's
scope, list choices from the measure registry."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings

from casework.models import Worker
from scorecard.measures.cohorts import Category
from surgeries import lists as ex
from surgeries.queries import workers_in_scope

KIND_CHOICES = [("", "Overdue and due soon"), (ex.OVERDUE, "Overdue"), (ex.DUE_SOON, "Due soon")]
ACTION_CHOICES = [("", "Any"), ("yes", "Has an open action"), ("no", "No open action")]
# Workers offered in the "allocated worker" filter: the practitioner roles that hold a caseload
# (a team's manager supervises the team's cases rather than holding them).
FILTER_ROLES = (
    "social_worker",
    "asye",
    "senior_practitioner",
    "personal_adviser",
    "family_support",
)


class WorkbenchFilterForm(forms.Form):
    list = forms.ChoiceField(label="List", required=False)
    worker: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Allocated worker", queryset=None, required=False, empty_label="All workers"
    )
    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[("", "All categories"), *Category.LABELS.items()],
    )
    kind = forms.ChoiceField(label="Overdue or due soon", required=False, choices=KIND_CHOICES)
    due_soon_wd = forms.IntegerField(
        label="Due soon means due within (working days)",
        required=False,
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    min_days = forms.IntegerField(
        label="Minimum working days overdue",
        required=False,
        min_value=0,
        max_value=2000,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    has_action = forms.ChoiceField(label="Actions", required=False, choices=ACTION_CHOICES)

    def __init__(self, *args: Any, user, as_at: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["list"]).choices = [("", "All lists")] + [
            (x.code, x.label) for x in ex.surgery_lists()
        ]
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = workers_in_scope(
            user=user, as_at=as_at
        ).filter(role__in=FILTER_ROLES)
        self.fields["due_soon_wd"].widget.attrs["placeholder"] = str(
            settings.TIMESCALES["due_soon_wd"]
        )

    def use_workers(self, workers: Iterable[Worker]) -> None:
        """Offer these workers (the scope's, already read for the page's action forms) instead
        of reading them again; validating a chosen worker still goes through the queryset."""
        field = cast(forms.ModelChoiceField, self.fields["worker"])
        field.choices = [
            ("", field.empty_label),
            *((w.pk, field.label_from_instance(w)) for w in workers if w.role in FILTER_ROLES),
        ]

    def offer_lists(self, codes: Iterable[str]) -> None:
        """Offer only these lists (those with rows in the scope) and the one chosen, if any;
        any list is still accepted, as a link may name one that has since emptied."""
        keep = set(codes)
        chosen = self.cleaned_data.get("list") if self.is_bound and self.is_valid() else ""
        cast(forms.ChoiceField, self.fields["list"]).choices = [("", "All lists")] + [
            (x.code, x.label) for x in ex.surgery_lists() if x.code in keep or x.code == chosen
        ]

    def row_filter(self) -> ex.RowFilter:
        """The filter the exception lists understand (call after is_valid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        worker = data.get("worker")
        has_action = {"yes": True, "no": False}.get(data.get("has_action") or "")
        due_soon = data.get("due_soon_wd")
        return ex.RowFilter(
            lists=(data["list"],) if data.get("list") else (),
            kind=data.get("kind") or "",
            worker_id=worker.pk if worker else None,
            category=data.get("category") or "",
            min_days_overdue=data.get("min_days"),
            has_open_action=has_action,
            due_soon_wd=settings.TIMESCALES["due_soon_wd"] if due_soon is None else due_soon,
        )

    def selected(self, query) -> builtins.list[dict[str, str]]:
        """The "selected filters" tags, each with a link that removes it."""
        tags: builtins.list[dict[str, str]] = []
        if not (self.is_bound and self.is_valid()):
            return tags
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                text = dict(cast(builtins.list, field.choices)).get(value, value)
            else:
                text = str(value)
            remaining = query.copy()
            remaining.pop(name, None)
            remaining.pop("page", None)
            tags.append(
                {"text": f"{field.label}: {text}", "remove_url": f"?{remaining.urlencode()}"}
            )
        return tags
