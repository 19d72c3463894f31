import pytest
from django.urls import reverse


@pytest.mark.parametrize("persona", ["coordinator", "lead", "board", "auditor"])
def test_recommendation_page_lists_the_actions_answering_it(request, world, persona, signed_in):
    user = request.getfixturevalue(persona)
    response = signed_in(user).get(world.recommendation.get_absolute_url())
    assert response.status_code == 200
    assert world.recommendation.text in response.text
    assert world.action.get_absolute_url() in response.text


def test_an_unanswered_recommendation_is_flagged(world, coordinator, signed_in):
    response = signed_in(coordinator).get(world.unanswered.get_absolute_url())
    assert "No action in the plans you can see answers this recommendation" in response.text


def test_recommendation_page_needs_sign_in(world, client):
    response = client.get(world.recommendation.get_absolute_url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_recommendation_page_hides_from_another_council(world, outsider, coordinator, signed_in):
    assert signed_in(outsider).get(world.recommendation.get_absolute_url()).status_code == 404
    assert signed_in(coordinator).get(world.elsewhere_recommendation.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("method", ["post", "delete"])
def test_recommendation_page_refuses_other_methods(world, coordinator, signed_in, method):
    assert getattr(signed_in(coordinator), method)(world.recommendation.get_absolute_url()).status_code == 405
