import re

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


def withheld_row(page: str) -> str:
    """The value of the page's "Withheld from publication" row, its markup stripped."""
    match = re.search(r"Withheld from publication</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.DOTALL)
    assert match, "no withheld row"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_project_page_names_what_it_withholds_as_the_form_offers_it(world, coordinator, signed_in):
    world.project.withheld_fields = ["description", "item", "unheaded_column"]
    world.project.save(update_fields=["withheld_fields"])
    page = signed_in(coordinator).get(world.project.get_absolute_url()).text
    # In the order the edit form offers them, in its words, never the stored names.
    assert withheld_row(page) == "The whole project, Description, Unheaded column"
