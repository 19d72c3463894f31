import pytest
from django.core.cache import cache
from django.urls import reverse

from plans.access import plans_visible_to
from tests import factories as f

PERSONAS_WHO_SEE_THE_PLAN = ["coordinator", "lead", "board", "auditor"]


def test_home_lists_only_the_plans_the_user_may_see(world, coordinator, signed_in):
    response = signed_in(coordinator).get(reverse("plans:home"))
    assert response.status_code == 200
    assert world.council.name in response.text
    assert world.plan.get_absolute_url() in response.text
    assert world.elsewhere.name not in response.text
    assert world.elsewhere_plan.get_absolute_url() not in response.text


def test_home_for_a_lead_lists_the_plan_they_lead_in(world, lead, signed_in):
    response = signed_in(lead).get(reverse("plans:home"))
    assert world.plan.get_absolute_url() in response.text
    assert world.elsewhere_plan.get_absolute_url() not in response.text


def test_home_without_any_role_says_how_to_get_access(world, signed_in):
    response = signed_in(f.make_user()).get(reverse("plans:home"))
    assert response.status_code == 200
    assert "You do not have access to any plans yet" in response.text


@pytest.mark.parametrize("persona", PERSONAS_WHO_SEE_THE_PLAN)
def test_plan_page_reads_like_the_plan(request, world, persona, signed_in):
    user = request.getfixturevalue(persona)
    response = signed_in(user).get(world.plan.get_absolute_url())
    assert response.status_code == 200
    page = response.text
    assert "Prevent Delivery Plan 2018-19" in page
    assert world.action.title in page and world.other_action.title in page
    for header in ("Action", "Outcomes", "Outputs", "Timescale", "Lead", "RAG status"):
        assert f'<th scope="col" class="govuk-table__header">{header}</th>' in page
    assert world.project.name in page
    assert world.recommendation.text in page
    # A recommendation no action answers is flagged.
    assert "No action in this plan" in page
    # The working plan shows withheld passages, marked.
    assert "A sensitive passage." in page and "app-withheld" in page


def test_plan_page_hides_withdrawn_actions(world, coordinator, signed_in):
    from django.utils import timezone

    world.other_action.withdrawn_at = timezone.now()
    world.other_action.save(update_fields=["withdrawn_at"])
    response = signed_in(coordinator).get(world.plan.get_absolute_url())
    assert world.other_action.title not in response.text


def test_plan_page_needs_sign_in(world, client):
    response = client.get(world.plan.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_plan_page_hides_from_another_councils_coordinator(world, outsider, signed_in):
    assert signed_in(outsider).get(world.plan.get_absolute_url()).status_code == 404


def test_plan_page_hides_from_a_lead_of_another_plan(world, signed_in):
    lead_elsewhere = f.make_user()
    f.make_lead(lead_elsewhere, world.elsewhere_action)
    assert signed_in(lead_elsewhere).get(world.plan.get_absolute_url()).status_code == 404
    assert signed_in(lead_elsewhere).get(world.elsewhere_plan.get_absolute_url()).status_code == 200


def test_plan_page_answers_404_for_an_unknown_id(coordinator, signed_in):
    assert signed_in(coordinator).get(reverse("plans:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_plan_page_refuses_other_methods(world, coordinator, signed_in, method):
    response = getattr(signed_in(coordinator), method)(world.plan.get_absolute_url())
    assert response.status_code == 405


def test_plan_page_runs_in_a_fixed_number_of_queries(world, coordinator, signed_in, django_assert_max_num_queries):
    client = signed_in(coordinator)
    client.get(world.plan.get_absolute_url())  # warm the session and content type caches
    cache.clear()  # the page as built, not as kept (tests/plans/test_plan_page.py counts that)
    with django_assert_max_num_queries(20) as small:
        client.get(world.plan.get_absolute_url())
    objective = world.plan.objectives.first()
    for _ in range(40):
        project = f.make_project(world.plan)
        project.objectives.set([objective])
        action = f.make_action(objective)
        action.answers.add(world.recommendation)
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(world.plan.get_absolute_url())


def test_plans_visible_to_counts_each_plan_once(world, coordinator, lead):
    f.make_lead(coordinator, world.action)  # a coordinator who also leads an action
    assert list(plans_visible_to(coordinator)) == [world.plan]
    assert list(plans_visible_to(lead)) == [world.plan]
