"""Forms of the case record. Presentation and parsing only: the rules live in services.py, which
the views call with the cleaned data. Fields are listed explicitly, never `__all__`."""

from datetime import date
from typing import Any

from django import forms

from casework.models import HealthCheck, Visit


class GovukDateInput(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes. The three values are joined into one
    YYYY-M-D string for DateField to parse, so an impossible date (30 February) or a missing
    part fails DateField's own validation rather than being guessed."""

    template_name = "django/forms/widgets/govuk_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[str | int | None]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:  # type: ignore[override]
        day, month, year = (
            (part or "").strip() for part in super().value_from_datadict(data, files, name)
        )
        if not (day or month or year):
            # A link may carry the date whole (?as_at=2018-09-30), as an ISO date.
            return (data.get(name) or "").strip()
        return f"{year}-{month}-{day}"


class GovukDateField(forms.DateField):
    """A date entered as day, month and year, with GOV.UK's error wording."""

    widget = GovukDateInput
    input_formats = ["%Y-%m-%d"]

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "required": f"Enter the {what}",
                "invalid": f"The {what} must be a real date, for example 27 3 2018",
            },
        )
        kwargs.setdefault("help_text", "For example, 27 3 2018")
        super().__init__(**kwargs)


YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question as inline radios (a checkbox cannot tell "no" from "not
    answered")."""

    def __init__(self, *, required_message: str, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO,
            coerce=_yes,
            empty_value=None,
            widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
            error_messages={"required": required_message},
            **kwargs,
        )


class VisitForm(forms.ModelForm):
    date = GovukDateField(what="date of the visit", label="Date of the visit")
    visit_type = forms.ChoiceField(
        label="Type of visit",
        choices=Visit.Type.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of visit"},
    )
    child_seen = YesNoField(
        label="Was the child seen?", required_message="Select yes if the child was seen"
    )
    seen_alone = YesNoField(
        label="Was the child seen alone?",
        required_message="Select yes if the child was seen alone",
        help_text="Select no if the child was not seen",
    )

    class Meta:
        model = Visit
        fields = ["date", "visit_type", "child_seen", "seen_alone"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Shown against the question (the service enforces it too, and the database constraint
        # behind both); a field with an error is left out of the model's constraint check.
        if cleaned.get("seen_alone") and cleaned.get("child_seen") is False:
            self.add_error(
                "seen_alone", "A child who was not seen cannot have been seen alone: select no"
            )
        return cleaned


class HealthCheckForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label="Type of check",
        choices=HealthCheck.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of check"},
    )
    date = GovukDateField(what="date of the check", label="Date of the check")

    class Meta:
        model = HealthCheck
        fields = ["kind", "date"]


class ReasonField(forms.CharField):
    """Why a record is corrected or withdrawn: kept in the change history (100 characters, the
    history's reason column)."""

    def __init__(self, *, doing: str, done: str, **kwargs: Any) -> None:
        super().__init__(
            label=f"Why are you {doing} this visit?",
            help_text="For example, recorded on the wrong child, or the child was not seen. "
            "100 characters at most.",
            max_length=100,
            error_messages={
                "required": f"Enter why the visit is being {done}",
                "max_length": "The reason must be 100 characters or fewer",
            },
            widget=forms.Textarea(attrs={"rows": 3}),
            **kwargs,
        )


class VisitCorrectionForm(VisitForm):
    """The visit's answers as recorded, to change, and why (kept in the change history)."""

    reason = ReasonField(doing="correcting", done="corrected")

    class Meta(VisitForm.Meta):
        fields = ["date", "visit_type", "child_seen", "seen_alone"]


class VisitWithdrawForm(forms.Form):
    reason = ReasonField(doing="withdrawing", done="withdrawn")


class ChildSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, LA child ID or date of birth",
        help_text="For example, Sam Jones, 1234567 or 27 3 2010",
        max_length=100,
        error_messages={
            "required": "Enter a name, LA child ID or date of birth",
            "max_length": "Enter 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if len(text) < 2:
            raise forms.ValidationError("Enter at least 2 characters of the name or ID")
        return text
