"""The Tower Hamlets Prevent coordinator's journey through the demo data, in Debian's Chromium.

Each page on the way is checked with axe-core against the WCAG 2.2 A and AA rules.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

SERVICE = "Prevent delivery plan tracker"
COUNCIL = "London Borough of Tower Hamlets"
REVIEW = "Tower Hamlets Peer Review 2018"
ACTION_4_9 = "Develop a Performance Management Framework for Prevent"


def summary_value(page: Page, key: str) -> Locator:
    """The value of a GOV.UK summary list row, found by its key."""
    return (
        page.locator(".govuk-summary-list__row")
        .filter(has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$")))
        .locator(".govuk-summary-list__value")
    )


def open_plan(page: Page, year: str) -> None:
    plans = page.get_by_role("table", name=f"Plans of {COUNCIL}")
    plans.get_by_role("link", name=f"Prevent Delivery Plan {year}", exact=True).click()
    expect(page).to_have_title(f"Prevent Delivery Plan {year}, {COUNCIL} - {SERVICE}")


def test_coordinator_signs_in_and_follows_an_action_to_its_recommendations(page: Page) -> None:
    # Anyone signed out who opens the site is sent to sign in, and comes back to where they were going.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page).to_have_title(f"Sign in - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    # A wrong password: the GOV.UK error summary, which does not tell whether the username exists.
    sign_in(page, "coordinator", "not-the-password")
    expect(page).to_have_title(f"Error: Sign in - {SERVICE}")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_contain_text("Enter a correct username and password")
    known_user_message = summary.inner_text()
    assert_accessible(page)
    sign_in(page, "nobody-by-this-name", "not-the-password")
    expect(page).to_have_title(f"Error: Sign in - {SERVICE}")
    assert page.locator(".govuk-error-summary").inner_text() == known_user_message
    for word in ("exist", "unknown", "not found", "no account"):
        assert word not in known_user_message.lower()

    # The right password: the list of the coordinator's plans.
    sign_in(page, "coordinator")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page).to_have_title(f"Your plans - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Prevent Delivery Plans")
    expect(page.get_by_role("heading", level=2, name=COUNCIL)).to_be_visible()
    assert_accessible(page)

    # The 2018-19 plan, with its objectives' actions in tables.
    open_plan(page, "2018-19")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevent Delivery Plan 2018-19")
    expect(page.locator(".govuk-caption-l").first).to_have_text(COUNCIL)
    objective_4 = page.get_by_role("table", name="Actions under objective 4")
    expect(objective_4.get_by_role("row").filter(has_text=ACTION_4_9)).to_have_count(1)
    expect(page.get_by_role("table", name="Actions under objective 1").get_by_role("row")).not_to_have_count(0)
    assert_accessible(page)

    # Action 4.9, from its link in the objective 4 table.
    objective_4.get_by_role("link", name=ACTION_4_9, exact=True).click()
    expect(page).to_have_title(f"Action 4.9, Prevent Delivery Plan 2018-19 - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(ACTION_4_9)
    expect(summary_value(page, "Lead")).to_contain_text("Prevent Co-ordinator")
    expect(summary_value(page, "Timescale")).to_contain_text("September 2018")
    answers = summary_value(page, "Answers")
    expect(answers.get_by_role("link")).to_have_text([f"{REVIEW}, recommendation 1", f"{REVIEW}, recommendation 4"])
    assert_accessible(page)

    # Recommendation 1 of the Peer Review, which lists 4.9 among the actions answering it.
    answers.get_by_role("link", name=f"{REVIEW}, recommendation 1", exact=True).click()
    expect(page).to_have_title(f"Recommendation 1, {REVIEW} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 1")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Develop performance management framework for Prevent")
    answering = page.get_by_role("table", name="Actions answering recommendation 1")
    expect(answering.get_by_role("link", name=f"4.9 {ACTION_4_9}", exact=True)).to_be_visible()
    assert_accessible(page)

    # Back to the plans, the 2017-18 plan and one of its commissioned projects.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Plans").click()
    open_plan(page, "2017-18")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevent Delivery Plan 2017-18")
    assert_accessible(page)
    projects = page.get_by_role("table", name="Commissioned projects")
    projects.get_by_role("link", name="Building community resilience", exact=True).click()
    expect(page).to_have_title(f"Building community resilience, Prevent Delivery Plan 2017-18 - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Building community resilience")
    assert_accessible(page)

    # The accessibility statement, from the footer.
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    expect(page).to_have_title(f"Accessibility statement - {SERVICE}")
    assert_accessible(page)


def test_skip_link_comes_first_and_sign_out_returns_to_sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Needs attention, {COUNCIL} - {SERVICE}")

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to main content")
    expect(focused).to_have_attribute("href", "#main-content")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(page.locator("main#main-content")).to_be_focused()

    page.get_by_role("banner").or_(page.locator(".app-account-bar")).get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_signing_in_and_reading_a_plan_work_without_javascript(page_without_javascript: Page) -> None:
    page = page_without_javascript
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Your plans - {SERVICE}")
    open_plan(page, "2018-19")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevent Delivery Plan 2018-19")
    objective_4 = page.get_by_role("table", name="Actions under objective 4")
    objective_4.get_by_role("link", name=ACTION_4_9, exact=True).click()
    expect(summary_value(page, "Lead")).to_contain_text("Prevent Co-ordinator")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
