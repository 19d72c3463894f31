"""The plan page is read from the read model and kept rendered by the plan's revision: a fixed, small number of
queries once kept, never older than the data, and the coordinators' change links only for those who may edit."""

import datetime

from django.urls import reverse

from actions import services as action_services
from tests import factories as f

CHANGE_OBJECTIVE = "objectives:edit"


def test_a_kept_plan_page_costs_a_few_queries_whatever_the_plan(
    world, coordinator, signed_in, django_assert_max_num_queries
):
    client = signed_in(coordinator)
    first = client.get(world.plan.get_absolute_url()).text  # renders it, and keeps it
    with django_assert_max_num_queries(6):
        kept = client.get(world.plan.get_absolute_url()).text
    assert kept.split('id="contents-title"')[1] == first.split('id="contents-title"')[1]
    objective = world.plan.objectives.first()
    for _ in range(20):
        f.make_action(objective).answers.add(world.recommendation)
    client.get(world.plan.get_absolute_url())
    with django_assert_max_num_queries(6):
        client.get(world.plan.get_absolute_url())


def _row(page: str, action) -> str:
    return page.split(f'id="action-{action.reference}"')[1].split("</tr>")[0]


def test_a_change_shows_on_the_next_view(world, coordinator, signed_in):
    client = signed_in(coordinator)
    assert "Complete" not in _row(client.get(world.plan.get_absolute_url()).text, world.action)
    action_services.action_update_status(
        action=world.action,
        rag="complete",
        commentary="All schools reached",
        as_of=datetime.date.today(),
        evidence=None,
        by=coordinator,
        expected_version=world.action.version,
    )
    assert "Complete" in _row(client.get(world.plan.get_absolute_url()).text, world.action)
    f.make_action(world.plan.objectives.first(), title="A newly added action")
    assert "A newly added action" in client.get(world.plan.get_absolute_url()).text


def test_only_those_who_may_edit_get_the_change_links_whoever_came_first(world, coordinator, board, lead, signed_in):
    change = reverse(CHANGE_OBJECTIVE, args=[world.plan.objectives.first().pk])
    assert change not in signed_in(board).get(world.plan.get_absolute_url()).text
    assert change in signed_in(coordinator).get(world.plan.get_absolute_url()).text
    assert change not in signed_in(lead).get(world.plan.get_absolute_url()).text
    assert change not in signed_in(board).get(world.plan.get_absolute_url()).text
