"""The project's GOV.UK and MOJ component includes render the design systems' markup."""

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


def render(source: str, **context) -> str:
    return Template("{% load casework_ui %}" + source).render(Context(context))


def test_tag_always_shows_its_word():
    html = render('{% include "components/tag.html" with text="Red" colour="red" %}')
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in html


def test_summary_list_marks_missing_values():
    rows = [{"key": "Name", "value": "<b>Ann</b>"}, {"key": "UPN", "value": ""}]
    html = render('{% include "components/summary_list.html" %}', rows=rows)
    assert "&lt;b&gt;Ann&lt;/b&gt;" in html  # escaped
    assert "Not recorded" in html


def test_pagination_keeps_the_query_string_and_marks_the_current_page():
    request = RequestFactory().get("/list/?sort=name&page=3")
    page = Paginator(range(200), 10).get_page(3)
    html = render("{% pagination page %}", request=request, page=page)
    assert 'class="govuk-pagination"' in html
    assert 'href="?sort=name&amp;page=2" rel="prev"' in html
    assert 'aria-current="page">3</a>' in html
    assert "govuk-pagination__item--ellipses" in html
    assert "Showing 21 to 30 of 200 results" in html


def test_sub_navigation_and_timeline_and_back_link():
    items = [
        {"text": "Overview", "href": "/a/", "current": True},
        {"text": "Visits", "href": "/b/"},
    ]
    html = render('{% include "components/sub_navigation.html" %}', items=items)
    assert 'class="moj-sub-navigation__link" href="/a/" aria-current="page"' in html
    html = render(
        '{% include "components/timeline.html" %}', items=[{"title": "Visit", "date": None}]
    )
    assert 'class="moj-timeline__title">Visit<' in html
    html = render('{% include "components/back_link.html" with href="/x/" %}')
    assert '<a href="/x/" class="govuk-back-link">Back</a>' in html


def test_notification_banner_success_is_announced():
    html = render(
        '{% include "components/notification_banner.html" with type="success" text="Saved" %}'
    )
    assert "govuk-notification-banner--success" in html and 'role="alert"' in html
