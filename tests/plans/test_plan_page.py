"""The plan page is read from the read model and kept rendered by the plan's revision: a fixed, small number of
queries once kept, never older than the data, and the coordinators' change links only for those who may edit."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse

from actions import services as action_services
from actions.models import Action
from core import audit
from plans.models import ActionArising, BoardMeeting
from projects.models import OutputTarget
from snapshots.revision import plan_revision
from tests import factories as f

CHANGE_OBJECTIVE = "objectives:edit"


def test_a_kept_plan_page_costs_a_few_queries_whatever_the_plan(
    world, coordinator, signed_in, django_assert_max_num_queries
):
    client = signed_in(coordinator)
    first = client.get(world.plan.get_absolute_url()).text  # renders it, and keeps it
    with django_assert_max_num_queries(4):
        kept = client.get(world.plan.get_absolute_url()).text
    assert kept.split('id="contents-title"')[1] == first.split('id="contents-title"')[1]
    objective = world.plan.objectives.first()
    for _ in range(20):
        f.make_action(objective).answers.add(world.recommendation)
    client.get(world.plan.get_absolute_url())
    with django_assert_max_num_queries(4):
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


def _meeting(world):
    return BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2026, 3, 1))


def _earlier_plan_answers(world):
    earlier = f.make_plan(world.council, year="2016-17")
    f.make_action(f.make_objective(earlier)).answers.add(world.unanswered)


# One change of each kind the plan's pages show, made as any code would make it (the change record follows the
# history, whoever writes it).
CHANGES = {
    "the plan": lambda world: _save(world.plan, heading="A renamed plan"),
    "an objective": lambda world: _save(world.plan.objectives.first(), title="A renamed objective"),
    "an action": lambda world: _save(world.action, title="A renamed action"),
    "an action's answers": lambda world: world.other_action.answers.add(world.unanswered),
    "a project": lambda world: _save(world.project, provider="Another provider"),
    "an output": lambda world: OutputTarget.objects.create(project=world.project, description="Sessions", target=4),
    "a meeting": lambda world: _save(_meeting(world), decisions="Agreed the plan"),
    "an action arising": lambda world: ActionArising.objects.create(
        meeting=_meeting(world), description="Write to schools", owner="Prevent lead"
    ),
    "a review": lambda world: _save(world.recommendation.review, title="A renamed review"),
    "a recommendation": lambda world: _save(world.recommendation, text="A reworded recommendation"),
    "an earlier plan's action": _earlier_plan_answers,
}


def _save(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()
    return instance


@pytest.mark.parametrize("change", CHANGES)
def test_every_kind_of_change_renews_the_revision_the_pages_are_kept_by(world, change):
    before = plan_revision(world.plan)
    elsewhere = plan_revision(world.elsewhere_plan)
    CHANGES[change](world)
    assert plan_revision(world.plan) != before
    assert plan_revision(world.elsewhere_plan) == elsewhere  # another council's pages stay kept


@pytest.mark.django_db(transaction=True)
def test_a_change_that_commits_after_a_later_one_still_shows(world, coordinator, signed_in):
    """Two people save at nearly the same moment, and the one who started first commits last. A page rendered
    between the two commits must not be kept under a revision that stays current once the first one commits."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time, so changes cannot commit out of the order they began in")
    written, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        try:
            with audit.chained():
                _save(Action.objects.get(pk=world.action.pk), title="Begun first, committed last")
                written.set()  # its change record has its id; the transaction stays open
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(timeout=10)
    _save(Action.objects.get(pk=world.other_action.pk), title="Begun second, committed first")
    client = signed_in(coordinator)
    between = client.get(world.plan.get_absolute_url()).text
    assert "Begun second, committed first" in between
    assert "Begun first, committed last" not in between
    release.set()
    thread.join(timeout=30)
    after = client.get(world.plan.get_absolute_url()).text
    assert "Begun first, committed last" in after
    assert "Begun second, committed first" in after
