"""DfE code values show with their meaning, from one code-list module (casework.codes)."""

from django.urls import reverse

from casework.codes import meaning


def test_known_codes_read_as_words_with_the_code():
    assert meaning("ethnicity", "MWBC") == "White and Black Caribbean (MWBC)"
    assert meaning("primary_need", "N2") == "Child's disability or illness (N2)"
    assert meaning("legal_status", "V2") == "Single period of accommodation under section 20 (V2)"


def test_unknown_or_empty_codes_are_not_guessed():
    assert meaning("reason_episode_ceased", "E99") == "E99"
    assert meaning("ethnicity", "") == "Not recorded"


def test_child_overview_shows_ethnicity_in_words(cast, as_user):
    cast.child_a1.ethnicity = "MWBC"
    cast.child_a1.save()
    page = (
        as_user(cast.manager_a1)
        .get(reverse("child_overview", args=[cast.child_a1.public_id]))
        .content.decode()
    )
    assert "White and Black Caribbean (MWBC)" in page
