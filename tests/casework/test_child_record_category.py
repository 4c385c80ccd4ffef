"""The identity bar's category is the child's category at the reporting date, by precedence."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.mark.parametrize(
    ("make", "label"),
    [
        (lambda c: None, "Child in need"),
        (lambda c: f.CPPlanFactory(child=c, start_date=date(2018, 6, 1)), "Child protection"),
        (lambda c: f.CareEpisodeFactory(child=c, start_date=date(2018, 2, 1)), "Child in care"),
        (lambda c: f.CareLeaverFactory(child=c), "Care leaver"),
        (
            lambda c: f.CPPlanFactory(child=c, start_date=date(2018, 10, 1)),
            "Child in need",
        ),  # starts after D
    ],
)
def test_category_tag_follows_precedence_at_the_reporting_date(cast, as_user, make, label):
    make(cast.child_a1)
    body = (
        as_user(cast.social_worker)
        .get(reverse("child_overview", args=[cast.child_a1.public_id]))
        .content.decode()
    )
    bar = body[body.index("moj-identity-bar__details") : body.index("moj-sub-navigation")]
    assert f">{label}</strong>" in bar
