import re

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.mark.parametrize("persona", ["coordinator", "lead", "other_lead", "board", "auditor"])
def test_action_page_shows_the_action_to_everyone_who_sees_the_plan(request, world, persona, signed_in):
    user = request.getfixturevalue(persona)
    response = signed_in(user).get(world.action.get_absolute_url())
    assert response.status_code == 200
    assert world.action.title in response.text
    assert world.action.lead in response.text
    assert world.action.timescale in response.text
    # It links the recommendation it answers.
    assert world.recommendation.get_absolute_url() in response.text


def test_action_page_shows_status_updates_newest_first(world, coordinator, signed_in):
    from actions.models import StatusUpdate

    for rag, commentary in [("amber", "Slipping: venue lost"), ("green", "Back on track")]:
        StatusUpdate.objects.create(
            action=world.action,
            rag=rag,
            previous_rag="not_started",
            commentary=commentary,
            as_of="2018-09-01",
            created_by=coordinator,
        )
    page = signed_in(coordinator).get(world.action.get_absolute_url()).text
    assert page.index("Back on track") < page.index("Slipping: venue lost")


def test_action_page_needs_sign_in(world, client):
    response = client.get(world.action.get_absolute_url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_action_page_hides_from_another_council(world, outsider, signed_in):
    assert signed_in(outsider).get(world.action.get_absolute_url()).status_code == 404


def test_action_ids_cannot_be_guessed_across_councils(world, coordinator, signed_in):
    client = signed_in(coordinator)
    assert client.get(world.elsewhere_action.get_absolute_url()).status_code == 404
    assert client.get(reverse("actions:detail", args=[999999])).status_code == 404


def test_action_page_hides_from_a_signed_in_user_without_a_role(world, signed_in):
    assert signed_in(f.make_user()).get(world.action.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_action_page_refuses_other_methods(world, coordinator, signed_in, method):
    assert getattr(signed_in(coordinator), method)(world.action.get_absolute_url()).status_code == 405


def test_action_page_names_what_it_withholds_as_the_form_offers_it(world, coordinator, signed_in):
    world.action.withheld_fields = ["outputs", "title", "lead"]
    world.action.save(update_fields=["withheld_fields"])
    page = signed_in(coordinator).get(world.action.get_absolute_url()).text
    match = re.search(r"Withheld from publication</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.DOTALL)
    assert match and match.group(1).strip() == "Action, Outputs, Lead"
