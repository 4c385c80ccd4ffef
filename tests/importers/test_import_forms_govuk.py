"""The import and Annex A forms: specific messages linked from the error summary, GOV.UK date
inputs, a date after today refused."""

from django.urls import reverse


def test_empty_import_form_names_each_missing_answer(cast, as_user):
    page = as_user(cast.performance).post(reverse("imports"), {"la_code": ""}).content.decode()
    assert "There is a problem" in page
    assert "Select which return you are importing" in page and 'href="#id_kind_0"' in page
    assert "Select the files of the return" in page


def test_annex_a_date_is_a_govuk_date_input(cast, as_user):
    page = as_user(cast.performance).get(reverse("annex_a_export")).content.decode()
    assert 'class="govuk-date-input"' in page and 'id="id_as_at_0"' in page


def test_annex_a_date_after_today_is_refused(cast, as_user):
    page = (
        as_user(cast.performance)
        .get(reverse("annex_a_export"), {"as_at_0": "1", "as_at_1": "10", "as_at_2": "2018"})
        .content.decode()
    )
    assert "The date must be today or in the past (today is 30 September 2018)" in page
    assert 'href="#id_as_at_0"' in page
