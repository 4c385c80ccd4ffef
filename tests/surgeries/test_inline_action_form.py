"""The add-action form under a workbench row (htmx) and on its own page: through the GOV.UK form
renderer, with an error summary linking to each field and one specific message per field and
rule."""

import re

from surgeries.models import Action


def _row_url(lists, **extra) -> str:
    query = {
        "child": str(lists.unallocated_a1.public_id),
        "list": "allocated_pct",
        "kind": "overdue",
        "next": "/surgeries/",
        **extra,
    }
    return "/surgeries/actions/new/?" + "&".join(f"{k}={v}" for k, v in query.items())


def _post(client, lists, cast, **fields):
    data = {
        "child": str(lists.unallocated_a1.public_id),
        "list_code": "allocated_pct",
        "kind": "overdue",
        "description": "Allocate a social worker this week",
        "owner": cast.worker_a1.pk,
        "due_date": "2018-10-05",
        "next": "/surgeries/",
        **fields,
    }
    return client.post("/surgeries/actions/new/", data, HTTP_HX_REQUEST="true")


def test_htmx_opens_the_form_under_its_row(cast, lists, as_user):
    response = as_user(cast.manager_a1).get(_row_url(lists), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    key = f"row-{lists.unallocated_a1.pk}-allocated_pct-overdue"
    assert html.lstrip().startswith(
        f'<tbody class="govuk-table__body app-workbench__group" id="{key}-group"'
    )
    # The renderer's form groups, with ids of the row's own.
    assert (
        f'<label class="govuk-label govuk-label--s" for="{key}-description">Action</label>' in html
    )
    # The due date as the GOV.UK date input: day, month and year boxes, no browser date picker.
    for part in (0, 1, 2):
        assert f'id="{key}-due_date_{part}" name="due_date_{part}" type="text"' in html
    assert 'type="date"' not in html
    # The row's list travels hidden: the row is the reason.
    assert (
        f'<input type="hidden" name="list_code" value="allocated_pct" id="{key}-list_code">' in html
    )
    assert "HX-Request" in response["Vary"]


def test_blank_inline_form_gets_one_message_per_field_linked_from_the_summary(cast, lists, as_user):
    response = _post(as_user(cast.manager_a1), lists, cast, description="", due_date="")
    html = response.content.decode()
    key = f"row-{lists.unallocated_a1.pk}-allocated_pct-overdue"
    assert f'<a href="#{key}-description">Enter what needs to be done</a>' in html
    assert f'<a href="#{key}-due_date_0">Enter the date the action is due</a>' in html
    # Once in the summary and once by the field: never Django's generic message.
    assert html.count("Enter what needs to be done") == 2
    assert html.count("Enter the date the action is due") == 2
    assert "This field is required" not in html
    assert Action.objects.count() == 0


def test_due_date_before_the_reporting_date_names_the_first_allowed_day(cast, lists, as_user):
    response = _post(as_user(cast.manager_a1), lists, cast, due_date="2018-09-29")
    html = response.content.decode()
    message = "The due date must be on or after 30 September 2018"
    assert html.count(message) == 2
    assert Action.objects.count() == 0
    # The boundary day itself is allowed.
    response = _post(as_user(cast.manager_a1), lists, cast, due_date="2018-09-30")
    assert "Action added" in response.content.decode()
    assert Action.objects.count() == 1


def test_standalone_page_has_the_same_messages_and_summary(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    page = client.get(_row_url(lists))
    assert page.status_code == 200
    assert 'class="govuk-back-link"' in page.content.decode()
    response = client.post(
        "/surgeries/actions/new/",
        {
            "child": str(lists.unallocated_a1.public_id),
            "list_code": "allocated_pct",
            "description": "",
            "owner": cast.worker_a1.pk,
            "due_date": "2018-01-01",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#id_description">Enter what needs to be done</a>' in html
    assert '<a href="#id_due_date_0">The due date must be on or after 30 September 2018</a>' in html
    assert "This field is required" not in html
    assert re.search(r"<title>Error: Add an action", html)


def test_owner_defaults_to_the_rows_allocated_worker(cast, lists, as_user):
    url = _row_url(lists).replace(str(lists.unallocated_a1.public_id), str(lists.cp_a1.public_id))
    url = url.replace("allocated_pct", "cp_seen_10wd_pct")
    html = as_user(cast.manager_a1).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'<option value="{cast.worker_a1.pk}" selected>' in html
