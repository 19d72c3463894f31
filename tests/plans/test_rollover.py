"""Rollover on the demo 2018-19 plan: objectives copied, unfinished actions carried and linked, the rest left."""

import datetime

import pytest
from django.urls import reverse
from guardian.shortcuts import get_users_with_perms

from actions import services as action_services
from actions.models import Action
from demo.demo import load_demo
from imports.services_rollover import plan_rollover
from plans.models import DeliveryPlan


@pytest.fixture
def demo(db):
    load_demo()
    return DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2018-19")


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


def test_rolling_the_demo_2018_19_plan_over(demo, django_user_model, signed_in):
    coordinator = django_user_model.objects.get(username="coordinator")
    actions = {action.reference: action for action in demo.actions.all()}
    finish(actions["4.1"], coordinator)  # the Communication Strategy was delivered
    finish(actions["2.2"], coordinator)
    action_services.action_withdraw(action=actions["3.1"], by=coordinator, expected_version=1)

    client = signed_in(coordinator)
    page = client.get(reverse("plans:rollover", args=[demo.pk]))
    assert page.status_code == 200
    assert "21 actions carried over" in page.text and "3 actions left behind" in page.text
    assert 'value="2019-20"' in page.text

    response = client.post(reverse("plans:rollover", args=[demo.pk]), {"year": "2019-20"})
    new_plan = DeliveryPlan.objects.get(council=demo.council, year="2019-20")
    assert response.status_code == 302 and response.url == new_plan.get_absolute_url()
    assert new_plan.status == "draft"
    assert [(o.number, o.title) for o in new_plan.objectives.all()] == [
        (o.number, o.title) for o in demo.objectives.all()
    ]
    carried = {action.reference: action for action in new_plan.actions.all()}
    assert set(carried) == set(actions) - {"4.1", "2.2", "3.1"}
    for reference, action in carried.items():
        original = actions[reference]
        assert action.carried_from == original
        assert action.title == original.title and action.timescale == original.timescale
        assert action.objective.number == original.objective.number and action.objective.plan == new_plan
        assert set(action.answers.all()) == set(original.answers.all())
    # The Performance Management Framework still answers Peer Review recommendations 1 and 4 next year.
    assert sorted(carried["4.9"].answers.values_list("number", flat=True)) == [1, 4]
    # The education lead still reports on their carried actions.
    lead_of = {u.username for u in get_users_with_perms(carried["1.1"], only_with_perms_in=["update_status"])}
    assert lead_of == {"education-lead"}
    # The carried action's page links back to the one it continues; history says who carried it.
    page = client.get(carried["4.9"].get_absolute_url()).text
    assert actions["4.9"].get_absolute_url() in page
    history = carried["4.9"].history.earliest("history_date")
    assert history.history_user == coordinator
    assert history.history_change_reason == "Carried over from action 4.9 of 2018-19"
    # Nothing in the old plan changed.
    assert demo.actions.count() == 24


def test_a_year_that_already_has_a_plan_is_refused(demo, django_user_model, signed_in):
    coordinator = django_user_model.objects.get(username="coordinator")
    response = signed_in(coordinator).post(reverse("plans:rollover", args=[demo.pk]), {"year": "2018-19"})
    assert response.status_code == 200
    assert "already has a plan for 2018-19" in response.text
    response = signed_in(coordinator).post(reverse("plans:rollover", args=[demo.pk]), {"year": "2019-2020"})
    assert "Enter the financial year like 2018-19" in response.text
    assert DeliveryPlan.objects.filter(council=demo.council).count() == 2


@pytest.mark.parametrize("username", ["education-lead", "board", "auditor"])
def test_only_coordinators_roll_a_plan_over(demo, django_user_model, signed_in, username):
    client = signed_in(django_user_model.objects.get(username=username))
    assert client.get(reverse("plans:rollover", args=[demo.pk])).status_code == 403
    assert client.post(reverse("plans:rollover", args=[demo.pk]), {"year": "2019-20"}).status_code == 403
    assert not DeliveryPlan.objects.filter(year="2019-20").exists()


def test_another_council_cannot_roll_the_plan_over(demo, django_user_model, signed_in, client):
    outsider = signed_in(django_user_model.objects.get(username="example-coordinator"))
    assert outsider.post(reverse("plans:rollover", args=[demo.pk]), {"year": "2019-20"}).status_code == 404
    assert client.get(reverse("plans:rollover", args=[demo.pk])).status_code == 302
    assert not DeliveryPlan.objects.filter(year="2019-20").exists()


def test_next_years_plan_sets_out_its_tables_as_this_one_does(world, coordinator):
    world.plan.rag_column = False  # as Tower Hamlets' 2017-18 plan: no RAG status column
    world.plan.save()
    new_plan = plan_rollover(plan=world.plan, year="2019-20", by=coordinator)
    assert new_plan.rag_column is False
