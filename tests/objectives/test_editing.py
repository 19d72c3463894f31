"""The coordinator's pages for adding, changing and deleting a plan's objectives."""

import pytest
from django.urls import reverse

from objectives.models import Objective
from tests import factories as f


def create_url(plan) -> str:
    return reverse("objectives:create", args=[plan.pk])


def edit_url(objective: Objective) -> str:
    return reverse("objectives:edit", args=[objective.pk])


def delete_url(objective: Objective) -> str:
    return reverse("objectives:delete", args=[objective.pk])


@pytest.fixture
def first(world) -> Objective:
    return world.plan.objectives.get(number=1)


@pytest.fixture
def undelivered(world) -> Objective:
    """An objective no action or project delivers yet."""
    return f.make_objective(world.plan, title="Build community resilience")


def objective_post(**overrides) -> dict:
    data = {"number": "4", "title": "Support institutions", "description": "Schools, colleges and health"}
    return {**data, **overrides}


URLS = {
    "create": lambda world, objective: create_url(world.plan),
    "edit": lambda world, objective: edit_url(objective),
    "delete": lambda world, objective: delete_url(objective),
}


@pytest.mark.parametrize("page", URLS)
@pytest.mark.parametrize("persona", ["lead", "board", "auditor"])
def test_people_who_see_the_plan_but_do_not_coordinate_it_are_refused(
    request, world, undelivered, signed_in, page, persona
):
    client = signed_in(request.getfixturevalue(persona))
    url = URLS[page](world, undelivered)
    assert client.get(url).status_code == 403
    assert client.post(url, objective_post(version=1)).status_code == 403
    undelivered.refresh_from_db()
    assert undelivered.version == 1
    assert world.plan.objectives.count() == 3


@pytest.mark.parametrize("page", URLS)
def test_another_councils_coordinator_gets_not_found(world, undelivered, outsider, signed_in, page):
    url = URLS[page](world, undelivered)
    assert signed_in(outsider).get(url).status_code == 404
    assert signed_in(outsider).post(url, objective_post(version=1)).status_code == 404
    assert signed_in(f.make_user()).get(url).status_code == 404
    assert Objective.objects.filter(pk=undelivered.pk).exists()


@pytest.mark.parametrize("page", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(world, undelivered, client, page):
    url = URLS[page](world, undelivered)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", URLS)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(world, undelivered, coordinator, signed_in, page, method):
    assert getattr(signed_in(coordinator), method)(URLS[page](world, undelivered)).status_code == 405


def test_the_coordinator_cannot_reach_another_councils_objectives(world, coordinator, signed_in):
    elsewhere = world.elsewhere_plan.objectives.get()
    client = signed_in(coordinator)
    assert client.get(create_url(world.elsewhere_plan)).status_code == 404
    assert client.get(edit_url(elsewhere)).status_code == 404
    assert client.post(delete_url(elsewhere), {"version": 1}).status_code == 404
    assert Objective.objects.filter(pk=elsewhere.pk).exists()


# Adding


def test_the_add_form_offers_the_next_number(world, coordinator, signed_in):
    response = signed_in(coordinator).get(create_url(world.plan))
    assert response.status_code == 200
    assert 'name="number" value="3"' in response.text


def test_the_coordinator_adds_an_objective(world, coordinator, signed_in):
    response = signed_in(coordinator).post(create_url(world.plan), objective_post())
    assert response.status_code == 302 and response.url == f"{world.plan.get_absolute_url()}#objectives"
    added = world.plan.objectives.get(number=4)
    assert (added.title, added.description) == ("Support institutions", "Schools, colleges and health")
    assert added.history.get().history_user == coordinator


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"number": ""}, "Enter the objective number"),
        ({"number": "0"}, "The objective number must be a whole number between 1 and 99"),
        ({"number": "two"}, "The objective number must be a whole number between 1 and 99"),
        ({"number": "1"}, "This plan already has an objective 1: choose another number"),
        ({"title": ""}, "Enter the objective"),
        ({"title": "   "}, "Enter the objective"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_added(world, coordinator, signed_in, overrides, message):
    response = signed_in(coordinator).post(create_url(world.plan), objective_post(**overrides))
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert "<title>Error: " in response.text
    assert world.plan.objectives.count() == 2


def test_a_number_used_in_another_plan_is_free_in_this_one(world, coordinator, signed_in):
    next_year = f.make_plan(world.council, year="2019-20")
    assert signed_in(coordinator).post(create_url(next_year), objective_post(number="1")).status_code == 302
    assert next_year.objectives.get().number == 1


# Changing


def test_the_coordinator_changes_an_objective(world, first, coordinator, signed_in):
    client = signed_in(coordinator)
    assert "Target support" in client.get(edit_url(first)).text
    response = client.post(edit_url(first), objective_post(version=1, number="3", title="Targeted support"))
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.number, first.title, first.version) == (3, "Targeted support", 2)
    assert first.history.first().history_user == coordinator
    # Its actions stay with it.
    assert first.actions.filter(pk=world.action.pk).exists()


def test_an_objective_keeps_its_own_number_but_cannot_take_anothers(world, first, coordinator, signed_in):
    client = signed_in(coordinator)
    assert client.post(edit_url(first), objective_post(version=1, number="1")).status_code == 302
    first.refresh_from_db()
    response = client.post(edit_url(first), objective_post(version=2, number="2"))
    assert response.status_code == 200
    assert "This plan already has an objective 2: choose another number" in response.text
    first.refresh_from_db()
    assert (first.number, first.version) == (1, 2)


def test_a_stale_form_never_overwrites_a_newer_save(world, first, coordinator, signed_in):
    client = signed_in(coordinator)
    client.post(edit_url(first), objective_post(version=1, number="1", title="Their wording"))
    response = client.post(edit_url(first), objective_post(version=1, number="1", title="My wording"))
    assert response.status_code == 409
    assert "Their wording" in response.text and "My wording" in response.text
    first.refresh_from_db()
    assert (first.title, first.version) == ("Their wording", 2)


# Deleting


def test_the_coordinator_deletes_an_objective_nothing_delivers(world, undelivered, coordinator, signed_in):
    client = signed_in(coordinator)
    page = client.get(delete_url(undelivered))
    assert page.status_code == 200 and "Delete objective 3?" in page.text
    response = client.post(delete_url(undelivered), {"version": 1})
    assert response.status_code == 302 and response.url == f"{world.plan.get_absolute_url()}#objectives"
    assert not Objective.objects.filter(pk=undelivered.pk).exists()
    assert Objective.history.get(id=undelivered.pk, history_type="-").history_user == coordinator


def test_an_objective_with_actions_or_projects_cannot_be_deleted(world, first, coordinator, signed_in):
    client = signed_in(coordinator)
    page = client.get(delete_url(first))
    assert page.status_code == 200
    assert "This objective cannot be deleted" in page.text
    assert "1 action and 1 project" in page.text
    assert "govuk-button--warning" not in page.text and "Delete objective" not in page.text
    response = client.post(delete_url(first), {"version": 1})
    assert response.status_code == 409
    assert "This objective cannot be deleted" in response.text
    assert Objective.objects.filter(pk=first.pk).exists()


def test_an_objective_with_only_a_project_cannot_be_deleted(world, undelivered, coordinator, signed_in):
    world.project.objectives.add(undelivered)
    response = signed_in(coordinator).post(delete_url(undelivered), {"version": 1})
    assert response.status_code == 409 and "1 project" in response.text
    assert Objective.objects.filter(pk=undelivered.pk).exists()


def test_an_objective_changed_since_the_confirmation_opened_is_not_deleted(world, undelivered, coordinator, signed_in):
    client = signed_in(coordinator)
    client.post(edit_url(undelivered), objective_post(version=1, number="3", title="Newer wording"))
    response = client.post(delete_url(undelivered), {"version": 1})
    assert response.status_code == 409
    assert "Newer wording" in response.text and "Nothing has been deleted" in response.text
    assert Objective.objects.filter(pk=undelivered.pk).exists()
