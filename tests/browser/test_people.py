"""A coordinator starts a plan and invites a partner lead who has no account; the lead follows the emailed link,
sets a password and updates their action. Every page on the way, error states included, passes axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from actions.models import Action, StatusUpdate
from plans.models import DeliveryPlan, Invitation

from .conftest import TIMEOUT_MS, assert_accessible, sign_in

pytestmark = pytest.mark.browser

COUNCIL = "London Borough of Tower Hamlets"


def test_create_a_plan_invite_a_lead_who_accepts_and_updates_an_action(
    page: Page, browser: Browser, live_server
) -> None:
    page.goto("/")
    sign_in(page, "coordinator")
    page.get_by_role("button", name=re.compile(r"^Create a plan")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Create a plan for {COUNCIL}")
    assert_accessible(page)
    page.get_by_label("Financial year").fill("2019")
    page.get_by_role("button", name="Create the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the financial year like 2018-19")
    assert_accessible(page)
    page.get_by_label("Financial year").fill("2020-21")
    page.get_by_label("Introduction (optional)").fill("Our plan for 2020 to 2021.")
    page.get_by_role("button", name="Create the plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prevent Delivery Plan 2020-21")
    assert DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2020-21").status == "draft"

    # The update request page names the overdue or stale items nobody can be asked about, and the rollover page
    # offers to carry the projects.
    old_plan = DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2018-19")
    page.goto(f"/plans/{old_plan.pk}/update-requests/")
    expect(page.get_by_role("heading", name="Items whose lead has no account")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/plans/{old_plan.pk}/rollover/")
    expect(page.get_by_label("Carry the commissioned projects that are not complete too")).not_to_be_checked()
    assert_accessible(page)

    action = Action.objects.get(plan=old_plan, reference="4.9")
    page.goto(f"/actions/{action.pk}/edit/")
    page.get_by_role("link", name="Invite a lead by email").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invite the lead of")
    assert_accessible(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the lead's email address")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Email address").fill("priya.shah@nhs.example.org")
    page.get_by_label("Agency").fill("NHS Tower Hamlets")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Invitation sent")
    invitation = Invitation.objects.get(user__email="priya.shah@nhs.example.org")
    [message] = [m for m in mail.outbox if m.to == ["priya.shah@nhs.example.org"]]
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)

    # The lead, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    lead = context.new_page()
    lead.goto(link)
    expect(lead.get_by_role("heading", level=1)).to_have_text("Set your password")
    assert_accessible(lead)
    lead.get_by_label("Create a password").fill("short")
    lead.get_by_label("Confirm your password").fill("short")
    lead.get_by_role("button", name="Set password and continue").click()
    expect(lead.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(lead)
    password = "a-partner-passphrase-2026"
    lead.get_by_label("Create a password").fill(password)
    lead.get_by_label("Confirm your password").fill(password)
    lead.get_by_role("button", name="Set password and continue").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("My actions")
    assert_accessible(lead)
    lead.get_by_role("link", name=re.compile(r"^4\.9 ")).click()
    lead.get_by_role("link", name="Update status", exact=True).click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Update the status")
    lead.get_by_label("Green", exact=True).check()
    lead.get_by_label("Commentary").fill("Framework drafted with the NHS safeguarding team.")
    lead.get_by_role("button", name="Save status update").click()
    expect(lead.locator(".govuk-notification-banner--success")).to_be_visible()
    update = StatusUpdate.objects.get(action=action, created_by=invitation.user)
    assert update.rag == "green"
    # The link is single-use.
    lead.goto(link)
    expect(lead.get_by_role("heading", level=1)).to_have_text("This invitation link cannot be used")
    assert_accessible(lead)
    context.close()
