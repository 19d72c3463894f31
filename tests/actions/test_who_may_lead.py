"""Leads are chosen among the council's own people and partners, never from another council (issue 15, item 6).

Someone from elsewhere gets the message an unknown username gets, so the form reveals nobody's account.
"""

import pytest
from django.urls import reverse

from core.access import leads_of
from plans.access import people_of
from plans.models import Role
from tests import factories as f
from tests.html import as_compared

from .test_editing import edit_post


def refused(name: str, council) -> str:
    return f"There is no account with the username {name} among the people and partners of {council.name}"


def post_action_leads(client, action, usernames: str):
    return client.post(reverse("actions:edit", args=[action.pk]), edit_post(action, lead_usernames=usernames))


@pytest.fixture
def stranger(world):
    """A lead in the other council's plan: a real account, but none of this council's."""
    user = f.make_user("elsewhere-lead")
    f.make_lead(user, world.elsewhere_action)
    return user


@pytest.mark.parametrize("persona", ["outsider", "stranger"])
def test_someone_from_another_council_cannot_be_made_a_lead(request, world, coordinator, lead, signed_in, persona):
    person = request.getfixturevalue(persona)
    response = post_action_leads(signed_in(coordinator), world.action, f"education-lead, {person.username}")
    assert response.status_code == 200
    assert refused(person.username, world.council) in response.text
    world.action.refresh_from_db()
    assert world.action.version == 1
    assert person not in leads_of(world.action)
    # Not handed the plan: it still does not exist for them.
    assert signed_in(person).get(world.plan.get_absolute_url()).status_code == 404


def test_an_account_elsewhere_and_no_account_get_the_same_answer(world, coordinator, outsider, signed_in):
    client = signed_in(coordinator)
    elsewhere = post_action_leads(client, world.action, outsider.username).text
    missing = post_action_leads(client, world.action, "no-such-person").text
    assert refused(outsider.username, world.council) in elsewhere
    assert refused("no-such-person", world.council) in missing
    assert as_compared(elsewhere.replace(outsider.username, "NAME")) == as_compared(
        missing.replace("no-such-person", "NAME")
    )


def test_the_councils_people_and_partners_can_be_made_leads_and_no_one_else(
    world, coordinator, board, auditor, other_lead, lead, outsider, signed_in
):
    ours = [board, auditor, other_lead, lead]
    names = ", ".join(person.username for person in ours)
    client = signed_in(coordinator)
    assert post_action_leads(client, world.action, f"{names}, {outsider.username}").status_code == 200
    assert leads_of(world.action) == [lead]
    assert post_action_leads(client, world.action, names).status_code == 302
    assert set(leads_of(world.action)) == set(ours)


def test_a_project_lead_from_another_council_is_refused_too(world, coordinator, outsider, signed_in):
    data = {"name": "Schools workshops", "timescale": "Ongoing", "lead_usernames": outsider.username}
    response = signed_in(coordinator).post(reverse("projects:create", args=[world.plan.pk]), data)
    assert response.status_code == 200
    assert refused(outsider.username, world.council) in response.text
    assert world.plan.projects.count() == 1


def test_people_of_a_council_are_its_members_and_the_leads_of_its_plans(world, lead, other_lead, board, stranger):
    assert set(people_of(world.council)) == {lead, other_lead, board}
    member_elsewhere = f.make_user("elsewhere-board")
    f.make_member(member_elsewhere, world.elsewhere, Role.BOARD)
    assert set(people_of(world.elsewhere)) == {stranger, member_elsewhere}
