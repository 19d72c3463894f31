"""Each demo role from signing in to their first task, counting the pages the browser loads on the way (a redirect
is not a page: the browser follows it without showing anything). axe-core on every page shown; one journey with
JavaScript off."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from demo.demo import load_demo

from .conftest import assert_accessible, assert_accessible_as_served, sign_in

pytestmark = pytest.mark.browser

SERVICE = "Prevent delivery plan tracker"
COUNCIL = "London Borough of Tower Hamlets"
PLAN = "Prevent Delivery Plan 2018-19"


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> None:
    """Overrides the shared fixture: the demo as `make run` loads it, with its illustrative year of meetings."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(story=True)


@dataclass
class Loads:
    """Pages shown in the tab's main frame: documents answered with anything but a redirect."""

    count: int = 0

    def seen(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame.parent_frame is None and not 300 <= response.status < 400:
            self.count += 1


def signed_in(page: Page, username: str) -> Iterator[Loads]:
    page.goto("/accounts/login/")
    loads = Loads()
    page.on("response", loads.seen)
    sign_in(page, username)
    yield loads


def update_first_action(page: Page) -> None:
    page.get_by_role("link", name=re.compile(r"^Update status of 1\.1 ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update the status")
    page.get_by_label("Amber", exact=True).check()
    page.get_by_label("Commentary").fill("Two schools asked to move their sessions to the summer term.")


def test_a_lead_lands_on_my_actions_and_updates_an_action_in_three_page_loads(page: Page) -> None:
    loads = next(signed_in(page, "education-lead"))
    expect(page).to_have_title(f"My actions - {SERVICE}")
    mine = page.get_by_role("table", name="Actions and projects you report on")
    expect(mine).to_contain_text("2018-19")
    assert_accessible(page)
    update_first_action(page)
    assert_accessible(page)
    page.get_by_role("button", name="Save status update").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Status of action 1.1")
    assert_accessible(page)
    assert loads.count <= 3, f"{loads.count} page loads from signing in to the update saved"


def test_a_lead_does_the_same_without_javascript(page_without_javascript: Page, browser: Browser) -> None:
    page = page_without_javascript
    loads = next(signed_in(page, "education-lead"))
    expect(page).to_have_title(f"My actions - {SERVICE}")
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    assert_accessible_as_served(page, browser)
    update_first_action(page)
    assert_accessible_as_served(page, browser)
    page.get_by_role("button", name="Save status update").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Status of action 1.1")
    assert loads.count <= 3


def test_a_board_member_lands_on_the_dashboard_and_opens_the_latest_pack(page: Page) -> None:
    loads = next(signed_in(page, "board"))
    expect(page).to_have_title(f"Board dashboard, {PLAN} - {SERVICE}")
    meetings = page.locator("#board-meetings")
    expect(meetings).to_contain_text("Next Board meeting")
    expect(meetings).to_contain_text("Latest Board meeting")
    sections = page.get_by_role("navigation", name="On this page")
    for name in ("Summary", "Changes since the last meeting", "Red and amber, with commentary"):
        expect(sections.get_by_role("link", name=name)).to_be_visible()
    assert_accessible(page)
    meetings.get_by_role("link", name=re.compile(r"^its Board pack")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevent Programme Board")
    assert_accessible(page)
    assert loads.count == 2


def test_a_coordinator_lands_on_needs_attention_and_finds_an_action_by_its_reference(page: Page) -> None:
    loads = next(signed_in(page, "coordinator"))
    expect(page).to_have_title(f"Needs attention, {COUNCIL} - {SERVICE}")
    expect(page.get_by_role("heading", name="Drafts in progress")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Ask leads for status updates on {PLAN}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("status updates")
    assert_accessible(page)
    assert loads.count == 2

    plan_pages = page.get_by_role("navigation", name="This plan")
    plan_pages.get_by_role("link", name="Search").click()
    expect(page).to_have_title(re.compile(rf"^Search, {PLAN} - "))
    page.get_by_label("Action reference or words").fill("4.9")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("main").get_by_role("list").last
    expect(results.get_by_role("link").first).to_contain_text("4.9")
    assert_accessible(page)
    results.get_by_role("link").first.click()
    expect(page).to_have_title(re.compile(rf"^Action 4\.9, {PLAN} - "))


def test_an_auditor_lands_on_the_audit_record(page: Page) -> None:
    loads = next(signed_in(page, "auditor"))
    expect(page).to_have_title(f"The audit record - {SERVICE}")
    expect(page.get_by_role("heading", name="Your other pages")).to_be_visible()
    assert_accessible(page)
    assert loads.count == 1
