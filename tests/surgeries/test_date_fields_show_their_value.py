"""A date field shows the value it holds: the action form's `<input type="date">` only shows an
ISO 8601 value (not the en-GB 30/09/2018, which the browser shows as empty), and the surgery's
GOV.UK date input shows its day, month and year boxes filled."""

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


def test_action_due_date_renders_as_iso_in_en_gb():
    form = ActionForm(
        owners=Worker.objects.none(),
        barriers=BarrierCode.objects.none(),
        initial={"due_date": date(2018, 10, 12)},
    )
    with translation.override("en-gb"):
        html = str(form["due_date"])
    assert 'value="2018-10-12"' in html
