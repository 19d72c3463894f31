"""An anonymous reader over the published pages' limit sees the "Too many requests" page, which passes axe."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from plans.models import DeliveryPlan
from publication.services import plan_publish

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_an_anonymous_reader_over_the_limit_is_told_to_wait(page: Page, settings) -> None:
    settings.ANONYMOUS_RATE_LIMITS = {**settings.ANONYMOUS_RATE_LIMITS, "published": 1}
    plan = DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2018-19")
    coordinator = get_user_model().objects.get(username="coordinator")
    plan = plan_publish(plan=plan, public=True, by=coordinator, expected_version=plan.version)

    page.goto(plan.get_published_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prevent Delivery Plan 2018-19")
    response = page.goto(plan.get_published_url())
    assert response is not None and response.status == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    expect(page).to_have_title("Too many requests - Prevent delivery plan tracker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many requests")
    expect(page.get_by_role("link", name="sign in")).to_be_visible()
    assert_accessible(page)
