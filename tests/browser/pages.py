"""The service's pages as the browser tests find their way round them: shared by several journeys.

The service's and the demo's names; the GOV.UK components a test reads (summary lists, the error summary, banners,
the timeline); signing in from the home page, and opening a plan, one of its actions and the action's status form,
each page checked with axe-core on arrival.
"""

import re

from playwright.sync_api import Locator, Page, expect

from actions.models import Action
from plans.models import DeliveryPlan

from .conftest import assert_accessible, sign_in

SERVICE = "Prevent delivery plan tracker"
COUNCIL = "London Borough of Tower Hamlets"
PLAN = "Prevent Delivery Plan 2018-19"
ACTION_4_9 = "Develop a Performance Management Framework for Prevent"


def plan(year: str) -> DeliveryPlan:
    return DeliveryPlan.objects.get(council__slug="tower-hamlets", year=year)


def action_in(year: str, reference: str) -> Action:
    return Action.objects.get(plan__council__slug="tower-hamlets", plan__year=year, reference=reference)


def summary_value(page: Page, key: str) -> Locator:
    """The value of a GOV.UK summary list row, found by its key."""
    return (
        page.locator(".govuk-summary-list__row")
        .filter(has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$")))
        .locator(".govuk-summary-list__value")
    )


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def success_banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def timeline_entries(page: Page) -> Locator:
    return page.locator("ol.moj-timeline > li")


def sign_in_from_home(page: Page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_title(f"Sign in - {SERVICE}")
    assert_accessible(page)
    sign_in(page, username)
    expect(page).to_have_title(f"Your plans - {SERVICE}")
    assert_accessible(page)


def open_plan(page: Page, title: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Plans", exact=True).click()
    plans = page.get_by_role("table", name=f"Plans of {COUNCIL}")
    plans.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_title(f"{title}, {COUNCIL} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)


def open_action_from_plan(page: Page, objective: int, title: str, reference: str) -> None:
    table = page.get_by_role("table", name=f"Actions under objective {objective}")
    table.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_title(f"Action {reference}, {PLAN} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)


def open_status_form(page: Page, reference: str) -> None:
    page.get_by_role("link", name="Update status", exact=True).click()
    expect(page).to_have_title(f"Update the status of action {reference} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Update the status")
    assert_accessible(page)
