"""The page of episodes a later 903 return stopped reporting names children council-wide: only
performance officers and administrators reach it, and every other role gets a 404."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("who", ["social_worker", "manager_a1", "chair_a", "leader"])
def test_other_roles_get_404_on_the_open_episodes_pages(cast, as_user, who):
    client = as_user(getattr(cast, who))
    assert client.get(reverse("open_episodes")).status_code == 404
    assert client.post(reverse("open_episode_decide", args=[1]), {}).status_code == 404


def test_performance_officer_reads_the_open_episodes_page(cast, as_user):
    response = as_user(cast.performance).get(reverse("open_episodes"))
    assert response.status_code == 200
