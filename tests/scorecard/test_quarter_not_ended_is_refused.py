"""A quarter that has not ended by the reporting date is refused in words, at once, with a link
to the latest complete quarter (never September's figures under June's name)."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "url_name", ["scorecard:quarter", "scorecard:charts", "scorecard:pack", "scorecard:export"]
)
def test_future_quarter_is_refused_with_a_way_on(
    cast, as_user, url_name, django_assert_max_num_queries
):
    args = ["2019-20-Q1"] if url_name != "scorecard:export" else ["2019-20-Q1", "csv"]
    client = as_user(cast.leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(url_name, args=args))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Q1 2019/20 has not ended yet" in page
    assert "ends on 30 June 2019, after today (30 September 2018)" in page
    assert reverse("scorecard:quarter", args=["2018-19-Q2"]) in page


def test_quarter_ending_on_the_reporting_date_is_served(cast, as_user):
    response = as_user(cast.leader).get(reverse("scorecard:quarter", args=["2018-19-Q2"]))
    assert response.status_code == 200


def test_picker_choosing_a_future_quarter_is_refused(cast, as_user):
    response = as_user(cast.leader).get(reverse("scorecard:current") + "?quarter=2018-19-Q3")
    assert response.status_code == 404
    assert "Q3 2018/19 has not ended yet" in response.content.decode()
