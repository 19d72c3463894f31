"""The status form used by keyboard alone and without JavaScript, in Debian's Chromium.

Every page on the way, error states included, is checked with axe-core against the WCAG 2.2 A and AA rules; the
pages served to a browser without JavaScript through assert_accessible_as_served.
"""

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .conftest import assert_accessible, assert_accessible_as_served, sign_in
from .pages import COUNCIL, PLAN, SERVICE, action_in, error_summary, success_banner, timeline_entries

pytestmark = pytest.mark.browser


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab, as someone without a mouse would, until the target has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    pytest.fail(f"{target} never received the focus after {limit} presses of Tab")


def test_status_update_by_keyboard_alone(page: Page) -> None:
    action = action_in("2018-19", "4.9")
    page.goto("/accounts/login/")
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Needs attention, {COUNCIL} - {SERVICE}")
    page.goto(f"/actions/{action.pk}/")
    expect(page).to_have_title(f"Action 4.9, {PLAN} - {SERVICE}")
    assert_accessible(page)

    # From the top of the action page: Tab to "Update status", Enter.
    update_status = page.get_by_role("link", name="Update status", exact=True)
    tab_to(page, update_status)
    page.keyboard.press("Enter")
    expect(page).to_have_title(f"Update the status of action 4.9 - {SERVICE}")
    assert_accessible(page)

    # Tab into the radios lands on the first (none is checked: the action has no status yet); the arrow keys move
    # the choice down to Amber.
    not_started = page.get_by_label("Not started", exact=True)
    tab_to(page, not_started)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Green", exact=True)).to_be_checked()
    page.keyboard.press("ArrowDown")
    amber = page.get_by_label("Amber", exact=True)
    expect(amber).to_be_focused()
    page.keyboard.press("Space")
    expect(amber).to_be_checked()

    # Tab on to the commentary and type it; then on, past the date and the file, to the button; Enter saves.
    commentary = page.get_by_label("Commentary")
    page.keyboard.press("Tab")
    expect(commentary).to_be_focused()
    page.keyboard.type("Awaiting police data; framework drafted by keyboard.")
    save = page.get_by_role("button", name="Save status update")
    tab_to(page, save, limit=10)
    page.keyboard.press("Enter")

    expect(page).to_have_title(f"Action 4.9, {PLAN} - {SERVICE}")
    expect(success_banner(page)).to_contain_text("Status of action 4.9 updated to Amber")
    expect(timeline_entries(page).first).to_contain_text("Awaiting police data; framework drafted by keyboard.")
    assert_accessible(page)
    assert action_in("2018-19", "4.9").rag == "amber"


def test_status_update_works_without_javascript(page_without_javascript: Page, browser: Browser) -> None:
    page = page_without_javascript
    action = action_in("2018-19", "4.9")
    page.goto("/accounts/login/")
    assert_accessible_as_served(page, browser)
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Needs attention, {COUNCIL} - {SERVICE}")
    assert_accessible_as_served(page, browser)
    page.goto(f"/actions/{action.pk}/")
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    assert_accessible_as_served(page, browser)
    page.get_by_role("link", name="Update status", exact=True).click()
    expect(page).to_have_title(f"Update the status of action 4.9 - {SERVICE}")
    assert_accessible_as_served(page, browser)

    # Saved untouched: the server's error summary (no script is needed for it) and the form again.
    page.get_by_role("button", name="Save status update").click()
    expect(page).to_have_title(f"Error: Update the status of action 4.9 - {SERVICE}")
    expect(error_summary(page).get_by_role("link")).to_have_text(["Select a RAG status", "Enter a commentary"])
    assert_accessible_as_served(page, browser)

    page.get_by_label("Complete", exact=True).check()
    page.get_by_label("Commentary").fill("Framework published on the intranet; first dashboard to the Board.")
    page.get_by_role("button", name="Save status update").click()

    expect(page).to_have_title(f"Action 4.9, {PLAN} - {SERVICE}")
    expect(success_banner(page)).to_contain_text("Status of action 4.9 updated to Complete")
    newest = timeline_entries(page).first
    expect(newest.get_by_role("heading", level=3)).to_have_text("No status recorded to Complete")
    expect(newest).to_contain_text("Framework published on the intranet")
    assert_accessible_as_served(page, browser)
    assert action_in("2018-19", "4.9").rag == "complete"
