"""Forms for actions, surgeries and discussions: presentation and parsing only, explicit fields.
The rules (scope, dates, who may do what) live in services.py."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms

from casework.forms import GovukDateField
from casework.models import ServiceArea, Team, Worker
from surgeries import lists as ex
from surgeries.models import BarrierCode
from surgeries.services import action_due_date_problem


class ActionForm(forms.Form):
    """An action on a child of a list: on its own page, or inline under a workbench row (the
    row gives the child and the list; the form's ids start with the row's key)."""

    child = forms.UUIDField(widget=forms.HiddenInput)
    list_code = forms.ChoiceField(
        label="Reason (list)",
        error_messages={
            "required": "Choose the list the action is for",
            "invalid_choice": "Choose the list the action is for",
        },
    )
    description = forms.CharField(
        label="Action",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter what needs to be done",
            "max_length": "The action must be 2,000 characters or fewer",
        },
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=Worker.objects.none(),
        error_messages={
            "required": "Choose who will do the action",
            "invalid_choice": "Choose an owner from your teams",
        },
    )
    # GOV.UK date input (day, month, year), not the browser's date picker: the design system
    # advises against it, and Chromium shows it as mm/dd/yyyy without its language packs.
    due_date = GovukDateField(what="date the action is due", label="Due date")
    barrier = forms.ModelChoiceField(
        label="Barrier",
        queryset=BarrierCode.objects.none(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Choose a current barrier code"},
    )
    surgery = forms.UUIDField(widget=forms.HiddenInput, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        owners,
        barriers,
        today: date | None = None,
        inline: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["list_code"]).choices = [
            (x.code, x.label) for x in ex.surgery_lists()
        ]
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners
        cast(forms.ModelChoiceField, self.fields["barrier"]).queryset = barriers
        self.today = today
        if inline:
            # The row is the reason: its list travels with the form, not as a choice.
            self.fields["list_code"].widget = forms.HiddenInput()

    def clean_due_date(self) -> date:
        due: date = self.cleaned_data["due_date"]
        problem = action_due_date_problem(due, self.today) if self.today else None
        if problem:
            raise forms.ValidationError(problem)
        return due


class CloseActionForm(forms.Form):
    outcome_note = forms.CharField(
        label="Outcome",
        help_text="What was done, or why the action is cancelled.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the outcome of the action",
            "max_length": "The outcome must be 2,000 characters or fewer",
        },
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class SurgeryForm(forms.Form):
    """Planning a surgery: scope, lists, agenda size and attendees. Each question has its own
    error message; the rules (window of dates, teams of the chair's scope) are the service's."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title for the surgery",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    date = GovukDateField(what="meeting date", label="Meeting date")
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.none(),
        required=False,
        empty_label="Not a whole service area: choose teams",
        help_text="A head of service may hold a surgery for the whole service area.",
        error_messages={"invalid_choice": "Select a service area from the list"},
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select teams from the list"},
    )
    lists = forms.MultipleChoiceField(
        label="Lists",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select the lists to discuss. Leave them all unselected for every list.",
        error_messages={"invalid_choice": "Select lists from the options"},
    )
    agenda_size = forms.IntegerField(
        label="How many children on the agenda",
        initial=40,
        required=False,
        help_text=(
            "Children with no open action come first, then the most working days overdue. "
            "About 40 children fill an hour; left empty, 40."
        ),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-3", "spellcheck": "false"}
        ),
        error_messages={
            "invalid": "The agenda size must be a whole number, like 40",
        },
    )
    attendees = forms.MultipleChoiceField(
        label="Attendees",
        required=False,
        help_text=(
            "The workers of your teams, grouped by team. Hold Ctrl (or Cmd on a Mac) to select "
            "more than one."
        ),
        widget=forms.SelectMultiple(
            attrs={"size": 12, "data-module": "app-picker", "class": "govuk-!-width-full"}
        ),
        error_messages={"invalid_choice": "Select attendees from the list of your teams' workers"},
    )

    def __init__(self, *args: Any, areas, teams, workers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service_area"]).queryset = areas
        cast(forms.ModelChoiceField, self.fields["teams"]).queryset = teams
        cast(forms.ChoiceField, self.fields["lists"]).choices = [
            (x.code, x.label) for x in ex.surgery_lists()
        ]
        self.workers = {w.pk: w for w in workers}
        grouped: dict[str, list[tuple[str, str]]] = {}
        for w in sorted(self.workers.values(), key=lambda w: (w.team.name, w.name)):
            grouped.setdefault(w.team.name, []).append((str(w.pk), w.name))
        cast(forms.ChoiceField, self.fields["attendees"]).choices = list(grouped.items())
        if not areas.exists():
            del self.fields["service_area"]

    def clean_agenda_size(self) -> int:
        from surgeries.services import MAX_AGENDA, MIN_AGENDA

        size = self.cleaned_data["agenda_size"]
        if size is None:
            return 40
        if not MIN_AGENDA <= size <= MAX_AGENDA:
            raise forms.ValidationError(
                f"The agenda size must be between {MIN_AGENDA} and {MAX_AGENDA} children"
            )
        return size

    def clean_attendees(self) -> list[Worker]:
        return [self.workers[int(pk)] for pk in self.cleaned_data["attendees"]]


class DiscussionForm(forms.Form):
    """What the surgery said about the child: a note, a barrier or both. Saved empty, the child
    would count as discussed with nothing recorded, so one of the two is asked for."""

    note = forms.CharField(
        label="Discussion",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was said and agreed. Choose a barrier below if one is holding the work up.",
        error_messages={"max_length": "The discussion must be 4,000 characters or fewer"},
    )
    barrier = forms.ModelChoiceField(
        label="Barrier",
        queryset=BarrierCode.objects.none(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Choose a current barrier code"},
    )

    def __init__(self, *args: Any, barriers, **kwargs: Any) -> None:
        # Shown beside the action form, which has a Barrier too: ids of its own, so each label
        # names its own field.
        kwargs.setdefault("auto_id", "id_discussion_%s")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["barrier"]).queryset = barriers

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        said = (cleaned.get("note") or "").strip() or cleaned.get("barrier")
        if not self.errors and not said:
            self.add_error("note", "Enter what was discussed, or choose a barrier")
        return cleaned
