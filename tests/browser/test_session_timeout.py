"""The warning before a session ends for inactivity (WCAG 2.2.1, Timing Adjustable), in Debian's Chromium: it comes
the set time before the end, staying signed in is one key press, typing counts as activity, and a session left to
run out ends on the sign-in page saying why. The idle time is cut to seconds so the test waits seconds, not minutes.
"""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from core.middleware import LAST_ACTIVITY
from tests import factories as f

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

WARNING = re.compile("You will be signed out soon")


@pytest.fixture
def demo(transactional_db: None) -> None:
    """No demo: one person is enough to be signed out."""
    f.make_user("officer", first_name="Olu", last_name="Officer")


def last_activity() -> int:
    (session,) = Session.objects.all()
    return session.get_decoded()[LAST_ACTIVITY]


def signed_in_at_password_page(page: Page) -> None:
    page.goto("/accounts/password/")
    sign_in(page, "officer", f.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")


def test_the_warning_comes_before_the_end_and_one_key_press_stays_signed_in(page: Page, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = settings.SESSION_TIMEOUT_WARNING + 4  # the warning 4 seconds after the page
    signed_in_at_password_page(page)
    dialog = page.get_by_role("dialog", name=WARNING)
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("Anything you have typed and not saved will be lost.")
    assert_accessible(page)
    before = last_activity()
    time.sleep(1.1)  # activity is kept in whole seconds
    # The dialog takes the focus to its first button, so Enter is all it takes.
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert last_activity() > before


def test_typing_on_the_page_counts_as_activity(page: Page, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = settings.SESSION_TIMEOUT_WARNING + 4
    signed_in_at_password_page(page)
    before = last_activity()
    time.sleep(1.1)
    page.get_by_label("Current password").press_sequentially("half a passw")
    # When the warning is due the session is extended without asking: no dialog, a later activity.
    with page.expect_response(re.compile("/accounts/session/extend/$"), timeout=10_000) as extended:
        pass
    assert extended.value.status == 204
    expect(page.get_by_role("dialog", name=WARNING)).to_be_hidden()
    assert last_activity() > before
    expect(page.get_by_label("Current password")).to_have_value("half a passw")


def test_a_session_left_to_run_out_ends_on_the_sign_in_page_saying_why(page: Page, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 3  # less than the warning: it shows at once
    signed_in_at_password_page(page)
    expect(page.get_by_role("dialog", name=WARNING)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", timeout=10_000)
    expect(page.get_by_text("You were signed out after 1 minute without activity.")).to_be_visible()
    assert_accessible(page)
