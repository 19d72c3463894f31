"""The import template in Excel: the export's columns with an example row, a drop-down for RAG, and a guidance sheet
that says what each column holds, what it accepts, and gives an example."""

import datetime
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.rag import RAG
from records.sheets import DATE_COLUMNS, HEADING_FONT, TOP, UK_DATE, WRAP, Column, layout, set_widths
from snapshots.plan_columns import EXPORT_COLUMNS

from .import_files import MAX_ROWS

LABELS = [rag.label for rag in RAG]
RAG_WORDS = f"{', '.join(LABELS[:-1])} or {LABELS[-1]}"  # Not started, Green, ..., Complete or No status recorded
RAG_LETTERS = "G (Green), A (Amber), R (Red), C (Complete)"


@dataclass(frozen=True)
class Guidance:
    holds: str
    accepted: str
    example: str


GUIDANCE = {
    "objective": Guidance(
        "The local strategic objective the action comes under.",
        '"Objective " and its number, a colon and its title. For an action outside the objectives, the name of its '
        "table instead.",
        "Objective 1: Safeguard people at risk of being drawn into terrorism",
    ),
    "reference": Guidance(
        "The action's number in the plan. Needed on every row: a row whose reference the plan already has updates "
        "that action, field by field, and the preview shows each change.",
        "Any short text. Format the column as text in Excel, so 1.10 does not become 1.1.",
        "1.1",
    ),
    "action": Guidance(
        "What will be done. Needed on every row.", "Any text.", "Train designated safeguarding leads in schools"
    ),
    "outcomes": Guidance("What the action should change.", "Any text, or empty.", "Schools refer concerns early"),
    "outputs": Guidance("What the action produces, to count.", "Any text, or empty.", "120 staff trained"),
    "timescale": Guidance(
        "When the action is due, as the plan words it. Needed on every row.",
        "Any text, such as a month and year, a financial year or Ongoing.",
        "March 2019",
    ),
    "lead": Guidance(
        "Who leads the action: an officer's role or a partner agency.", "Any text, or empty.", "Prevent Coordinator"
    ),
    "rag_status": Guidance(
        "The action's status now. Choose it from the list in the cell.",
        f"{RAG_WORDS}; or the letters {RAG_LETTERS}. Empty means No status recorded.",
        RAG.AMBER.label,
    ),
    "last_update": Guidance(
        "The date of the latest status update, when the action has one.",
        "A date, such as 01/09/2018 or 2018-09-01, or empty.",
        "01/09/2018",
    ),
    "commentary": Guidance(
        "What the latest status update says.", "Any text, or empty.", "Two of four sessions held, the rest booked"
    ),
    "withheld": Guidance(
        "What the published plan withholds of the row. A passage of any text written as [[withheld: the passage]] "
        "is withheld wherever it is.",
        '"whole row", or some of action, outcomes, outputs and lead separated by commas; or empty.',
        "lead",
    ),
    "recommendations": Guidance(
        "The review recommendations the action answers, as the plan cites them.",
        'Each as the review\'s kind and "Rec" with its number, separated by semicolons (a council with two reviews of '
        "one kind adds the review's year); or empty. Empty in the Plan sheet's example row, so that it imports into a "
        "plan with no reviews yet.",
        "Peer Review Rec 1; Peer Review Rec 4",
    ),
    "lead_agency": Guidance(
        "The agency the lead works for, when the lead is a partner.", "Any text, or empty.", "Metropolitan Police"
    ),
    "last_update_as_of": Guidance(
        "The date the latest status update speaks for (the last update column is the day it was written).",
        "A date, such as 01/09/2018 or 2018-09-01, or empty (then the last update's date).",
        "31/08/2018",
    ),
}
# The example row of the plan sheet, in EXPORT_COLUMNS' order.
# A recommendation must exist to be answered: the example row leaves them out, so it imports into any plan.
EXAMPLE = {name: guidance.example for name, guidance in GUIDANCE.items()} | {"recommendations": ""}
GUIDANCE_HEADER = ["Column", "What it holds", "Accepted values", "Example"]
GUIDANCE_COLUMNS = [Column(16), Column(50, wrap=True), Column(55, wrap=True), Column(40, wrap=True)]
INTRODUCTION = (
    "Put one action on each row of the Plan sheet, below its heading row, and replace the example row (row 2). "
    "Keep the headings as they are; the columns may come in any order. Upload the file from the plan's "
    "Import page: every row is checked before anything is imported."
)


def _rag_drop_down(sheet: Worksheet, column: int) -> None:
    letter = get_column_letter(column)
    choices = ",".join(rag.label for rag in RAG)
    drop_down = DataValidation(
        type="list",
        formula1=f'"{choices}"',
        allow_blank=True,
        showDropDown=False,  # in OOXML, True hides the list's arrow
        showInputMessage=True,
        showErrorMessage=True,
        # A warning, not a stop: the import also takes the letters councils use.
        errorStyle="warning",
        errorTitle="RAG status",
        error=f"Choose {RAG_WORDS}, or type G, A, R or C.",
        promptTitle="RAG status",
        prompt=f"Choose {RAG_WORDS}.",
    )
    drop_down.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(drop_down)


def _plan_sheet(sheet: Worksheet) -> None:
    set_widths(sheet, EXPORT_COLUMNS)
    sheet.freeze_panes = "A2"
    for index, (name, column) in enumerate(zip(EXPORT_COLUMNS, layout(EXPORT_COLUMNS), strict=True), start=1):
        sheet.cell(row=1, column=index, value=name).font = HEADING_FONT
        example = sheet.cell(row=2, column=index)
        if name in DATE_COLUMNS:
            # The guidance shows the date as people type it; the plan sheet holds the date itself.
            example.value = datetime.datetime.strptime(EXAMPLE[name], "%d/%m/%Y").date()
            example.number_format = UK_DATE
        else:
            example.value = EXAMPLE[name]
            example.data_type = "s"
        example.alignment = WRAP if column.wrap else TOP
    _rag_drop_down(sheet, EXPORT_COLUMNS.index("rag_status") + 1)


def _guidance_sheet(sheet: Worksheet) -> None:
    for index, column in enumerate(GUIDANCE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append(["How to fill in the Plan sheet"])
    sheet["A1"].font = HEADING_FONT
    sheet.append([INTRODUCTION])
    sheet.merge_cells("A2:D2")
    sheet["A2"].alignment = WRAP
    sheet.row_dimensions[2].height = 48
    sheet.append([])
    sheet.append(GUIDANCE_HEADER)
    for cell in sheet[4]:
        cell.font = HEADING_FONT
    for name in EXPORT_COLUMNS:
        guidance = GUIDANCE[name]
        sheet.append([name, guidance.holds, guidance.accepted, guidance.example])
        for cell in sheet[sheet.max_row]:
            cell.alignment = WRAP
            cell.data_type = "s"  # the examples are text, whatever they look like
    sheet.freeze_panes = "A5"


def template_xlsx() -> bytes:
    workbook = Workbook()
    plan = workbook.active
    plan.title = "Plan"
    _plan_sheet(plan)
    _guidance_sheet(workbook.create_sheet("Guidance"))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
