"""Each person lands on their work after signing in; the coordinator's "needs attention" page; the plan's search;
the plan's own pages reached from its sub-navigation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from plans.models import DeliveryPlan, Role, UpdateRequest, UpdateRequestRecipient
from tests import factories as f
from tests.factories import PASSWORD


def lands_on(client) -> str:
    response = client.get(reverse("plans:start"))
    assert response.status_code == 302
    return response.url


def test_each_role_lands_on_its_page(world, coordinator, lead, board, auditor, outsider, signed_in):
    assert lands_on(signed_in(coordinator)) == reverse("plans:attention", args=[world.council.slug])
    assert lands_on(signed_in(lead)) == reverse("plans:mine")
    assert lands_on(signed_in(board)) == reverse("plans:dashboard", args=[world.plan.pk])
    assert lands_on(signed_in(auditor)) == reverse("plans:audit")
    assert lands_on(signed_in(outsider)) == reverse("plans:attention", args=[world.elsewhere.slug])
    assert lands_on(signed_in(f.make_user("newcomer"))) == reverse("plans:home")


def test_several_roles_land_on_the_most_demanding_and_link_to_the_rest(world, lead, signed_in):
    f.make_member(lead, world.council, Role.AUDITOR)
    f.make_member(lead, world.council, Role.BOARD)
    client = signed_in(lead)
    assert lands_on(client) == reverse("plans:mine")
    page = client.get(reverse("plans:mine")).content.decode()
    assert reverse("plans:audit") in page and reverse("plans:dashboard", args=[world.plan.pk]) in page
    f.make_member(lead, world.council, Role.COORDINATOR)
    lead._council_roles = None
    assert lands_on(signed_in(lead)) == reverse("plans:attention", args=[world.council.slug])


def test_a_board_member_lands_on_the_newest_active_plan(world, board, signed_in):
    f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT)
    newer = f.make_plan(world.council, year="2020-21")
    assert lands_on(signed_in(board)) == reverse("plans:dashboard", args=[newer.pk])


def test_signing_in_lands_on_the_role_page(world, lead, client):
    lead.set_password(PASSWORD)
    lead.save()
    response = client.post(reverse("login"), {"username": lead.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:mine")
    assert "My actions" in response.content.decode()


def test_my_actions_shows_the_plan_year_and_leaves_drafts_out(world, lead, signed_in):
    draft = f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT)
    carried = f.make_action(f.make_objective(draft), title="Carried into the draft")
    f.make_lead(lead, carried)
    page = signed_in(lead).get(reverse("plans:mine")).content.decode()
    assert "Carried into the draft" not in page
    assert "2018-19" in page and "2019-20" not in page
    assert reverse("actions:update_status", args=[world.action.pk]) in page
    assert reverse("projects:update_status", args=[world.project.pk]) in page


def test_needs_attention_lists_overdue_stale_unanswered_requests_and_drafts(world, coordinator, lead, signed_in):
    Action.objects.filter(pk=world.action.pk).update(due_date=datetime.date(2018, 9, 30))
    f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT)
    request = UpdateRequest.objects.create(plan=world.plan, requested_by=coordinator, requested_at=timezone.now())
    UpdateRequestRecipient.objects.create(request=request, user=lead)
    page = signed_in(coordinator).get(reverse("plans:attention", args=[world.council.slug])).content.decode()
    assert world.action.title in page and "Overdue" in page and "Stale" in page
    assert "Not answered yet by" in page and lead.username in page
    assert "Drafts in progress" in page and "2019-20" in page
    assert world.elsewhere_action.title not in page


def test_needs_attention_costs_the_same_queries_whatever_the_council_size(
    world, coordinator, lead, signed_in, django_assert_num_queries
):
    client = signed_in(coordinator)
    url = reverse("plans:attention", args=[world.council.slug])
    request = UpdateRequest.objects.create(plan=world.plan, requested_by=coordinator, requested_at=timezone.now())
    UpdateRequestRecipient.objects.create(request=request, user=lead)
    client.get(url)
    small = _count(client, url, django_assert_num_queries)
    objective = f.make_objective(world.plan)
    for number in range(10):
        f.make_action(objective, title=f"More work {number}")
    f.make_project(world.plan)
    f.make_plan(world.council, year="2017-18", status=DeliveryPlan.Status.CLOSED)
    f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT)
    assert _count(client, url, django_assert_num_queries) == small


def _count(client, url, django_assert_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_search_finds_an_action_by_reference_or_words(world, lead, signed_in):
    client = signed_in(lead)
    url = reverse("plans:search", args=[world.plan.pk])
    page = client.get(url, {"q": world.action.reference}).content.decode()
    assert world.action.get_absolute_url() in page
    page = client.get(url, {"q": "curriculum education"}).content.decode()
    assert world.action.get_absolute_url() in page and world.other_action.get_absolute_url() not in page
    page = client.get(url, {"q": "no such words anywhere"}).content.decode()
    assert "0 results" in page and "No action or project of this plan matches" in page


def test_search_keeps_to_the_plan_the_user_may_see(world, lead, outsider, signed_in):
    url = reverse("plans:search", args=[world.plan.pk])
    assert signed_in(outsider).get(url, {"q": "a"}).status_code == 404
    page = signed_in(lead).get(url, {"q": world.elsewhere_action.title}).content.decode()
    assert world.elsewhere_action.get_absolute_url() not in page


def test_search_costs_the_same_queries_whatever_the_plan_size(world, coordinator, signed_in, django_assert_num_queries):
    client = signed_in(coordinator)
    url = reverse("plans:search", args=[world.plan.pk]) + "?q=work"
    objective = f.make_objective(world.plan)
    f.make_action(objective, title="Work one")
    small = _count(client, url, django_assert_num_queries)
    for number in range(20):
        f.make_action(objective, title=f"Work {number}")
    assert _count(client, url, django_assert_num_queries) == small


@pytest.mark.parametrize("name", ["plans:detail", "plans:dashboard", "plans:meetings", "plans:history", "plans:search"])
def test_every_plan_page_has_the_sub_navigation(world, coordinator, signed_in, name):
    page = signed_in(coordinator).get(reverse(name, args=[world.plan.pk])).content.decode()
    assert 'aria-label="This plan"' in page
    for target in ("plans:detail", "plans:dashboard", "plans:meetings", "plans:history", "plans:publish"):
        assert f'href="{reverse(target, args=[world.plan.pk])}"' in page
    nav = page.split('aria-label="This plan"', 1)[1].split("</nav>", 1)[0]
    assert nav.count('aria-current="page"') == 1
