"""Rollover reads right (issue 16, item 9): what was answered stays answered, last year's timescales are to review
rather than overdue, and projects can be carried."""

import datetime

import pytest
from django.urls import reverse

from actions import services as action_services
from actions.models import Action
from board.dashboard import build_dashboard
from core.access import leads_of
from imports.services_rollover import plan_rollover
from plans.models import DeliveryPlan
from projects.models import CommissionedProject
from tests import factories as f


def finish(action: Action, by) -> None:
    action.refresh_from_db()
    action_services.action_update_status(
        action=action,
        rag="complete",
        commentary="Delivered",
        as_of=datetime.date(2019, 3, 1),
        evidence=None,
        by=by,
        expected_version=action.version,
    )


def roll(client, world, **extra) -> DeliveryPlan:
    response = client.post(reverse("plans:rollover", args=[world.plan.pk]), {"year": "2019-20", **extra})
    assert response.status_code == 302
    return DeliveryPlan.objects.get(council=world.council, year="2019-20")


def test_a_recommendation_answered_by_an_action_completed_last_year_stays_answered(world, coordinator, signed_in):
    finish(world.action, coordinator)  # world.action answers world.recommendation
    client = signed_in(coordinator)
    new_plan = roll(client, world)
    assert not new_plan.actions.filter(answers=world.recommendation).exists()  # left behind, as it is complete

    page = client.get(new_plan.get_absolute_url()).content.decode()
    answered = f'Answered in 2018-19 by <a class="govuk-link" href="{world.action.get_absolute_url()}">'
    assert answered in page
    assert page.count("No action in this plan") == 1  # world.unanswered, which nothing ever answered

    dashboard = build_dashboard(new_plan)
    [review] = dashboard.reviews
    progress = {p.recommendation.pk: p for p in review.recommendations}
    assert progress[world.recommendation.pk].earlier == [world.action]
    assert progress[world.unanswered.pk].earlier == []
    assert dashboard.unanswered == 1
    page = client.get(reverse("plans:dashboard", args=[new_plan.pk])).content.decode()
    assert answered in page and page.count("No action answers this") == 1


def test_carried_actions_whose_timescale_passed_are_to_review_not_overdue(world, coordinator, signed_in):
    Action.objects.filter(pk=world.other_action.pk).update(timescale="September 2018", due_date="2018-09-30")
    Action.objects.filter(pk=world.action.pk).update(timescale="June 2019", due_date="2019-06-30")
    client = signed_in(coordinator)
    new_plan = roll(client, world)
    passed = new_plan.actions.get(carried_from=world.other_action)
    still_ahead = new_plan.actions.get(carried_from=world.action)
    assert passed.timescale_to_review and not still_ahead.timescale_to_review
    first_day = new_plan.start_date
    assert not passed.is_overdue(first_day)
    # On the Board's dashboard too (today, 2019-20 long past, the action still due in June 2019 is overdue).
    overdue = {item.pk for item in build_dashboard(new_plan).overdue if item.kind == "action"}
    assert passed.pk not in overdue and still_ahead.pk in overdue

    assert "Timescale to review" in client.get(passed.get_absolute_url()).content.decode()
    # Also the world's third action, due September 2018; not the one due June 2019.
    assert client.get(new_plan.get_absolute_url()).content.decode().count("Timescale to review") == 2

    fields = {"timescale": "March 2020", "due_date": datetime.date(2020, 3, 31)}
    action_services.action_change(
        action=passed, fields=fields, answers=[], leads=[], by=coordinator, expected_version=passed.version
    )
    passed.refresh_from_db()
    assert not passed.timescale_to_review
    assert passed.history.first().timescale_to_review is False


def test_changing_other_fields_keeps_the_timescale_to_review(world, coordinator):
    Action.objects.filter(pk=world.other_action.pk).update(due_date="2018-09-30")
    new_plan = plan_rollover(plan=world.plan, year="2019-20", by=coordinator)
    passed = new_plan.actions.get(carried_from=world.other_action)
    action_services.action_change(
        action=passed,
        fields={"title": "Renamed", "timescale": passed.timescale, "due_date": passed.due_date},
        answers=[],
        leads=[],
        by=coordinator,
        expected_version=passed.version,
    )
    passed.refresh_from_db()
    assert passed.timescale_to_review


@pytest.mark.parametrize("carry", [True, False])
def test_projects_are_carried_when_chosen(world, coordinator, lead, signed_in, carry):
    done = f.make_project(world.plan, name="Finished project", rag="complete")
    client = signed_in(coordinator)
    assert (
        "Carry the commissioned projects"
        in client.get(reverse("plans:rollover", args=[world.plan.pk])).content.decode()
    )
    new_plan = roll(client, world, **({"carry_projects": "on"} if carry else {}))
    carried = list(CommissionedProject.objects.filter(plan=new_plan))
    if not carry:
        assert carried == []
        return
    [project] = carried
    assert project.name == world.project.name and project.name != done.name
    assert [o.title for o in project.objectives.all()] == ["Target support"]
    assert project.objectives.get().plan == new_plan
    assert [(t.description, t.target) for t in project.output_targets.all()] == [("300 Workshops", 300)]
    assert leads_of(project) == [lead]
    assert project.history.order_by("history_id").first().history_user == coordinator
