"""The plan as it stood at any moment is rebuilt exactly from the history."""

import datetime

from django.utils import timezone

from actions import services as action_services
from projects import services as project_services
from snapshots.snapshot import plan_items, plan_snapshot
from tests import factories as f


def report(action, rag: str, by, commentary: str) -> None:
    action.refresh_from_db()
    action_services.action_update_status(
        action=action,
        rag=rag,
        commentary=commentary,
        as_of=datetime.date(2018, 9, 1),
        evidence=None,
        by=by,
        expected_version=action.version,
    )


def summary(snapshot) -> dict:
    return {
        "objectives": [(o.number, o.title, [a.reference for a in o.actions]) for o in snapshot.objectives],
        "actions": {
            a.reference: (a.title, a.rag, sorted(a.answers), a.latest_update.commentary if a.latest_update else None)
            for a in snapshot.actions
        },
        "projects": [(p.name, p.rag, [(o.description, o.delivered) for o in p.outputs]) for p in snapshot.projects],
        "introduction": snapshot.introduction,
    }


def test_a_plan_edited_over_time_is_rebuilt_exactly_at_each_moment(world, coordinator, lead):
    moments = {"start": timezone.now()}
    start = summary(plan_snapshot(world.plan, moments["start"]))

    report(world.action, "amber", lead, "Venue lost")
    action = world.action
    action.refresh_from_db()
    action_services.action_change(
        action=action,
        fields={"title": "Curriculum work, reworded"},
        answers=[world.recommendation, world.unanswered],
        leads=[lead],
        by=coordinator,
        expected_version=action.version,
    )
    moments["edited"] = timezone.now()
    edited = summary(plan_snapshot(world.plan, moments["edited"]))

    report(world.action, "green", lead, "Back on track")
    world.other_action.refresh_from_db()
    action_services.action_withdraw(action=world.other_action, by=coordinator, expected_version=1)
    added = f.make_objective(world.plan, title="A new objective")
    moments["later"] = timezone.now()
    later = summary(plan_snapshot(world.plan, moments["later"]))

    # Now, as at each moment, the snapshot holds exactly what the plan held then.
    assert summary(plan_snapshot(world.plan, moments["start"])) == start
    assert summary(plan_snapshot(world.plan, moments["edited"])) == edited
    assert summary(plan_snapshot(world.plan, moments["later"])) == later
    # And the live snapshot equals the latest moment.
    assert summary(plan_snapshot(world.plan)) == later

    assert start["actions"]["1.1"][:2] == ("Prevent Education Officer to continue curriculum work", "not_started")
    assert edited["actions"]["1.1"] == (
        "Curriculum work, reworded",
        "amber",
        sorted([world.recommendation.pk, world.unanswered.pk]),
        "Venue lost",
    )
    assert later["actions"]["1.1"][1:] == (
        "green",
        sorted([world.recommendation.pk, world.unanswered.pk]),
        "Back on track",
    )
    assert "2.1" in edited["actions"] and "2.1" not in later["actions"]  # withdrawn
    assert [o[1] for o in start["objectives"]] == ["Target support", "Mainstream Prevent"]
    assert later["objectives"][-1][1] == added.title


def items(actions, projects) -> list[tuple]:
    return [(a.pk, a.reference, a.title, a.rag, a.objective_id, a.lead_agency) for a in actions] + [
        (p.pk, p.name, p.rag, sorted(p.objective_ids), p.lead) for p in projects
    ]


def test_the_items_alone_match_the_snapshot_at_every_moment(world, coordinator, lead, django_assert_num_queries):
    """What the dashboard compares a meeting with: the same actions and projects, in the same order, as the full
    snapshot of that moment, in 5 queries."""
    moments = [timezone.now()]
    report(world.action, "amber", lead, "Venue lost")
    world.other_action.refresh_from_db()
    action_services.action_withdraw(action=world.other_action, by=coordinator, expected_version=1)
    moments.append(timezone.now())
    f.make_project(world.plan, name="Mentoring").objectives.set([world.plan.objectives.last()])
    world.action.refresh_from_db()
    action_services.action_change(
        action=world.action,
        fields={"title": "Curriculum work, reworded"},
        answers=[world.recommendation],
        leads=[lead],
        by=coordinator,
        expected_version=world.action.version,
    )
    moments.append(timezone.now())
    seen = []
    for moment in moments:
        snapshot = plan_snapshot(world.plan, moment)
        with django_assert_num_queries(5):
            actions, projects = plan_items(world.plan, moment)
        assert items(actions, projects) == items(snapshot.actions, snapshot.projects)
        assert all(a.answers == set() and a.latest_update is None for a in actions)
        assert all(p.outputs == [] and p.latest_update is None for p in projects)
        seen.append(items(actions, projects))
    assert seen[0] != seen[1] != seen[2]  # a withdrawal, then a new project and a new title


def test_before_the_plan_existed_there_is_nothing(world):
    snapshot = plan_snapshot(world.plan, timezone.now() - datetime.timedelta(days=365))
    assert snapshot.objectives == [] and snapshot.actions == [] and snapshot.projects == []


def test_project_outputs_are_rebuilt_as_delivered_at_the_time(world, coordinator, lead):
    project = world.project
    target = project.output_targets.get()
    project_services.project_update_status(
        project=project,
        rag="green",
        commentary="120 workshops so far",
        as_of=datetime.date(2018, 10, 1),
        evidence=None,
        deliveries={target.pk: 120},
        by=lead,
        expected_version=project.version,
    )
    moment = timezone.now()
    project.refresh_from_db()
    project_services.project_update_status(
        project=project,
        rag="green",
        commentary="200 now",
        as_of=datetime.date(2018, 12, 1),
        evidence=None,
        deliveries={target.pk: 200},
        by=lead,
        expected_version=project.version,
    )
    then = plan_snapshot(world.plan, moment).projects[0]
    now = plan_snapshot(world.plan).projects[0]
    assert [(o.description, o.target, o.delivered) for o in then.outputs] == [("300 Workshops", 300, 120)]
    assert then.latest_update.commentary == "120 workshops so far"
    assert now.outputs[0].delivered == 200


def test_a_snapshot_costs_the_same_queries_whatever_the_plan_size(world, django_assert_num_queries, coordinator):
    moment = timezone.now()
    with django_assert_num_queries(13) as small:
        plan_snapshot(world.plan, moment)
    with django_assert_num_queries(9) as small_live:
        plan_snapshot(world.plan)
    objective = world.plan.objectives.first()
    for _ in range(30):
        action = f.make_action(objective)
        action.answers.add(world.recommendation)
        f.make_project(world.plan).objectives.set([objective])
    moment = timezone.now()
    with django_assert_num_queries(len(small.captured_queries)):
        plan_snapshot(world.plan, moment)
    with django_assert_num_queries(len(small_live.captured_queries)):
        plan_snapshot(world.plan)
