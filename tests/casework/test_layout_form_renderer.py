"""The GOV.UK form renderer: `{{ form }}` and `{{ field.as_field_group }}` give GOV.UK markup for
every kind of field, with hints, error messages and aria-describedby."""

from datetime import date

from django import forms

from casework.forms import GovukDateField


class EverythingForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the birth certificate")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    team = forms.ChoiceField(label="Team", choices=[("a", "North"), ("b", "South")])
    kind = forms.ChoiceField(
        label="Kind", choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect
    )
    lists = forms.MultipleChoiceField(
        label="Lists", choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree", required=False)
    due = GovukDateField(what="due date", label="Due date")


def test_unbound_form_renders_govuk_groups_and_inputs():
    html = str(EverythingForm())
    # seven fields, and the date's day, month and year each sit in a group of their own
    assert html.count('class="govuk-form-group"') == 7 + 3
    assert 'class="govuk-input"' in html
    assert 'class="govuk-textarea"' in html
    assert 'class="govuk-select"' in html
    assert 'class="govuk-radios__input"' in html
    assert 'class="govuk-checkboxes__input"' in html
    assert 'class="govuk-date-input"' in html
    assert '<div id="id_name-hint" class="govuk-hint">As on the birth certificate</div>' in html
    assert 'aria-describedby="id_name-hint"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Kind</legend>' in html


def test_bound_form_with_errors_marks_fields_and_keeps_values():
    form = EverythingForm(
        data={"name": "", "team": "b", "lists": ["2"], "due_0": "31", "due_1": "4", "due_2": "2018"}
    )
    assert not form.is_valid()
    html = str(form)
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'id="id_name-error" class="govuk-error-message"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert '<option value="b" selected>' in html
    assert 'value="2" checked' in html
    assert "The due date must be a real date" in html  # 31 April
    assert 'value="31"' in html and 'value="2018"' in html


def test_date_field_reads_day_month_year():
    form = EverythingForm(
        data={
            "name": "x",
            "team": "a",
            "kind": "x",
            "lists": ["1"],
            "due_0": "7",
            "due_1": "3",
            "due_2": "2018",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == date(2018, 3, 7)


def test_as_field_group_renders_one_field():
    html = EverythingForm()["kind"].as_field_group()
    assert html.strip().startswith('<div class="govuk-form-group">')
    assert 'class="govuk-radios" data-module="govuk-radios"' in html
