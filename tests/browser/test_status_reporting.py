"""Reporting on actions, in Debian's Chromium, as the demo's people would.

A lead reports on their own action with evidence and meets the form's errors; a lead is refused an action they do
not lead, even by a request made outside the page. Every page on the way, error states included, is checked with
axe-core against the WCAG 2.2 A and AA rules.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from actions.models import Action

from .conftest import assert_accessible
from .pages import (
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

EDUCATION_ACTIONS = {
    "1.1": "Prevent Education Officer to continue curriculum development work with primary and secondary schools "
    "across the borough",
    "1.2": "Deliver ongoing training and guidance for educational establishments",
    "1.3": "Review the strategy on unregistered 'schools'",
}
ACTION_4_1 = "Develop a comprehensive Prevent Communication Strategy"
# The status form's errors when nothing is chosen, in the order of the fields on the page.
STATUS_FORM_ERRORS = [
    "Select a RAG status",
    "Enter a commentary",
    "Enter the date the update speaks for",
    "The selected file must be a PDF, Word document, Excel spreadsheet, PNG or JPEG",
]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> None:
    """Evidence uploaded by these tests lands in the test's own directory, not the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def rag_tag(page: Page) -> Locator:
    """The RAG tag on an action's page (an "Overdue" tag may follow it)."""
    return summary_value(page, "RAG status").locator(".govuk-tag").first


def test_education_lead_reports_on_their_action_with_evidence(page: Page, tmp_path: Path) -> None:
    sign_in_from_home(page, "education-lead")

    # My actions, from the navigation: exactly the three 2018-19 Objective 1 actions the Education Officer leads.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions", exact=True).click()
    expect(page).to_have_title(f"My actions - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    mine = page.get_by_role("table", name="Actions and projects you report on")
    expect(mine.locator("tbody").get_by_role("row")).to_have_count(3)
    for reference, title in EDUCATION_ACTIONS.items():
        row = mine.get_by_role("row").filter(has=page.get_by_role("link", name=f"{reference} {title}", exact=True))
        expect(row).to_have_count(1)
        expect(row).to_contain_text(f"{COUNCIL} 2018-19")
        expect(row).to_contain_text("No status recorded")  # the published plan's RAG cells are empty
    assert_accessible(page)

    # Action 1.2 and its status form.
    mine.get_by_role("link", name=f"1.2 {EDUCATION_ACTIONS['1.2']}", exact=True).click()
    expect(page).to_have_title(f"Action 1.2, {PLAN} - {SERVICE}")
    expect(rag_tag(page)).to_have_text("No status recorded")
    expect(page.get_by_text("No status updates have been recorded yet.")).to_be_visible()
    assert_accessible(page)
    open_status_form(page, "1.2")
    expect(page.get_by_text(EDUCATION_ACTIONS["1.2"])).to_be_visible()

    # Amber by its label (its hint says what Amber means), a commentary, today's date as it is, and a PDF.
    amber = page.get_by_label("Amber", exact=True)
    expect(amber).to_have_accessible_description(re.compile("At risk"))
    amber.check()
    commentary = "Two WRAP sessions postponed: the college moved its INSET days. New dates agreed for March."
    page.get_by_label("Commentary").fill(commentary)
    expect(page.get_by_text(f"You have {2000 - len(commentary):,} characters remaining")).to_be_visible()
    today = timezone.localdate()
    date = page.get_by_role("group", name="Date the update speaks for")
    expect(date.get_by_label("Day")).to_have_value(str(today.day))
    expect(date.get_by_label("Month")).to_have_value(str(today.month))
    expect(date.get_by_label("Year")).to_have_value(str(today.year))
    evidence_file = tmp_path / "wrap-sessions.pdf"
    evidence_file.write_bytes(PDF)
    page.get_by_label("Evidence (optional)").set_input_files(evidence_file)
    assert_accessible(page)
    page.get_by_role("button", name="Save status update").click()

    # Back on the action: the success banner, the new RAG, and the update at the top of the timeline.
    expect(page).to_have_title(f"Action 1.2, {PLAN} - {SERVICE}")
    expect(success_banner(page)).to_contain_text("Status of action 1.2 updated to Amber")
    expect(rag_tag(page)).to_have_text("Amber")
    newest = timeline_entries(page).first
    expect(newest.get_by_role("heading", level=3)).to_have_text("No status recorded to Amber")
    expect(newest).to_contain_text("by education-lead")
    expect(newest).to_contain_text(f"for {today.day} {today:%B %Y}")
    expect(newest).to_contain_text(commentary)
    evidence_link = newest.get_by_role("link", name=re.compile(r"^Evidence: wrap-sessions\.pdf"))
    expect(evidence_link).to_be_visible()
    assert_accessible(page)

    # The evidence downloads as the very file that was chosen.
    with page.expect_download() as download_info:
        evidence_link.click()
    download = download_info.value
    assert download.suggested_filename == "wrap-sessions.pdf"
    assert Path(download.path()).read_bytes() == PDF

    action = action_in("2018-19", "1.2")
    assert action.rag == "amber"
    update = action.status_updates.get()
    assert (update.created_by.username, update.previous_rag, update.rag) == ("education-lead", "no_status", "amber")


def test_status_form_errors_are_summarised_linked_and_accessible(page: Page, tmp_path: Path) -> None:
    sign_in_from_home(page, "education-lead")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions", exact=True).click()
    page.get_by_role("link", name=f"1.1 {EDUCATION_ACTIONS['1.1']}", exact=True).click()
    expect(page).to_have_title(f"Action 1.1, {PLAN} - {SERVICE}")
    open_status_form(page, "1.1")

    # The action has no status yet, which no update can report: no choice is made for the lead, so saving the
    # form untouched is refused for the RAG and the commentary.
    for radio in page.get_by_role("radio").all():
        expect(radio).not_to_be_checked()
    page.get_by_role("button", name="Save status update").click()
    expect(page).to_have_title(f"Error: Update the status of action 1.1 - {SERVICE}")
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Select a RAG status", "Enter a commentary"])
    expect(page.locator("#id_commentary").locator("xpath=..")).to_contain_text("Error: Enter a commentary")
    assert_accessible(page)

    # Nothing chosen at all: no RAG (a radio cannot be cleared by hand, so the page's own choice is cleared), no
    # commentary, no date, and a file that is not evidence. Each message leads to its field.
    for radio in page.get_by_role("radio").all():
        radio.evaluate("radio => { radio.checked = false }")
    date = page.get_by_role("group", name="Date the update speaks for")
    for part in ("Day", "Month", "Year"):
        date.get_by_label(part).fill("")
    not_evidence = tmp_path / "notes.txt"
    not_evidence.write_text("Minutes of the meeting\n", encoding="utf-8")
    page.get_by_label("Evidence (optional)").set_input_files(not_evidence)
    page.get_by_role("button", name="Save status update").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page).to_have_title(f"Error: Update the status of action 1.1 - {SERVICE}")
    summary = error_summary(page)
    # All four, each once (their order is checked by test_error_summary_follows_the_order_of_the_fields).
    expect(summary.get_by_role("link")).to_have_count(len(STATUS_FORM_ERRORS))
    for message in STATUS_FORM_ERRORS:
        expect(summary.get_by_role("link", name=message, exact=True)).to_have_count(1)
    expect(summary).to_be_focused()  # GOV.UK Frontend moves the focus to the summary so it is read out first
    assert_accessible(page)

    fields = dict(
        zip(
            STATUS_FORM_ERRORS,
            [
                page.get_by_label("Not started", exact=True),
                page.get_by_label("Commentary"),
                page.get_by_role("group", name="Date the update speaks for").get_by_label("Day"),
                page.get_by_label("Evidence (optional)"),
            ],
            strict=True,
        )
    )
    for message, field in fields.items():
        summary.get_by_role("link", name=message, exact=True).click()
        expect(field).to_be_focused()
    assert_accessible(page)

    # Nothing was recorded.
    action = action_in("2018-19", "1.1")
    assert action.rag == "no_status"
    assert not action.status_updates.exists()


def test_error_summary_follows_the_order_of_the_fields(page: Page) -> None:
    sign_in_from_home(page, "coordinator")
    page.goto(f"/actions/{action_in('2018-19', '4.9').pk}/status/")
    for radio in page.get_by_role("radio").all():
        radio.evaluate("radio => { radio.checked = false }")
    date = page.get_by_role("group", name="Date the update speaks for")
    for part in ("Day", "Month", "Year"):
        date.get_by_label(part).fill("")
    page.get_by_label("Evidence (optional)").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"Minutes of the meeting\n"}
    )
    page.get_by_role("button", name="Save status update").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    on_the_page = page.locator("form[enctype] .govuk-error-message").all_inner_texts()
    assert [text.removeprefix("Error:").strip() for text in on_the_page] == STATUS_FORM_ERRORS
    assert error_summary(page).get_by_role("link").all_inner_texts() == STATUS_FORM_ERRORS


def test_education_lead_cannot_update_an_action_they_do_not_lead(page: Page) -> None:
    sign_in_from_home(page, "education-lead")
    open_plan(page, PLAN)
    open_action_from_plan(page, 4, ACTION_4_1, "4.1")
    expect(page.get_by_role("link", name="Update status")).to_have_count(0)
    expect(page.get_by_role("button", name="Update status")).to_have_count(0)
    expect(page.get_by_role("link", name="Change action")).to_have_count(0)

    action = action_in("2018-19", "4.1")
    led = action_in("2018-19", "1.3")
    csrf_token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")

    def post_status(target: Action, rag: str) -> Any:
        """A status update posted from this signed-in session, outside any form the page offers."""
        return page.request.post(
            f"/actions/{target.pk}/status/",
            headers={"X-CSRFToken": csrf_token},
            form={
                "version": str(target.version),
                "rag": rag,
                "commentary": "Posted without the form",
                "as_of_0": "1",
                "as_of_1": "9",
                "as_of_2": "2018",
            },
            max_redirects=0,
        )

    refused = post_status(action, "red")
    assert refused.status == 403
    assert "You cannot change this" in refused.text()
    action.refresh_from_db()
    assert action.rag == "no_status"
    assert not action.status_updates.exists()

    # The same request for an action she does lead is accepted: the refusal above was the permission, not CSRF.
    accepted = post_status(led, "green")
    assert accepted.status == 302
    assert Action.objects.get(pk=led.pk).rag == "green"

    # Opening the form's address by hand gets the GOV.UK "You cannot change this" page.
    response = page.goto(f"/actions/{action.pk}/status/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot change this")
    assert_accessible(page)
    assert Action.objects.get(pk=action.pk).rag == "no_status"
