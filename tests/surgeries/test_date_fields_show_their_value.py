"""A date field shows the value it holds: the surgery's meeting date and the action's due date
are GOV.UK date inputs whose day, month and year boxes show the date in en-GB, and a date sent
whole as ISO 8601 (a link, an older form) is read as that date."""

from datetime import date

from django.utils import translation

from casework.models import ServiceArea, Team, Worker
from surgeries.forms import ActionForm, SurgeryForm
from surgeries.models import BarrierCode


def test_surgery_date_renders_its_day_month_and_year_boxes_in_en_gb():
    form = SurgeryForm(
        areas=ServiceArea.objects.none(),
        teams=Team.objects.none(),
        workers=Worker.objects.none(),
        initial={"date": date(2018, 9, 30)},
    )
    with translation.override("en-gb"):
        html = form.render()
    assert 'class="govuk-date-input"' in html
    for name, value in (("date_0", "30"), ("date_1", "9"), ("date_2", "2018")):
        assert f'name="{name}" type="text" inputmode="numeric" value="{value}"' in html


def test_action_due_date_renders_its_day_month_and_year_boxes_in_en_gb():
    form = ActionForm(
        owners=Worker.objects.none(),
        barriers=BarrierCode.objects.none(),
        initial={"due_date": date(2018, 10, 12)},
    )
    with translation.override("en-gb"):
        html = form.render()
    assert 'type="date"' not in html
    for name, value in (("due_date_0", "12"), ("due_date_1", "10"), ("due_date_2", "2018")):
        assert f'name="{name}" type="text" inputmode="numeric" value="{value}"' in html


def test_action_due_date_is_read_from_its_boxes_or_whole():
    def due(data):
        form = ActionForm(data, owners=Worker.objects.none(), barriers=BarrierCode.objects.none())
        form.is_valid()
        return form.cleaned_data.get("due_date"), form.errors.get("due_date")

    assert due({"due_date_0": "12", "due_date_1": "10", "due_date_2": "2018"})[0] == date(
        2018, 10, 12
    )
    assert due({"due_date": "2018-10-12"})[0] == date(2018, 10, 12)
    assert due({"due_date_0": "31", "due_date_1": "2", "due_date_2": "2019"})[1] == [
        "The date the action is due must be a real date, for example 27 3 2018"
    ]
