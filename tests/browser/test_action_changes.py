"""Changing an action, and two people saving the same one, in Debian's Chromium.

The coordinator changes an action and sees its new title everywhere; two tabs save the same action's status, and
the later is shown the newer status and keeps what was typed. Every page on the way, error states included, is
checked with axe-core against the WCAG 2.2 A and AA rules.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import TIMEOUT_MS, assert_accessible, sign_in
from .pages import (
    ACTION_4_9,
    COUNCIL,
    PLAN,
    SERVICE,
    action_in,
    error_summary,
    open_action_from_plan,
    open_plan,
    open_status_form,
    sign_in_from_home,
    success_banner,
    summary_value,
    timeline_entries,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def second_page(browser: Browser, live_server: Any, page: Page) -> Iterator[Page]:
    """Another browser context (its own cookies: another tab of another session) on the same live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_coordinator_changes_an_action_and_sees_the_title_everywhere(page: Page) -> None:
    sign_in_from_home(page, "coordinator")
    open_plan(page, PLAN)
    open_action_from_plan(page, 4, ACTION_4_9, "4.9")

    page.get_by_role("link", name="Change action", exact=True).click()
    expect(page).to_have_title(f"Change action 4.9, {PLAN} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change action 4.9")
    title = page.get_by_role("textbox", name="Action", exact=True)
    expect(title).to_have_value(ACTION_4_9)
    assert_accessible(page)

    new_title = "Develop and publish a Performance Management Framework for Prevent"
    title.fill(new_title)
    page.get_by_label("Timescale").fill("December 2018")
    due = page.get_by_role("group", name="Due date (optional)")
    for part in ("Day", "Month", "Year"):  # blank: the due date follows the timescale, as the hint says
        due.get_by_label(part).fill("")
    page.get_by_role("button", name="Save action").click()

    expect(page).to_have_title(f"Action 4.9, {PLAN} - {SERVICE}")
    expect(success_banner(page)).to_contain_text("Action 4.9 saved")
    expect(page.get_by_role("heading", level=1)).to_have_text(new_title)
    expect(summary_value(page, "Timescale")).to_contain_text("December 2018")
    expect(summary_value(page, "Timescale")).to_contain_text("Due by 31 December 2018")
    assert_accessible(page)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=PLAN).click()
    expect(page).to_have_title(f"{PLAN}, {COUNCIL} - {SERVICE}")
    row = page.get_by_role("table", name="Actions under objective 4").get_by_role("row").filter(has_text="4.9")
    expect(row.get_by_role("link", name=new_title, exact=True)).to_be_visible()
    expect(row).to_contain_text("December 2018")
    expect(row.get_by_role("link", name=ACTION_4_9, exact=True)).to_have_count(0)
    assert_accessible(page)

    # Blank the title: the error summary says what to enter, and leads to the field.
    row.get_by_role("link", name=new_title, exact=True).click()
    page.get_by_role("link", name="Change action", exact=True).click()
    page.get_by_role("textbox", name="Action", exact=True).fill("")
    page.get_by_role("button", name="Save action").click()
    expect(page).to_have_title(f"Error: Change action 4.9, {PLAN} - {SERVICE}")
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["Enter what the action is"])
    assert_accessible(page)
    summary.get_by_role("link", name="Enter what the action is").click()
    expect(page.get_by_role("textbox", name="Action", exact=True)).to_be_focused()
    assert action_in("2018-19", "4.9").title == new_title


def test_a_stale_status_form_shows_the_newer_status_and_keeps_what_was_typed(page: Page, second_page: Page) -> None:
    action = action_in("2018-19", "4.9")
    first, second = page, second_page
    for tab in (first, second):
        tab.goto("/accounts/login/")
        sign_in(tab, "coordinator")
        expect(tab).to_have_title(f"Needs attention, {COUNCIL} - {SERVICE}")
        tab.goto(f"/actions/{action.pk}/")
        assert_accessible(tab)
        open_status_form(tab, "4.9")

    # The first saves Green.
    first.get_by_label("Green", exact=True).check()
    theirs = "Framework drafted and agreed by the Prevent Board."
    first.get_by_label("Commentary").fill(theirs)
    first.get_by_role("button", name="Save status update").click()
    expect(success_banner(first)).to_contain_text("Status of action 4.9 updated to Green")
    assert_accessible(first)

    # The second, opened before that, saves Red: the conflict page, with the newer status and its own words.
    mine = "Dashboard data feed from the police is still not agreed; the Board needs to step in."
    second.get_by_label("Red", exact=True).check()
    second.get_by_label("Commentary").fill(mine)
    with second.expect_response(lambda response: response.request.method == "POST") as posted:
        second.get_by_role("button", name="Save status update").click()
    assert posted.value.status == 409
    expect(second).to_have_title(f"Action 4.9 was updated after you opened this form - {SERVICE}")
    expect(second.get_by_role("region", name="Important")).to_contain_text(
        "Someone else saved a change after you opened the form"
    )
    expect(summary_value(second, "RAG status")).to_have_text("Green")
    expect(summary_value(second, "Latest commentary")).to_have_text(theirs)
    expect(summary_value(second, "Updated by")).to_contain_text("coordinator")
    expect(second.get_by_label("Red", exact=True)).to_be_checked()
    expect(second.get_by_label("Commentary")).to_have_value(mine)
    assert_accessible(second)
    assert action_in("2018-19", "4.9").rag == "green"

    # Saving deliberately records Red over Green.
    second.get_by_role("button", name="Save my change").click()
    expect(second).to_have_title(f"Action 4.9, {PLAN} - {SERVICE}")
    expect(success_banner(second)).to_contain_text("Status of action 4.9 updated to Red")
    expect(timeline_entries(second).first.get_by_role("heading", level=3)).to_have_text("Green to Red")
    expect(timeline_entries(second).first).to_contain_text(mine)
    expect(timeline_entries(second)).to_have_count(2)
    assert_accessible(second)
    assert action_in("2018-19", "4.9").rag == "red"
