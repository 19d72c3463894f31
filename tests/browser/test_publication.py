"""Publishing the redacted plan, in Debian's Chromium.

The coordinator publishes the 2018-19 plan after checking what will be withheld, and someone signed in to nothing
reads it (and its PDF) at its public address. Every page on the way, error states included, is checked with
axe-core against the WCAG 2.2 A and AA rules.
"""

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from .conftest import TIMEOUT_MS, assert_accessible
from .pages import ACTION_4_9, COUNCIL, PLAN, SERVICE, open_plan, plan, sign_in_from_home, success_banner

pytestmark = pytest.mark.browser

PROJECT_A = "Placeholder: Project A (name withheld from publication, demo data)"
REDACTED = "[REDACTED]"


def withheld_row(table: Locator, item: str, field: str) -> Locator:
    """The row of the "What will be withheld" table for one field of one item."""
    page = table.page
    return (
        table.get_by_role("row")
        .filter(has=page.get_by_role("cell", name=item, exact=True))
        .filter(has=page.get_by_role("cell", name=field, exact=True))
    )


def comes_before(first: Locator, second: Locator) -> bool:
    """Whether the first element comes before the second in the page's order (the order it is read and tabbed in)."""
    return first.evaluate(
        "(first, second) => Boolean(first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING)",
        second.element_handle(),
    )


def assert_no_placeholders(page: Page) -> None:
    """None of the demo's stand-ins for withheld text is on the page, in its text or anywhere in its markup."""
    expect(page.locator("body")).not_to_contain_text("Placeholder")
    html = page.content()
    for stand_in in ("Placeholder", "(demo data)", "fictional demo text"):
        assert stand_in not in html


@pytest.fixture
def anonymous_page(browser: Browser, live_server: Any, page: Page) -> Iterator[Page]:
    """A fresh browser context, signed in to nothing, on the same live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_coordinator_publishes_the_redacted_plan_and_anyone_reads_it(page: Page, anonymous_page: Page) -> None:
    sign_in_from_home(page, "coordinator")
    open_plan(page, PLAN)
    page.get_by_role("link", name="Publish the redacted version", exact=True).click()
    expect(page).to_have_title(f"Publish, {PLAN} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the plan")
    expect(page.get_by_text("This plan has not been published yet.")).to_be_visible()

    # What will be withheld: the working text beside [REDACTED], field by field.
    withheld = page.get_by_role(
        "table", name="The working plan against the published version, for each withheld passage, field and item"
    )
    expect(withheld.get_by_role("columnheader")).to_have_text(
        ["Item", "Field", "In the working plan", "In the published version"]
    )
    project_a_name = withheld_row(withheld, f"Project {PROJECT_A}", "Name")
    expect(project_a_name.get_by_role("cell")).to_have_text([f"Project {PROJECT_A}", "Name", PROJECT_A, REDACTED])
    action_1_4_title = withheld_row(withheld, "Action 1.4", "Title")
    expect(action_1_4_title.get_by_role("cell").nth(2)).to_contain_text("Placeholder: action title withheld")
    expect(action_1_4_title.get_by_role("cell").nth(3)).to_have_text(REDACTED)
    published_column = withheld.locator("tbody tr td:nth-child(4)")
    assert set(published_column.all_inner_texts()) == {REDACTED}
    public = page.get_by_role(
        "checkbox", name="Anyone may read the published version at its public address, without signing in"
    )
    expect(public).not_to_be_checked()
    preview = page.get_by_role("link", name="See the whole published version as it would look now", exact=True)
    assert comes_before(preview, page.get_by_role("button", name="Publish this version"))
    assert_accessible(page)

    # The whole published version as it would look now, and back.
    preview.click()
    expect(page).to_have_title(f"{PLAN}, {COUNCIL} (preview of the published version) - {SERVICE}")
    expect(page.get_by_role("region", name="Preview")).to_contain_text("It is not published yet.")
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN)
    expect(page.get_by_role("main")).to_contain_text(REDACTED)
    assert_no_placeholders(page)
    assert_accessible(page)
    page.get_by_role("link", name="Back to publishing", exact=True).click()
    expect(page).to_have_title(f"Publish, {PLAN} - {SERVICE}")

    # Published, open to anyone.
    public.check()
    page.get_by_role("button", name="Publish this version").click()
    expect(page).to_have_title(f"Publish, {PLAN} - {SERVICE}")
    expect(success_banner(page)).to_contain_text(f"{PLAN} published")
    expect(page.get_by_text(re.compile(r"^\s*Last published on "))).to_be_visible()
    expect(page.get_by_role("link", name="its public address", exact=True)).to_have_attribute(
        "href", "/published/tower-hamlets/2018-19/"
    )
    expect(public).to_be_checked()
    assert_accessible(page)
    published = plan("2018-19")
    assert published.published_at is not None and published.public

    # Someone signed in to nothing reads it at its public address.
    anonymous = anonymous_page
    response = anonymous.goto("/published/tower-hamlets/2018-19/")
    assert response is not None and response.status == 200
    expect(anonymous).to_have_title(f"{PLAN}, {COUNCIL} (published version) - {SERVICE}")
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(PLAN)
    banner = anonymous.get_by_role("region", name="Published version")
    expect(banner).to_contain_text("Published on ")
    expect(anonymous.get_by_role("heading", name="Projects", level=2)).to_be_visible()
    expect(anonymous.get_by_role("table", name="Commissioned projects")).to_contain_text(REDACTED)
    expect(anonymous.get_by_role("table", name="Activities under objective 4")).to_contain_text(ACTION_4_9)
    assert_no_placeholders(anonymous)
    expect(anonymous.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(anonymous)

    # Its PDF.
    with anonymous.expect_download(timeout=60_000) as download_info:  # the first render takes seconds
        banner.get_by_role("link", name="Download this plan as a PDF", exact=True).click(no_wait_after=True)
    download = download_info.value
    assert download.suggested_filename == "tower-hamlets-prevent-plan-2018-19.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(pdf)).pages)
    assert PLAN in text and REDACTED in text
    assert "Placeholder" not in text

    # Nothing else: the working plan asks them to sign in, and a plan never published is not found.
    anonymous.goto(f"/plans/{published.pk}/")
    expect(anonymous).to_have_url(re.compile(rf"/accounts/login/\?next=/plans/{published.pk}/$"))
    expect(anonymous).to_have_title(f"Sign in - {SERVICE}")
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(anonymous)
    response = anonymous.goto("/published/tower-hamlets/2017-18/")
    assert response is not None and response.status == 404
    expect(anonymous).to_have_title(f"Page not found - {SERVICE}")
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(anonymous)


def test_coordinator_sets_out_the_plan_without_a_rag_column(page: Page) -> None:
    sign_in_from_home(page, "coordinator")
    open_plan(page, PLAN)
    page.get_by_role("link", name="Change the introduction, local context or status").click()
    column = page.get_by_role("checkbox", name="The plan's tables of actions have a RAG status column")
    expect(column).to_be_checked()
    assert_accessible(page)
    column.uncheck()
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(success_banner(page)).to_be_visible()
    assert plan("2018-19").rag_column is False
