"""Locked out after too many wrong passwords, and changing one's password, in Debian's Chromium with axe-core."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

SERVICE = "Prevent delivery plan tracker"
# With the day when the pause ends tomorrow (a lockout in the quarter of an hour before midnight).
TRY_AGAIN = re.compile(r"You can try again from \d{1,2}:\d\d[ap]m( on \d{1,2} [A-Z][a-z]+ \d{4})?\.")


def lock_out(page: Page, username: str) -> str:
    """Enter wrong passwords until the lockout page; its words, the time to try again left out."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        sign_in(page, username, "not-the-password")
    expect(page).to_have_title(f"Too many attempts to sign in - {SERVICE}")
    return TRY_AGAIN.sub("", page.locator("main").inner_text())


def test_a_locked_out_username_is_told_when_to_try_again_and_a_colleague_still_signs_in(page: Page) -> None:
    page.goto("/accounts/login/")
    words = lock_out(page, "coordinator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
    expect(page.get_by_text(TRY_AGAIN)).to_be_visible()
    assert_accessible(page)

    # Even the right password is refused now.
    page.get_by_role("link", name="Go back to sign in").click()
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Too many attempts to sign in - {SERVICE}")

    # A username nobody has is answered in the same words.
    page.get_by_role("link", name="Go back to sign in").click()
    assert lock_out(page, "nobody-by-this-name") == words

    # A colleague at the same address signs in.
    page.get_by_role("link", name="Go back to sign in").click()
    sign_in(page, "board")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Signed in as board")).to_be_visible()


def test_a_person_changes_their_password_from_the_header(page: Page) -> None:
    page.goto("/")
    sign_in(page, "coordinator")
    page.get_by_role("link", name="Change your password").click()
    expect(page).to_have_title(f"Change your password - {SERVICE}")
    assert_accessible(page)

    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_title(f"Error: Change your password - {SERVICE}")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your current password")
    expect(summary).to_contain_text("Enter a new password")
    assert_accessible(page)

    page.get_by_label("Current password").fill(settings.DEMO_PASSWORD)
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase-2027")
    page.get_by_label("Confirm new password").fill("a-brand-new-passphrase-2027")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your password has been changed")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "coordinator", "a-brand-new-passphrase-2027")
    expect(page.get_by_text("Signed in as coordinator")).to_be_visible()
