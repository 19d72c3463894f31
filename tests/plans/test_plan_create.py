"""Coordinators start a plan for their council from the plans list, as a draft (issue 16, item 1)."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from plans.models import DeliveryPlan


def create_url(world) -> str:
    return reverse("plans:create", args=[world.council.slug])


def test_the_plans_list_offers_the_coordinator_a_new_plan(world, coordinator, board, signed_in):
    assert create_url(world).encode() in signed_in(coordinator).get(reverse("plans:home")).content
    assert create_url(world).encode() not in signed_in(board).get(reverse("plans:home")).content


def test_a_coordinator_creates_a_draft_plan_recorded_in_the_history(world, coordinator, signed_in):
    response = signed_in(coordinator).post(
        create_url(world), {"year": " 2019-20 ", "heading": "Prevent Delivery Plan 2019 to 2020", "introduction": "Why"}
    )
    plan = DeliveryPlan.objects.get(council=world.council, year="2019-20")
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert (plan.status, plan.title, plan.introduction) == ("draft", "Prevent Delivery Plan 2019 to 2020", "Why")
    created = plan.history.get()
    assert (created.history_type, created.history_user) == ("+", coordinator)


def test_a_plan_without_a_title_takes_the_usual_one(world, coordinator, signed_in):
    signed_in(coordinator).post(create_url(world), {"year": "2019-20", "heading": "", "introduction": ""})
    assert DeliveryPlan.objects.get(council=world.council, year="2019-20").title == "Prevent Delivery Plan 2019-20"


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "Enter the financial year of the plan"),
        ("2019", "Enter the financial year like 2018-19"),
        ("2019-21", "Enter the financial year like 2018-19"),
        ("19-20", "Enter the financial year like 2018-19"),
        ("1999-00", "The financial year must be between 2000-01 and 2098-99"),
        ("2099-00", "The financial year must be between 2000-01 and 2098-99"),
        ("2018-19", "Tower Hamlets test council already has a plan for 2018-19"),
    ],
)
def test_a_bad_year_is_refused_with_a_message_and_changes_nothing(world, coordinator, signed_in, year, message):
    before = (DeliveryPlan.objects.count(), AuditEntry.objects.count())
    response = signed_in(coordinator).post(create_url(world), {"year": year, "heading": "", "introduction": ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (DeliveryPlan.objects.count(), AuditEntry.objects.count()) == before


def test_a_title_over_its_limit_is_refused(world, coordinator, signed_in):
    response = signed_in(coordinator).post(create_url(world), {"year": "2019-20", "heading": "x" * 201})
    assert "Title must be 200 characters or fewer" in response.content.decode()
    assert not DeliveryPlan.objects.filter(year="2019-20").exists()


def test_another_councils_plan_of_the_same_year_is_no_clash(world, coordinator, outsider, signed_in):
    assert signed_in(coordinator).post(create_url(world), {"year": "2019-20"}).status_code == 302
    response = signed_in(outsider).post(reverse("plans:create", args=[world.elsewhere.slug]), {"year": "2019-20"})
    assert response.status_code == 302
    assert DeliveryPlan.objects.filter(year="2019-20").count() == 2


def test_the_title_can_be_changed_later(world, coordinator, signed_in):
    data = {"heading": "Our Prevent plan", "status": "active", "introduction": "", "local_context": "", "version": 1}
    response = signed_in(coordinator).post(reverse("plans:edit", args=[world.plan.pk]), data)
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.title == "Our Prevent plan"
    assert world.plan.history.first().heading == "Our Prevent plan"
