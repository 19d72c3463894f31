"""Reporting on actions and changing them, in Debian's Chromium, as the demo's people would.

A lead reports on their own action with evidence and meets the form's errors; a lead is refused an action they do
not lead, even by a request made outside the page; the coordinator changes an action; two tabs save the same action;
the status form is used by keyboard alone and without JavaScript. Every page on the way, error states included, is
checked with axe-core against the WCAG 2.2 A and AA rules.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from actions.models import Action

from .conftest import TIMEOUT_MS, assert_accessible, sign_in

pytestmark = pytest.mark.browser

SERVICE = "Prevent delivery plan tracker"
COUNCIL = "London Borough of Tower Hamlets"
PLAN = "Prevent Delivery Plan 2018-19"
EDUCATION_ACTIONS = {
    "1.1": "Prevent Education Officer to continue curriculum development work with primary and secondary schools "
    "across the borough",
    "1.2": "Deliver ongoing training and guidance for educational establishments",
    "1.3": "Review the strategy on unregistered 'schools'",
}
ACTION_4_1 = "Develop a comprehensive Prevent Communication Strategy"
ACTION_4_9 = "Develop a Performance Management Framework for Prevent"
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


def action_in(year: str, reference: str) -> Action:
    return Action.objects.get(plan__council__slug="tower-hamlets", plan__year=year, reference=reference)


def summary_value(page: Page, key: str) -> Locator:
    """The value of a GOV.UK summary list row, found by its key."""
    return (
        page.locator(".govuk-summary-list__row")
        .filter(has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$")))
        .locator(".govuk-summary-list__value")
    )


def rag_tag(page: Page) -> Locator:
    """The RAG tag on an action's page (an "Overdue" tag may follow it)."""
    return summary_value(page, "RAG status").locator(".govuk-tag").first


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def success_banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def timeline_entries(page: Page) -> Locator:
    return page.locator("ol.app-timeline > li")


def sign_in_from_home(page: Page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_title(f"Sign in - {SERVICE}")
    assert_accessible(page)
    sign_in(page, username)
    expect(page).to_have_title(f"Your plans - {SERVICE}")
    assert_accessible(page)


def open_plan_2018_19(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Plans", exact=True).click()
    plans = page.get_by_role("table", name=f"Plans of {COUNCIL}")
    plans.get_by_role("link", name=PLAN, exact=True).click()
    expect(page).to_have_title(f"{PLAN}, {COUNCIL} - {SERVICE}")
    assert_accessible(page)


def open_action_from_plan(page: Page, objective: int, title: str, reference: str) -> None:
    table = page.get_by_role("table", name=f"Actions under objective {objective}")
    table.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_title(f"Action {reference}, {PLAN} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)


def open_status_form(page: Page, reference: str) -> None:
    page.get_by_role("link", name="Update status", exact=True).click()
    expect(page).to_have_title(f"Update the status of action {reference} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Update the status")
    assert_accessible(page)


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab, as someone without a mouse would, until the target has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    pytest.fail(f"{target} never received the focus after {limit} presses of Tab")


@pytest.fixture
def second_page(browser: Browser, live_server: Any, page: Page) -> Iterator[Page]:
    """Another browser context (its own cookies: another tab of another session) on the same live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


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
    expect(newest).to_contain_text("By education-lead")
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
    open_plan_2018_19(page)
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


def test_coordinator_changes_an_action_and_sees_the_title_everywhere(page: Page) -> None:
    sign_in_from_home(page, "coordinator")
    open_plan_2018_19(page)
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
        expect(tab).to_have_title(f"Your plans - {SERVICE}")
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


def test_status_update_by_keyboard_alone(page: Page) -> None:
    action = action_in("2018-19", "4.9")
    page.goto("/accounts/login/")
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Your plans - {SERVICE}")
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


def assert_accessible_as_served(page: Page, browser: Browser) -> None:
    """axe on a page that runs no JavaScript: its DOM, scripts removed, is checked in a scripting page.

    axe-core is JavaScript itself and cannot run in a context where scripts are disabled. The copy keeps the
    server's stylesheets (through a <base>), so contrast and layout are those the person without JavaScript sees.
    """
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r"<head>", f'<head><base href="{page.url}">', html, count=1, flags=re.IGNORECASE)
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        copy = context.new_page()
        copy.set_content(html, wait_until="load")
        expect(copy.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
        expect(copy.locator("body")).to_have_css("margin", "0px")  # the GOV.UK stylesheet applies (default: 8px)
        assert_accessible(copy)
    finally:
        context.close()


def test_status_update_works_without_javascript(page_without_javascript: Page, browser: Browser) -> None:
    page = page_without_javascript
    action = action_in("2018-19", "4.9")
    page.goto("/accounts/login/")
    assert_accessible_as_served(page, browser)
    sign_in(page, "coordinator")
    expect(page).to_have_title(f"Your plans - {SERVICE}")
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
