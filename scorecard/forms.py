"""The committee report's edit form: the cover and each part's narrative. Presentation and
parsing only: `scorecard.services.report_edit` saves it. Fields are listed explicitly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from casework.forms import GovukDateField


class ReportEditForm(forms.Form):
    """The cover fields, then one textarea per part of the report (`parts`: key and title),
    each starting from the officer's edit or the draft."""

    meeting_date = GovukDateField(what="meeting date", required=False, label="Meeting date")
    officer = forms.CharField(
        label="Officer contact",
        max_length=200,
        required=False,
        help_text="Name, job title and team, for example Emma Perkin, Performance Officer",
    )
    sponsor = forms.CharField(
        label="Report sponsor",
        max_length=200,
        required=False,
        help_text="For example Chris Spencer, Director of Children's Services",
    )

    def __init__(self, *args: Any, parts: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts = list(parts)
        for key, title in self.parts:
            self.fields[f"text_{key}"] = forms.CharField(
                label=title,
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text="Leave blank to use the drafted text. A blank line starts a paragraph.",
            )

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"text_{key}") or "" for key, _ in self.parts}
