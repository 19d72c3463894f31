"""The import template: in Excel an example row, a RAG drop-down, widths, a frozen heading and a guidance sheet; the
CSV with the same headings; and the Excel template imports as it comes."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.rag import RAG
from plans.models import DeliveryPlan
from snapshots.plan_columns import EXPORT_COLUMNS
from tests import factories as f
from tests.plans.test_import import import_and_confirm


def template(client, extension: str) -> bytes:
    response = client.get(reverse("plans:import_template", args=[extension]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="prevent-plan-import-template.{extension}"'
    return response.content if hasattr(response, "content") else b"".join(response.streaming_content)


@pytest.fixture
def workbook(coordinator, signed_in):
    return load_workbook(io.BytesIO(template(signed_in(coordinator), "xlsx")))


def test_the_plan_sheet_has_the_export_headings_an_example_and_a_frozen_heading(workbook, coordinator, signed_in):
    assert workbook.sheetnames == ["Plan", "Guidance"]
    sheet = workbook["Plan"]
    assert [cell.value for cell in sheet[1]] == EXPORT_COLUMNS
    csv_headings = b"".join(
        signed_in(coordinator).get(reverse("plans:import_template", args=["csv"])).streaming_content
    )
    assert csv_headings.decode("utf-8-sig").strip().split(",") == EXPORT_COLUMNS
    assert sheet.freeze_panes == "A2" and sheet.max_row == 2
    example = dict(zip(EXPORT_COLUMNS, sheet[2], strict=True))
    # Every column has an example, but the recommendations answered: the example row must import into a plan that
    # has no reviews yet, and the guidance shows how they are written.
    empty = {name for name, cell in example.items() if cell.value in (None, "")}
    assert empty == {"recommendations"}, "every other column has an example"
    assert example["last_update"].is_date and example["last_update"].number_format == "dd/mm/yyyy"
    assert example["rag_status"].value in RAG.labels
    assert example["action"].alignment.wrap_text
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
    assert all(width >= 10 for width in widths) and max(widths) >= 40, widths


def test_rag_status_has_a_drop_down_of_the_six_statuses(workbook):
    sheet = workbook["Plan"]
    rag_column = sheet.cell(row=1, column=EXPORT_COLUMNS.index("rag_status") + 1).column_letter
    (drop_down,) = sheet.data_validations.dataValidation
    assert (drop_down.type, str(drop_down.sqref)) == ("list", f"{rag_column}2:{rag_column}2001")
    assert drop_down.formula1 == '"Not started,Green,Amber,Red,Complete,No status recorded"'
    # showDropDown true would hide the arrow; a warning lets a letter (G, A, R, C) be typed instead.
    assert not drop_down.showDropDown and drop_down.showErrorMessage and drop_down.errorStyle == "warning"


def test_the_guidance_explains_every_column_with_accepted_values_and_an_example(workbook):
    sheet = workbook["Guidance"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    heading = rows.index(["Column", "What it holds", "Accepted values", "Example"])
    guidance = {row[0]: row[1:] for row in rows[heading + 1 :]}
    assert list(guidance) == EXPORT_COLUMNS
    assert all(all(isinstance(text, str) and text for text in row) for row in guidance.values()), guidance
    accepted = guidance["rag_status"][1]
    assert all(label in accepted for label in RAG.labels)
    assert all(letter in accepted for letter in ["G (Green)", "A (Amber)", "R (Red)", "C (Complete)"])
    assert guidance["last_update"][1].startswith("A date")


def test_the_excel_template_imports_as_it_comes(world, coordinator, signed_in):
    client = signed_in(coordinator)
    draft = f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT, introduction="")
    upload = SimpleUploadedFile("prevent-plan-import-template.xlsx", template(client, "xlsx"))
    response = import_and_confirm(client, draft, upload)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    (action,) = draft.actions.all()
    assert (action.reference, action.rag, action.due_date) == ("1.1", RAG.AMBER, datetime.date(2019, 3, 31))
    assert action.objective.number == 1
