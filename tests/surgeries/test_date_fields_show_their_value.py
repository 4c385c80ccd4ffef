"""A date field (`<input type="date">`) only shows an ISO 8601 value: the surgery and action
forms must not render the en-GB input format (30/09/2018), which the browser shows as empty."""

from datetime import date

from django.utils import translation

from casework.models import ServiceArea, Team, Worker
from surgeries.forms import ActionForm, SurgeryForm
from surgeries.models import BarrierCode


def test_surgery_date_renders_as_iso_in_en_gb():
    form = SurgeryForm(
        areas=ServiceArea.objects.none(),
        teams=Team.objects.none(),
        workers=Worker.objects.none(),
        initial={"date": date(2018, 9, 30)},
    )
    with translation.override("en-gb"):
        html = str(form["date"])
    assert 'type="date"' in html
    assert 'value="2018-09-30"' in html


def test_action_due_date_renders_as_iso_in_en_gb():
    form = ActionForm(
        owners=Worker.objects.none(),
        barriers=BarrierCode.objects.none(),
        initial={"due_date": date(2018, 10, 12)},
    )
    with translation.override("en-gb"):
        html = str(form["due_date"])
    assert 'value="2018-10-12"' in html
