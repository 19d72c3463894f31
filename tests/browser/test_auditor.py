"""The auditor's journey in Debian's Chromium: a plan's history, the plan as at a past date, exports, verification.

The demo is loaded as if on 3 April 2018, so that the plan has a past to go back to; the coordinator then reports on
action 4.9 today. Every page on the way is checked with axe-core against the WCAG 2.2 A and AA rules.
"""

import csv
import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from actions import services
from actions.models import Action
from core.cells import FORMULA_START
from demo.demo import load_demo
from tests.plans.test_history import Clock

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

SERVICE = "Prevent delivery plan tracker"
COUNCIL = "London Borough of Tower Hamlets"
PLAN = "Prevent Delivery Plan 2018-19"
HISTORY_COLUMNS = ["recorded_at", "user", "council", "plan", "object_type", "object_ref", "field", "old_value"]
HISTORY_COLUMNS += ["new_value", "comment"]


def as_csv_gives_it(cell: object) -> str:
    """An XLSX cell as text: recorded_at is a date cell there, in UTC."""
    if isinstance(cell, datetime.datetime):
        return cell.strftime("%Y-%m-%dT%H:%M:%SZ")
    return "" if cell is None else str(cell)


def without_apostrophe(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo as loaded on 3 April 2018, and action 4.9 reported Amber by the coordinator today."""
    with mock.patch.object(timezone, "now", Clock(datetime.datetime(2018, 4, 3, 8, 0, tzinfo=datetime.UTC))):
        load_demo()
    action = Action.objects.get(plan__year="2018-19", plan__council__slug="tower-hamlets", reference="4.9")
    services.action_update_status(
        action=action,
        rag="amber",
        commentary="Framework drafted; data sharing agreement outstanding",
        as_of=timezone.localdate(),
        evidence=None,
        by=get_user_model().objects.get(username="coordinator"),
        expected_version=action.version,
    )


def row_of(page: Page, table: str, reference: str):
    return page.get_by_role("table", name=table).get_by_role("row").filter(has_text=re.compile(rf"^\s*{reference}\b"))


def test_auditor_reads_the_history_goes_back_in_time_downloads_and_verifies(
    page: Page, tmp_path, worker_thread
) -> None:
    page.goto("/")
    sign_in(page, "auditor")
    expect(page).to_have_title(f"Your plans - {SERVICE}")
    assert_accessible(page)

    page.get_by_role("table", name=f"Plans of {COUNCIL}").get_by_role("link", name=PLAN, exact=True).click()
    expect(page).to_have_title(f"{PLAN}, {COUNCIL} - {SERVICE}")
    expect(row_of(page, "Actions under objective 4", "4.9")).to_contain_text("Amber")
    assert_accessible(page)

    # The history, newest first: the coordinator's report on 4.9 heads it.
    page.get_by_role("link", name="History of changes").click()
    expect(page).to_have_title(re.compile(rf"^History of changes \(page 1 of \d+\), {PLAN} - {SERVICE}$"))
    first = page.get_by_role("table", name="Changes to the plan, newest first").get_by_role("row").nth(1)
    expect(first).to_contain_text("coordinator")
    expect(first).to_contain_text("Status update")
    expect(first).to_contain_text("Framework drafted; data sharing agreement outstanding")
    expect(page.get_by_role("navigation", name="Pages of changes")).to_be_visible()
    assert_accessible(page)

    # Narrowed to one person, without JavaScript needed: a GET form.
    page.get_by_label("Changed by").select_option("coordinator")
    page.get_by_role("button", name="Show changes").click()
    expect(page).to_have_url(re.compile(r"person=coordinator"))
    expect(page.get_by_role("heading", name="1 change found")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Clear filters").click()

    # Both history exports download and parse, with the contract's columns.
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download all changes (CSV)").click()
    assert re.fullmatch(
        r"tower-hamlets_prevent-plan-2018-19_history_\d{4}-\d\d-\d\dT\d{4}Z\.csv", csv_download.value.suggested_filename
    )
    csv_path = tmp_path / "history.csv"
    csv_download.value.save_as(csv_path)
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HISTORY_COLUMNS
    assert len(rows) > 400
    assert rows[-1][1:6] == ["coordinator", COUNCIL, "2018-19", "Status update", "4.9"]
    assert rows[1][0] == "2018-04-03T08:00:00Z"

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download all changes (Excel spreadsheet, XLSX)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    xlsx_path = tmp_path / "history.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    sheet = load_workbook(xlsx_path).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:J{len(rows)}"
    xlsx_rows = [[as_csv_gives_it(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    # The same rows; the XLSX's text cells never run, so they need none of the CSV's neutralising apostrophes.
    assert xlsx_rows == [[without_apostrophe(cell) for cell in row] for row in rows]

    # The plan as it stood at noon on 1 September 2018: 4.9 not started yet.
    page.get_by_role("link", name="See the plan as it stood at an earlier date").click()
    expect(page).to_have_title(f"The plan at an earlier date, {PLAN} - {SERVICE}")
    assert_accessible(page)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2018")
    page.get_by_label("Time (optional)").fill("12:00")
    page.get_by_role("button", name="Show the plan").click()
    expect(page).to_have_url(re.compile(r"/as-at/\?date=2018-09-01&time=12%3A00$"))
    expect(page.get_by_text("This is the plan as it stood at midday on 1 September 2018")).to_be_visible()
    expect(row_of(page, "Actions under objective 4 then", "4.9")).to_contain_text("No status recorded")
    assert_accessible(page)

    with page.expect_download() as as_at_download:
        page.get_by_role("link", name="Download the plan as at 1 September 2018 (CSV)").click()
    assert as_at_download.value.suggested_filename == "tower-hamlets_prevent-plan-2018-19_as-at_2018-09-01T1100Z.csv"

    # A moment in the future is refused with a GOV.UK error summary.
    page.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    page.get_by_role("button", name="Show the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The date and time must be in the past")
    assert_accessible(page)

    # The audit record, from the home page: verified intact, with this auditor's exports listed.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="The audit record").click()
    expect(page).to_have_title(f"The audit record - {SERVICE}")
    assert_accessible(page)
    page.get_by_role("button", name="Verify the audit record").click()
    # Queued for a worker: its page says so, then follows it as it goes (JavaScript on) once a worker takes it.
    expect(page.get_by_text("Waiting for a worker to start it.")).to_be_visible()
    assert_accessible(page)
    worker_thread.start()
    expect(page.get_by_text("The audit record is intact")).to_be_visible(timeout=60_000)
    # Checked against the checkpoints the live server wrote outside the database as the demo and the report committed.
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"recomputed against [1-9][\d,]* checkpoints"))
    expect(page.get_by_text(re.compile(r"of [1-9][\d,]* entries of the chain checked \(100%\)"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the audit record").click()
    expect(page.get_by_role("region", name="Latest verification")).to_contain_text("started by auditor")
    expect(page.get_by_role("table")).to_contain_text(f"Change history CSV of {COUNCIL} 2018-19")
    assert_accessible(page)
