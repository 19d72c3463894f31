"""Two-factor authentication in Debian's Chromium, with REQUIRE_MFA on as in production.

The coordinator sets up an authenticator app (the QR code page, its key typed as an app would take it), is shown
the recovery codes once, signs in again with a wrong code and then a recovery code; without JavaScript, a code
from the app is enough. Every page, error states included, is checked with axe-core (WCAG 2.2 A and AA).
"""

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from .conftest import assert_accessible, assert_accessible_as_served, sign_in

pytestmark = pytest.mark.browser

SERVICE = "Prevent delivery plan tracker"
CODE_LABEL = "Enter the 6-digit code from your authenticator app"


@pytest.fixture(autouse=True)
def require_mfa(settings) -> None:
    settings.REQUIRE_MFA = True


def error_summary(page: Page):
    return page.get_by_role("alert").filter(has_text="There is a problem")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_title(f"Sign in - {SERVICE}")


def test_a_coordinator_sets_up_an_app_keeps_recovery_codes_and_signs_in_with_one(page: Page) -> None:
    page.goto("/")
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Set up two-factor authentication - {SERVICE}")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert_accessible(page)

    # The app is given the key by hand, as someone who cannot scan would; it then shows the code of this moment.
    key = base64.b32decode(page.locator("#set-up-key").inner_text().replace(" ", ""))
    code_field = page.get_by_label(CODE_LABEL)
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(f"Error: Set up two-factor authentication - {SERVICE}")
    expect(error_summary(page).get_by_role("link")).to_have_text(["Enter the code from your authenticator app"])
    assert_accessible(page)

    page.get_by_label(CODE_LABEL).fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(f"Your recovery codes - {SERVICE}")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4} [a-z2-7]{4}", code) for code in codes)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(f"Your plans - {SERVICE}")

    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page).to_have_title(f"Two-factor authentication - {SERVICE}")
    expect(page.get_by_text("10 of 10 left")).to_be_visible()
    assert_accessible(page)

    # The next sign-in asks for a code: a wrong one is refused, then a recovery code is used instead.
    sign_out(page)
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Enter the code from your authenticator app - {SERVICE}")
    assert_accessible(page)
    wrong = next(
        f"{n:06d}"
        for n in range(1000000)
        if f"{n:06d}" not in {f"{totp(key, t0=s):06d}" for s in (-60, -30, 0, 30, 60)}
    )
    page.get_by_label(CODE_LABEL).fill(wrong)
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(["The code is not correct"])
    assert_accessible(page)

    page.get_by_text("If you cannot use your authenticator app").click()
    page.get_by_role("link", name="Use one of your recovery codes").click()
    expect(page).to_have_title(f"Enter one of your recovery codes - {SERVICE}")
    assert_accessible(page)
    page.get_by_label("Enter one of your recovery codes").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    # Signed in afresh (no page asked for): the coordinator's own page.
    expect(page).to_have_title(f"Needs attention, London Borough of Tower Hamlets - {SERVICE}")
    expect(page.get_by_text("You have 9 recovery codes left")).to_be_visible()

    # Used once: the same recovery code no longer works.
    sign_out(page)
    sign_in(page, "coordinator")
    page.goto("/accounts/two-factor/recovery-code/")
    page.get_by_label("Enter one of your recovery codes").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        ["The recovery code is not correct, or it has already been used"]
    )
    assert_accessible(page)


def test_the_code_works_without_javascript(page_without_javascript: Page, browser: Browser) -> None:
    page = page_without_javascript
    coordinator = get_user_model().objects.get(username="coordinator")
    device = TOTPDevice.objects.create(user=coordinator, name="Authenticator app", confirmed=True)
    page.goto("/")
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Enter the code from your authenticator app - {SERVICE}")
    assert_accessible_as_served(page, browser)
    page.get_by_label(CODE_LABEL).fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(f"Your plans - {SERVICE}")
