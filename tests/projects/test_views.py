import pytest
from django.urls import reverse


@pytest.mark.parametrize("persona", ["coordinator", "lead", "other_lead", "board", "auditor"])
def test_project_page_shows_the_project_and_its_output_targets(request, world, persona, signed_in):
    user = request.getfixturevalue(persona)
    response = signed_in(user).get(world.project.get_absolute_url())
    assert response.status_code == 200
    assert world.project.name in response.text
    assert "300 Workshops" in response.text


def test_project_page_needs_sign_in(world, client):
    response = client.get(world.project.get_absolute_url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_project_page_hides_from_another_council(world, outsider, coordinator, signed_in):
    assert signed_in(outsider).get(world.project.get_absolute_url()).status_code == 404
    assert signed_in(coordinator).get(world.elsewhere_project.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("method", ["post", "delete"])
def test_project_page_refuses_other_methods(world, coordinator, signed_in, method):
    assert getattr(signed_in(coordinator), method)(world.project.get_absolute_url()).status_code == 405
