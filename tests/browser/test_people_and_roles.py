"""The coordinator keeps the council's people and roles on the service's own pages, without JavaScript: from the
Board page to People and roles, gives the education lead the Board member role, then takes it away again. Every
page on the way, the error state included, passes axe-core."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from plans.models import Membership, Role

from .conftest import assert_accessible_as_served, sign_in

pytestmark = pytest.mark.browser


def test_a_coordinator_gives_and_takes_away_a_role_without_javascript(
    page_without_javascript: Page, browser: Browser
) -> None:
    page = page_without_javascript
    page.goto("/councils/tower-hamlets/board/")
    sign_in(page, "coordinator")
    page.get_by_role("link", name=re.compile(r"^People and roles in ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and roles")
    assert_accessible_as_served(page, browser)

    page.get_by_role("button", name="Give the role").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the person")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the role")
    assert_accessible_as_served(page, browser)

    page.get_by_label("Person").select_option(label="education-lead")
    page.get_by_label("Board member").check()
    page.get_by_role("button", name="Give the role").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("education-lead is now board member")
    membership = Membership.objects.get(user__username="education-lead", council__slug="tower-hamlets")
    assert membership.role == Role.BOARD

    page.get_by_role("link", name="Take away the role Board member from education-lead").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Take away the role Board member")
    assert_accessible_as_served(page, browser)
    page.get_by_role("button", name="Take away the role").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("no longer board member")
    assert not Membership.objects.filter(pk=membership.pk).exists()
