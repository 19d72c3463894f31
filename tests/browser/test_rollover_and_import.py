"""Starting next year's plan from this one, and importing actions from a spreadsheet, in Debian's Chromium.

The coordinator rolls the 2018-19 plan over to 2019-20 and follows a carried action back to the one it continues;
a spreadsheet with problems imports nothing and says why, row by row, and a good one imports. Every page on the
way, error states included, is checked with axe-core against the WCAG 2.2 A and AA rules.
"""

import csv
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from actions.models import Action
from imports import services_rollover
from plans.models import DeliveryPlan
from snapshots.plan_columns import EXPORT_COLUMNS, PLAN_COLUMNS

from .conftest import assert_accessible
from .pages import (
    ACTION_4_9,
    COUNCIL,
    PLAN,
    SERVICE,
    error_summary,
    open_plan,
    plan,
    sign_in_from_home,
    success_banner,
    summary_value,
)

pytestmark = pytest.mark.browser

NEXT_PLAN = "Prevent Delivery Plan 2019-20"
ACTION_1_1 = (
    "Prevent Education Officer to continue curriculum development work with primary and secondary schools across the "
    "borough"
)


def test_coordinator_starts_next_years_plan_from_this_one(page: Page) -> None:
    sign_in_from_home(page, "coordinator")
    total = Action.objects.filter(plan=plan("2018-19")).count()
    assert total == 24

    # Action 4.9 is complete: it will stay behind.
    open_plan(page, PLAN)
    objective_4 = page.get_by_role("table", name="Actions under objective 4")
    objective_4.get_by_role("link", name=ACTION_4_9, exact=True).click()
    expect(page).to_have_title(f"Action 4.9, {PLAN} - {SERVICE}")
    page.get_by_role("link", name="Update status", exact=True).click()
    expect(page).to_have_title(f"Update the status of action 4.9 - {SERVICE}")
    assert_accessible(page)
    page.get_by_label("Complete", exact=True).check()
    page.get_by_label("Commentary").fill("Framework agreed by the Prevent Board and in use.")
    page.get_by_role("button", name="Save status update").click()
    expect(success_banner(page)).to_contain_text("Status of action 4.9 updated to Complete")
    assert_accessible(page)

    # The rollover page: what is carried and what stays behind.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=PLAN).click()
    expect(page).to_have_title(f"{PLAN}, {COUNCIL} - {SERVICE}")
    page.get_by_role("link", name="Start next year's plan from this one", exact=True).click()
    expect(page).to_have_title(f"Start next year's plan, {PLAN} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start next year's plan from this one")
    expect(page.get_by_role("heading", level=2, name=f"{total - 1} actions carried over")).to_be_visible()
    carried = page.get_by_role("table", name="Actions carried over to the new plan")
    expect(carried.locator("tbody").get_by_role("row")).to_have_count(total - 1)
    expect(carried.get_by_role("row").filter(has_text=ACTION_4_9)).to_have_count(0)
    expect(page.get_by_role("heading", level=2, name="1 action left behind")).to_be_visible()
    expect(page.get_by_text(f"4.9 {ACTION_4_9} (complete)", exact=True)).to_be_visible()
    year = page.get_by_role("textbox", name="Financial year of the new plan")
    expect(year).to_have_value("2019-20")
    expect(year).to_have_accessible_description(re.compile("For example, 2019-20"))
    assert_accessible(page)

    # A year that already has a plan: the error summary, leading to the field.
    year.fill("2018-19")
    page.get_by_role("button", name="Create the new plan").click()
    expect(page).to_have_title(f"Error: Start next year's plan, {PLAN} - {SERVICE}")
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    message = f"{COUNCIL} already has a plan for 2018-19"
    expect(summary.get_by_role("link")).to_have_text([message])
    expect(page.locator(".govuk-error-message")).to_contain_text(message)
    assert_accessible(page)
    summary.get_by_role("link", name=message).click()
    expect(year).to_be_focused()
    assert not DeliveryPlan.objects.filter(council__slug="tower-hamlets", year="2019-20").exists()

    # 2019-20: the new draft plan, with the carried actions and without 4.9.
    year.fill("2019-20")
    page.get_by_role("button", name="Create the new plan").click()
    expect(page).to_have_title(f"{NEXT_PLAN}, {COUNCIL} - {SERVICE}")
    expect(success_banner(page)).to_contain_text(f"{NEXT_PLAN} created as a draft from {PLAN}")
    expect(summary_value(page, "Status")).to_have_text("Draft")
    objective_4 = page.get_by_role("table", name="Actions under objective 4")
    expect(objective_4.get_by_role("link", name=ACTION_4_9)).to_have_count(0)
    expect(page.locator(".app-table--plan tbody").get_by_role("row")).to_have_count(total - 1)
    assert_accessible(page)
    assert Action.objects.filter(plan=plan("2019-20")).count() == total - 1

    # A carried action, and the action it continues.
    objective_1 = page.get_by_role("table", name="Actions under objective 1")
    objective_1.get_by_role("link", name=ACTION_1_1, exact=True).click()
    expect(page).to_have_title(f"Action 1.1, {NEXT_PLAN} - {SERVICE}")
    continues = summary_value(page, "Continues").get_by_role("link", name="Action 1.1 of the 2018-19 plan")
    expect(continues).to_be_visible()
    assert_accessible(page)
    continues.click()
    expect(page).to_have_title(f"Action 1.1, {PLAN} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(ACTION_1_1)
    expect(summary_value(page, "Continues")).to_have_count(0)
    assert_accessible(page)


@pytest.fixture
def draft_2019_20(demo: None) -> DeliveryPlan:
    """2019-20, rolled over from the demo's 2018-19 plan by the coordinator: a draft, the one kind that imports."""
    coordinator = get_user_model().objects.get(username="coordinator")
    return services_rollover.plan_rollover(plan=plan("2018-19"), year="2019-20", by=coordinator)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PLAN_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in PLAN_COLUMNS})
    return path


OBJECTIVE_5 = "Objective 5: Work with faith institutions to safeguard young people online"
NEW_ACTIONS = {
    "5.1": "Deliver online safety workshops with mosques and churches",
    "5.2": "Train madrasa teachers as WRAP facilitators",
}


def test_an_import_with_problems_imports_nothing_then_a_good_one_is_previewed_and_confirmed(
    page: Page, draft_2019_20: DeliveryPlan, tmp_path: Path
) -> None:
    before = Action.objects.filter(plan=draft_2019_20).count()
    sign_in_from_home(page, "coordinator")
    open_plan(page, NEXT_PLAN)
    page.get_by_role("link", name="Import objectives and actions from a spreadsheet", exact=True).click()
    expect(page).to_have_title(f"Import actions, {NEXT_PLAN} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import objectives and actions")
    assert_accessible(page)

    # The CSV template: the columns, and nothing else.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "prevent-plan-import-template.csv"
    template = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert template == [",".join(EXPORT_COLUMNS)]  # the contract's columns, then withheld

    # Two bad rows (and a good one between them): every problem, with its row and column; nothing imported.
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            {"objective": OBJECTIVE_5, "reference": "1.1", "action": "Already in the plan", "timescale": "March 2020",
             "rag_status": "Purple"},
            {"objective": OBJECTIVE_5, "reference": "5.1", "action": NEW_ACTIONS["5.1"], "timescale": "March 2020"},
            {"objective": OBJECTIVE_5, "reference": "5.2", "action": "", "timescale": "",
             "last_update": "early September"},
        ],
    )  # fmt: skip
    upload = page.get_by_label("Upload a file")
    upload.set_input_files(bad)
    page.get_by_role("button", name="Upload and preview", exact=True).click()
    expect(page).to_have_title(f"Error: Import actions, {NEXT_PLAN} - {SERVICE}")
    summary = error_summary(page)
    expect(summary.get_by_role("heading", level=2)).to_have_text(
        "There is a problem with the file: nothing has been imported"
    )
    problems = [
        "Row 2, column rag_status: 'Purple' is not a RAG status; use Green, Amber, Red, Complete, Not started "
        "or No status recorded, or leave it empty",
        "Row 4, column action: Enter the action",
        "Row 4, column timescale: Enter a timescale",
        "Row 4, column last_update: 'early September' is not a date; enter it like 31/03/2019",
    ]
    expect(summary.get_by_role("link")).to_have_text(problems)
    expect(summary).to_be_focused()
    assert_accessible(page)
    for problem in problems:
        summary.get_by_role("link", name=problem, exact=True).click()
        expect(upload).to_be_focused()
    assert_accessible(page)
    assert Action.objects.filter(plan=draft_2019_20).count() == before
    assert not draft_2019_20.objectives.filter(number=5).exists()

    # No file at all: the form's own error.
    page.get_by_role("button", name="Upload and preview", exact=True).click()
    expect(page).to_have_title(f"Error: Import actions, {NEXT_PLAN} - {SERVICE}")
    expect(error_summary(page).get_by_role("link")).to_have_text(["Select a CSV or Excel file"])
    assert_accessible(page)

    # A good file: two new actions under a new objective 5, and the carried action 1.1 now ongoing.
    carried = Action.objects.select_related("objective").get(plan=draft_2019_20, reference="1.1")
    good = write_csv(
        tmp_path / "good.csv",
        [
            {"objective": f"Objective 1: {carried.objective.title}", "reference": "1.1", "action": carried.title,
             "outcomes": carried.outcomes, "outputs": carried.outputs, "timescale": "Ongoing", "lead": carried.lead},
            {"objective": OBJECTIVE_5, "reference": "5.1", "action": NEW_ACTIONS["5.1"], "timescale": "March 2020",
             "lead": "Prevent Co-ordinator"},
            {"objective": OBJECTIVE_5, "reference": "5.2", "action": NEW_ACTIONS["5.2"], "timescale": "December 2019",
             "lead": "Prevent Education Officer", "rag_status": "Amber", "last_update": "2019-05-01",
             "commentary": "First cohort booked for June."},
        ],
    )  # fmt: skip
    page.get_by_label("Upload a file").set_input_files(good)
    page.get_by_role("button", name="Upload and preview", exact=True).click()

    # The preview: what will be created and what changes, field by field, with the warnings; nothing written yet.
    expect(page).to_have_title(f"Check the import, {NEXT_PLAN} - {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import before confirming it")
    created = page.get_by_role("table", name="Actions to create")
    for reference in NEW_ACTIONS:
        expect(created.get_by_role("rowheader", name=reference, exact=True)).to_be_visible()
    changed = page.get_by_role("table", name=re.compile(r"^1\.1 "))
    expect(changed.get_by_role("row").filter(has_text="Timescale")).to_contain_text(f"{carried.timescale}")
    expect(changed.get_by_role("row").filter(has_text="Timescale")).to_contain_text("Ongoing")
    expect(page.locator(".govuk-warning-text").first).to_contain_text("1.1 (timescale “Ongoing”)")
    assert_accessible(page)
    assert Action.objects.filter(plan=draft_2019_20).count() == before

    page.get_by_role("button", name="Confirm import", exact=True).click()
    expect(page).to_have_title(f"{NEXT_PLAN}, {COUNCIL} - {SERVICE}")
    expect(success_banner(page)).to_contain_text(f"Imported into {NEXT_PLAN}: 2 actions created, 1 changed")
    objective_5 = page.get_by_role("table", name="Actions under objective 5")
    for reference, title in NEW_ACTIONS.items():
        row = objective_5.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
        expect(row.get_by_role("cell").first).to_have_text(reference)
    expect(objective_5.get_by_role("row").filter(has_text="5.2")).to_contain_text("Amber")
    expect(page.get_by_role("heading", name=re.compile(r"^Objective 5: Work with faith institutions"))).to_be_visible()
    assert_accessible(page)
    carried.refresh_from_db()
    assert (carried.timescale, carried.due_date) == ("Ongoing", None)
    assert Action.objects.filter(plan=draft_2019_20).count() == before + 2
