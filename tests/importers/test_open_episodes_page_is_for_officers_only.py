"""The page of episodes a later 903 return stopped reporting names children council-wide: only
performance officers and administrators reach it, and every other role is told in words (403)
that the page is not for them."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("who", ["social_worker", "manager_a1", "chair_a", "leader"])
def test_other_roles_get_403_on_the_open_episodes_pages(cast, as_user, who):
    client = as_user(getattr(cast, who))
    response = client.get(reverse("open_episodes"))
    assert response.status_code == 403
    assert "are for performance officers and administrators" in response.content.decode()
    assert client.post(reverse("open_episode_decide", args=[1]), {}).status_code == 403


def test_performance_officer_reads_the_open_episodes_page(cast, as_user):
    response = as_user(cast.performance).get(reverse("open_episodes"))
    assert response.status_code == 200
