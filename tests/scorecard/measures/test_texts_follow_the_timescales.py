"""A measure's title, rule, list name and timescale state the timescale its rows apply: they read
settings.TIMESCALES (and the measure's default period) rather than repeat a number, so a council
that sets another timescale, and only that, sees it in every text."""

import calendar
import re

from django.conf import settings
from django.test import override_settings

from scorecard.measures import get
from scorecard.measures.registry import all_measures

MONTHS = [calendar.month_name[n] for n in range(1, 13)]
WORKING_DAYS = re.compile(r"(\d+) working days?")


def texts(measure) -> list[str]:
    return [t for t in (getattr(measure, name) for name in measure.TEXTS) if t]


def test_every_working_day_figure_in_a_text_comes_from_the_settings():
    # Shift every timescale out of the range any text could have written by hand.
    shifted = {key: days + 100 for key, days in settings.TIMESCALES.items()}
    with override_settings(TIMESCALES=shifted):
        for measure in all_measures():
            for text in texts(measure):
                assert "{" not in text, (measure.code, text)
                for days in WORKING_DAYS.findall(text):
                    assert int(days) >= 100, (measure.code, text)


def test_a_changed_timescale_changes_the_title_the_rule_and_the_list_name():
    measure = get("cp_seen_10wd_pct")
    with override_settings(TIMESCALES={**settings.TIMESCALES, "cp_visit_wd": 7}):
        assert measure.title == "Children on a plan seen within 7 working days"
        assert "no more than 7 working days before the date" in measure.rule
        assert measure.exception_list == "CP plans: child not seen in 7 working days"
        assert measure.timescale == "7 working days"
        assert measure.row_rule(None, None) == "7 working days"


def test_the_health_measures_name_the_new_entrant_timescale():
    with override_settings(TIMESCALES={**settings.TIMESCALES, "cic_new_entrant_health_wd": 25}):
        for code in ("cic_health_check_pct", "cic_dental_check_pct"):
            measure = get(code)
            assert "25 working days" in measure.rule
            assert "25 working days after entering care" in measure.timescale


def test_no_title_or_rule_names_a_month_that_holds_for_one_quarter_only():
    for measure in all_measures():
        for text in texts(measure):
            assert not any(re.search(rf"\b{month}\b", text) for month in MONTHS), (
                measure.code,
                text,
            )


def test_a_flow_title_states_the_length_of_its_period():
    measure = get("referral_not_seen")
    assert measure.title == (
        f"Children referred in the {measure.flow_months} months to the period end "
        "with no visit recorded"
    )
