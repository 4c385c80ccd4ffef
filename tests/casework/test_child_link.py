"""Every link to a child record is built in one place: Child.get_absolute_url (or child_url for a
row carrying only the public id) and the child_link tag, which escapes the name."""

from django.template import Context, Template
from django.urls import reverse

from casework.models import child_url
from casework.templatetags.casework_ui import child_link
from tests import factories as f


def test_the_address_is_the_child_overview(db):
    child = f.ChildFactory()
    assert child.get_absolute_url() == reverse("child_overview", args=[child.public_id])
    assert child_url(child.public_id) == child.get_absolute_url()


def test_the_tag_links_the_child_by_name_and_escapes_it(db):
    child = f.ChildFactory(first_name="<b>Zoë</b>", last_name="Smith")
    html = Template("{% load casework_ui %}{% child_link child %}").render(
        Context({"child": child})
    )
    assert html == (
        f'<a class="govuk-link" href="{child.get_absolute_url()}">&lt;b&gt;Zoë&lt;/b&gt; Smith</a>'
    )


def test_a_row_with_only_the_public_id_and_no_name_still_links(db):
    child = f.ChildFactory()
    html = child_link(public_id=child.public_id, name="", boost=False)
    assert html == (
        f'<a class="govuk-link" hx-boost="false" href="{child.get_absolute_url()}">'
        "Name not recorded</a>"
    )


def test_a_row_without_a_child_is_plain_text():
    assert child_link(public_id=None, name="Unknown") == "Unknown"
