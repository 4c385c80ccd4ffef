"""The workbench reads stored exception rows; an edit in the Django admin (a record's own page,
a child's page with its inlines, a revert from the history page), a CIN census import and an
SSDA903 import rewrite the touched children's stored rows in the same transaction, so the
affected team's workbench shows the new state on the very next request, not after the
nightly refresh."""

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django import forms
from django.urls import reverse

from casework.importers.cin_census import CINCensusImporter
from casework.importers.pipeline import run_import
from casework.importers.ssda903 import SSDA903Importer
from casework.models import CPPlan
from surgeries.lists import stored
from surgeries.models import ExceptionEntry
from tests import factories as f

REPORTING = date(2018, 9, 30)
CP_LIST = "cp_seen_10wd_pct"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2018-09-30 11:00:00+01:00", tick=True):
        yield


def workbench(client, list_code: str) -> set[int]:
    response = client.get("/surgeries/", {"list": list_code, "kind": "overdue"})
    assert response.status_code == 200
    return {row.child_id for row in response.context["rows"] if row.list_code == list_code}


def stored_for(child_id: int, list_code: str) -> bool:
    return ExceptionEntry.objects.filter(
        as_at=REPORTING, child_id=child_id, list_code=list_code
    ).exists()


def _post_value(field: forms.Field, name: str, value: Any) -> dict[str, Any]:
    if isinstance(field.widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if isinstance(value, datetime):
        return {f"{name}_0": value.date().isoformat(), f"{name}_1": value.strftime("%H:%M:%S")}
    if isinstance(value, list | tuple):
        return {name: [str(v) for v in value]}
    return {name: "" if value is None else str(value)}


def _form_data(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        data |= _post_value(field, form.add_prefix(name), form[name].value())
    return data


def admin_form_data(response) -> dict[str, Any]:
    """What the admin change page posts when saved as shown: the object's form and every
    inline formset (its management form and each row)."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data |= _form_data(formset.management_form)
        for form in formset.forms:
            data |= _form_data(form)
    return data


@pytest.fixture
def on_the_stored_list(cast, lists, as_user):
    """A child on a child protection plan in team A1, never seen: on the stored CP list."""
    stored.refresh(REPORTING)
    assert stored_for(lists.cp_a1.pk, CP_LIST)
    assert lists.cp_a1.pk in workbench(as_user(cast.manager_a1), CP_LIST)
    return lists.cp_a1


def test_ending_the_plan_on_its_admin_page_takes_the_child_off_at_once(
    cast, as_user, on_the_stored_list
):
    child = on_the_stored_list
    plan = CPPlan.objects.get(child=child)
    admin = as_user(cast.admin)
    url = reverse("admin:casework_cpplan_change", args=[plan.pk])
    data = admin_form_data(admin.get(url)) | {"end_date": "2018-08-01"}
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not stored_for(child.pk, CP_LIST)
    assert child.pk not in workbench(as_user(cast.manager_a1), CP_LIST)


def test_ending_the_plan_in_the_childs_inline_takes_the_child_off_at_once(
    cast, as_user, on_the_stored_list
):
    child = on_the_stored_list
    admin = as_user(cast.admin)
    url = reverse("admin:casework_child_change", args=[child.pk])
    page = admin.get(url)
    data = admin_form_data(page)
    [plans] = [
        i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is CPPlan
    ]
    data[plans.forms[0].add_prefix("end_date")] = "2018-08-01"
    response = admin.post(url, data)
    assert response.status_code == 302, [
        i.formset.errors for i in page.context["inline_admin_formsets"]
    ]
    assert CPPlan.objects.get(child=child).end_date == date(2018, 8, 1)
    assert not stored_for(child.pk, CP_LIST)
    assert child.pk not in workbench(as_user(cast.manager_a1), CP_LIST)


def test_reverting_to_an_earlier_version_puts_the_child_back_at_once(
    cast, as_user, on_the_stored_list
):
    child = on_the_stored_list
    plan = CPPlan.objects.get(child=child)
    admin = as_user(cast.admin)
    change = reverse("admin:casework_cpplan_change", args=[plan.pk])
    admin.post(change, admin_form_data(admin.get(change)) | {"end_date": "2018-08-01"})
    assert not stored_for(child.pk, CP_LIST)
    first = plan.history.order_by("history_id").first()
    revert = reverse("admin:casework_cpplan_simple_history", args=[plan.pk, first.history_id])
    response = admin.post(revert, admin_form_data(admin.get(revert)))
    assert response.status_code == 302
    assert CPPlan.objects.get(pk=plan.pk).end_date is None
    assert stored_for(child.pk, CP_LIST)
    assert child.pk in workbench(as_user(cast.manager_a1), CP_LIST)


CIN_CENSUS = """<Message><Header/><Children><Child>
  <ChildIdentifiers><LAchildID>{id}</LAchildID><PersonBirthDate>2012-04-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
  <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
  <CINdetails>
    <CINreferralDate>2018-05-01</CINreferralDate><ReferralSource>1A</ReferralSource>
    <PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
    <ChildProtectionPlans><CPPstartDate>2018-09-03</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
      <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse></ChildProtectionPlans>
  </CINdetails>
</Child></Children></Message>"""


def child_in_need_a1(cast):
    """A child in need in team A1, allocated to Sam Worker, referred in May, never seen."""
    child = f.ChildFactory()
    f.ReferralFactory(child=child, team=cast.team_a1, referral_date=date(2018, 5, 1))
    f.InvolvementFactory(
        child=child, worker=cast.worker_a1, team=cast.team_a1, start_date=date(2018, 5, 2)
    )
    return child


def test_a_cin_census_import_puts_the_child_on_the_teams_list_at_once(
    cast, as_user, tmp_path: Path
):
    child = child_in_need_a1(cast)
    stored.refresh(REPORTING)
    manager = as_user(cast.manager_a1)
    assert child.pk in workbench(manager, "cin_seen_pct")
    assert child.pk not in workbench(manager, CP_LIST)
    census = tmp_path / "cin.xml"
    census.write_text(CIN_CENSUS.format(id=child.la_child_id))
    assert run_import(CINCensusImporter(), [census]).ok
    # On a plan since 3 September and not seen since: a child protection case now.
    assert stored_for(child.pk, CP_LIST)
    assert child.pk in workbench(manager, CP_LIST)
    assert child.pk not in workbench(manager, "cin_seen_pct")


def test_an_ssda903_import_puts_the_child_on_the_teams_list_at_once(cast, as_user, tmp_path):
    child = child_in_need_a1(cast)
    stored.refresh(REPORTING)
    manager = as_user(cast.manager_a1)
    in_care = "cic_assessment_gt_12m"
    assert child.pk in workbench(manager, "cin_seen_pct")
    assert child.pk not in workbench(manager, in_care)
    folder = tmp_path / "2019"
    folder.mkdir()
    (folder / "header.csv").write_text(
        f"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n{child.la_child_id},1,01/02/2010,WBRI,,,\n"
    )
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        f"PL_POST,URN\n{child.la_child_id},01/06/2018,S,C2,N1,U1,PR1,,,,,,\n"
    )
    assert run_import(SSDA903Importer(), [folder]).ok
    # In care since June, with no assessment on record: a child in care now, not in need.
    assert stored_for(child.pk, in_care)
    assert child.pk in workbench(manager, in_care)
    assert child.pk not in workbench(manager, "cin_seen_pct")
