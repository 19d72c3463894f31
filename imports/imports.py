"""Read and check a CSV or XLSX file of objectives and actions (the plan export's columns) for a draft plan.

Every problem is found before anything is written, each named by its row and column; a file with any problem
writes nothing. Importing an export of a plan recreates the same plan: the export's neutralised formulas are
restored, "Objective N: title" makes the objectives, and RAG status, last update and commentary become the
action's status update.
"""

import csv
import datetime
import itertools
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from django.utils import timezone

from actions.models import Action, StatusUpdate
from core.cells import FORMULA_START
from core.limits import LONG_TEXT, TITLE, length_message, year_message
from core.rag import RAG
from core.timescale import timescale_message, years_out_of_range
from objectives.models import Objective
from plans.models import DeliveryPlan
from snapshots.plan_columns import AS_OF_COLUMN, EXTRA_COLUMNS, PLAN_COLUMNS, WITHHELD_AS_COLUMN, WITHHELD_COLUMN

from . import import_reading as reading
from .import_files import Table, TooLarge, Typed, csv_table, xlsx_table

MAX_BYTES = 5 * 1024 * 1024
SHOWN_ERRORS = 50
# Each cell is held to the field it is written to, so what the form refuses the import refuses too.
LIMITS = {
    "reference": Action._meta.get_field("reference").max_length,
    "action": Action._meta.get_field("title").max_length,
    "outcomes": Action._meta.get_field("outcomes").max_length,
    "outputs": Action._meta.get_field("outputs").max_length,
    "timescale": Action._meta.get_field("timescale").max_length,
    "lead": Action._meta.get_field("lead").max_length,
    "commentary": StatusUpdate._meta.get_field("commentary").max_length,
}
OBJECTIVE_TITLE_LIMIT = Objective._meta.get_field("title").max_length
SECTION_LIMIT = Action._meta.get_field("section").max_length
TEXT_LIMIT = LONG_TEXT
SUBJECTS = {"action": "The action", "rag_status": "The RAG status", "last_update": "The last update"}
FIELD_WITHHELD_BY_COLUMN = {column: field for field, column in WITHHELD_AS_COLUMN.items()}
NO_HEADINGS = (
    "No row of the file names the columns: the heading row must name at least the Reference, Action and "
    "Timescale columns (for example “Ref”, “Action”, “Timescale”)"
)
SECTION_MESSAGE = (
    f"The objective must be written like “Objective 1: title”, or be a section name of {SECTION_LIMIT} characters "
    "or fewer"
)
NO_OBJECTIVE = "matches none of the plan's objectives: the action will be under no objective, in a section of that name"
UNTITLED = "is not in the plan: write it once like “Objective 1: title” so it can be created"
NUMBER_ADVICE = (
    "; the spreadsheet stored it as a number, which turns 4.10 into 4.1: format the column as text and type the "
    "references again"
)
UNREADABLE = "The selected file could not be read as a CSV or Excel file"
NOT_AN_ACTION = (
    "The row has text in one cell only, and no reference or action: if it is a note, a total or a heading, delete "
    "it; if it is an action, enter its reference, action and timescale"
)
HIDDEN_COLUMN = "This column is hidden in the sheet, and no visible column gives what it gives: it is read"
REQUIRED = {"reference": "Enter a reference", "action": "Enter the action", "timescale": "Enter a timescale"}


@dataclass
class ImportProblem:
    row: int  # 1 is the header row, as a spreadsheet numbers it
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:  # about the whole file
            return self.message
        where = f"Row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    rows: list[dict[str, str]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    # The heading of each known column as the file writes it, for messages; the columns not read, for the preview.
    headings: dict[str, str] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)  # those the file has, of the ones the import reads
    ignored_columns: list[str] = field(default_factory=list)
    # What is read but may not be what was meant (a title matching no objective); never stops the import.
    warnings: list[ImportProblem] = field(default_factory=list)
    # Cells that could not be read as written (a reference stored as a number); check() lists them with the rest.
    cell_problems: list[ImportProblem] = field(default_factory=list)

    def heading(self, column: str) -> str:
        return self.headings.get(column, column)


def restore(value: str) -> str:
    """Undo the export's neutralising quote, so a round trip gives back exactly what was exported."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def withheld_fields(cell: str) -> list[str] | None:
    """The fields a row's withheld cell names (the export writes them), or None when it names anything else."""
    names = [name.strip().lower() for name in cell.split(",") if name.strip()]
    if any(name not in FIELD_WITHHELD_BY_COLUMN for name in names):
        return None
    return list(dict.fromkeys(FIELD_WITHHELD_BY_COLUMN[name] for name in names))


def read_rows(upload: BinaryIO, name: str) -> ImportResult:
    """The file's rows as dicts keyed by column, or the problems that stop it being read at all."""
    result = ImportResult()
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        result.problems.append(ImportProblem(0, "", "The selected file must be smaller than 5MB"))
        return result
    if not data:
        result.problems.append(ImportProblem(0, "", "The selected file is empty"))
        return result
    try:
        if name.lower().endswith(".xlsx"):
            table = xlsx_table(data, has_headings=_has_headings)
        elif name.lower().endswith(".csv"):
            text = reading.decode_csv(data)
            table = csv_table(text, reading.csv_delimiter(text))
        else:
            result.problems.append(ImportProblem(0, "", "The selected file must be a CSV or an Excel (.xlsx) file"))
            return result
    except TooLarge as error:
        result.problems.append(ImportProblem(0, "", f"The file is too large to import: {error}"))
        return result
    except reading.Unreadable as error:
        result.problems.append(ImportProblem(0, "", str(error)))
        return result
    # ParseError: a part that is not well-formed XML (or declares entities, which are never expanded).
    except (csv.Error, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, ParseError):
        result.problems.append(ImportProblem(0, "", UNREADABLE))
        return result
    found = reading.find_headings(table.rows, table.hidden)
    if found is None:
        result.problems.append(ImportProblem(0, "", NO_HEADINGS))
        return result
    positions, result.headings, result.ignored_columns = found.positions, found.written, found.ignored
    result.columns = [column for column in [*PLAN_COLUMNS, *EXTRA_COLUMNS] if column in positions]
    missing = [label for column, label in reading.REQUIRED_COLUMNS.items() if column not in positions]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        message = f"The headings in this row name no {' or '.join(missing)} column{plural}"
        result.problems.append(ImportProblem(found.index + 1, "", message))
        return result
    for heading in found.hidden_read:
        result.warnings.append(ImportProblem(found.index + 1, heading, HIDDEN_COLUMN))
    _read_table(result, table.rows[found.index + 1 :], positions, first=found.index + 2)
    if not result.rows:
        result.problems.append(ImportProblem(0, "", "The file has no actions in it"))
    return result


def _has_headings(sheet: Table) -> bool:
    return reading.find_headings(sheet.rows, sheet.hidden) is not None


def _read_table(result: ImportResult, table: list[list], positions: dict[str, int], first: int) -> None:
    """The rows below the headings, into result.rows. A row naming only an objective ("Objective 1: title" across
    the table, as plans set their objectives between their actions) places the rows below it; so does an objective
    cell over rows that leave theirs empty, except in a plan export, which leaves it empty for an action outside
    every objective."""
    export = any(column in positions for column in EXTRA_COLUMNS)
    above, from_cell, inherited = "", False, []
    for number, cells in enumerate(table, start=first):
        if not any(str(cell).strip() for cell in cells):
            continue
        if heading := reading.objective_heading(cells):
            above, from_cell = heading, False
            if "objective" not in result.columns:
                result.columns.insert(0, "objective")
            continue
        row = {}
        for column in [*PLAN_COLUMNS, *EXTRA_COLUMNS]:
            position = positions.get(column)
            cell = cells[position] if position is not None and position < len(cells) else ""
            text, problem = reading.text_of(cell, column)
            row[column] = restore(text)
            if column == "reference" and isinstance(cell, Typed):
                row["_reference_number"] = "yes"  # Excel kept it as a number: 4.10 may have become 4.1
            if problem:
                result.cell_problems.append(ImportProblem(number, result.heading(column), problem))
            if column == "timescale" and (month := reading.day_read_as_month(cell)):
                result.warnings.append(ImportProblem(number, result.heading(column), month))
        if row["objective"].strip():
            above, from_cell = ("", False) if export else (row["objective"], True)
        elif above:
            row["objective"] = above
            if from_cell:
                inherited.append(number)
        row["_row"] = str(number)
        result.rows.append(row)
    result.warnings.extend(_inherited(result, inherited))


def _inherited(result: ImportResult, numbers: list[int]) -> list[ImportProblem]:
    """A warning for each run of rows that took their objective from a cell above them."""
    by_number = {int(row["_row"]): row["objective"] for row in result.rows}
    warnings = []
    runs = itertools.groupby(enumerate(numbers), key=lambda pair: (pair[1] - pair[0], by_number[pair[1]]))
    for (_, objective), run in runs:
        rows = [number for _, number in run]
        where = f"Rows {rows[0]} to {rows[-1]} leave" if len(rows) > 1 else f"Row {rows[0]} leaves"
        message = f"{where} the objective empty: read as under {_shown(objective)}, written above"
        warnings.append(ImportProblem(0, "", message))
    return warnings


def _shown(value: str) -> str:
    """A cell's value quoted in a message, cut short so a long cell does not fill the page."""
    value = " ".join(value.split())
    return f"'{value[:60]}…'" if len(value) > 60 else f"'{value}'"


def check(plan: DeliveryPlan, result: ImportResult) -> None:
    """Find every problem in the rows, against each other and against the plan. Writes nothing."""
    seen_refs: dict[str, int] = {}
    problems = result.problems
    problems.extend(result.cell_problems)
    placements, objective_problems, warnings = _objectives(plan, result)
    problems.extend(objective_problems)
    result.warnings.extend(warnings)
    # Where each row goes, for the preview and the confirmation to read (row_objective, row_section).
    for row, (objective, title, section) in zip(result.rows, placements, strict=True):
        row.update(_objective_number="" if objective is None else str(objective), _objective_title=title)
        row["_section"] = section
    for row in result.rows:
        number = int(row["_row"])

        def problem(column: str, message: str, number: int = number) -> None:
            problems.append(ImportProblem(number, result.heading(column), message))

        filled = [column for column in [*PLAN_COLUMNS, *EXTRA_COLUMNS] if row[column].strip()]
        if len(filled) == 1 and filled[0] not in REQUIRED:
            problem("", NOT_AN_ACTION)  # a total, a note or a heading below or inside the table, read as an action
        else:
            for column, message in REQUIRED.items():
                if not row[column].strip():
                    problem(column, message)
        for column in PLAN_COLUMNS:
            if column != "objective" and len(row[column]) > LIMITS.get(column, TEXT_LIMIT):
                subject = SUBJECTS.get(column, f"The {column}")
                problem(column, length_message(subject, LIMITS.get(column, TEXT_LIMIT)))
            if "\x00" in row[column]:
                problem(column, "Must not contain a null character")
        if withheld_fields(row[WITHHELD_COLUMN]) is None:
            problem(
                WITHHELD_COLUMN,
                "Withheld must be whole row, or some of action, outcomes, outputs and lead separated by commas",
            )
        beyond = years_out_of_range(row["timescale"])
        if beyond:
            problem("timescale", timescale_message(beyond))
        reference = row["reference"].strip()
        if reference and reference in seen_refs:
            advice = NUMBER_ADVICE if row.get("_reference_number") else ""
            problem("reference", f"Reference {reference} is also used in row {seen_refs[reference]}{advice}")
        seen_refs.setdefault(reference, number)
        rag = reading.rag_of(row["rag_status"])
        if rag is None:
            problem("rag_status", f"{_shown(row['rag_status'])} is not a RAG status; {reading.RAG_ADVICE}")
        elif rag == RAG.NO_STATUS and row["commentary"].strip():
            # A commentary becomes a status update, and an update reports a status: the file must say which.
            problem("rag_status", "Enter a RAG status for a row with a commentary, such as Green or Not started")
        if row["last_update"].strip():
            when = reading.date_of(row["last_update"])
            if when is None:
                problem("last_update", f"{_shown(row['last_update'])} is not a date; enter it like 31/03/2019")
            elif when > timezone.localdate():
                problem("last_update", "The last update must be today or in the past")
            elif out_of_range := year_message("The last update", when.year):
                problem("last_update", out_of_range)


def _objectives(
    plan: DeliveryPlan, result: ImportResult
) -> tuple[list[tuple[int | None, str, str]], list[ImportProblem], list[ImportProblem]]:
    """Each row's objective as (number, title, section), with the problems and warnings found on the way.

    A number names an objective of the plan or one the file titles ("Objective 1: title" somewhere); a title
    alone names the objective of that title, in any case and spacing. A title matching none becomes a new
    objective when neither the plan nor the file numbers any and the file is not a plan export (a council's own
    sheet), and otherwise the name of the section the action sits in, outside every objective, as the plan export
    writes such actions.
    """
    titles = dict(plan.objectives.values_list("number", "title"))
    problems: list[ImportProblem] = []
    warnings: list[ImportProblem] = []
    column = result.heading("objective")
    read = [(int(row["_row"]), *reading.objective_of(row["objective"])) for row in result.rows]
    for number, objective, title in read:
        if objective is not None and title:
            if len(title) > OBJECTIVE_TITLE_LIMIT:
                problems.append(ImportProblem(number, column, length_message("The objective's title", TITLE)))
            known = titles.setdefault(objective, title)
            if not reading.same_title(known, title):
                problems.append(ImportProblem(number, column, f"Objective {objective} is also called “{known}”"))
    # The plan export writes an action outside the objectives under its section's name: a file with the export's own
    # columns is read that way even when no objective is numbered, so an export always reads back as it was.
    numbered = bool(titles) or any(column in result.columns for column in EXTRA_COLUMNS)
    resolved: list[tuple[int | None, str, str]] = []
    for number, objective, title in read:
        if objective is None and title:
            objective = next((n for n, known in titles.items() if reading.same_title(known, title)), None)
            if objective is None and not numbered:
                objective = max(titles, default=0) + 1
                titles[objective] = title
                if len(title) > OBJECTIVE_TITLE_LIMIT:
                    problems.append(ImportProblem(number, column, length_message("The objective's title", TITLE)))
            elif objective is None:
                if len(title) > SECTION_LIMIT:
                    problems.append(ImportProblem(number, column, SECTION_MESSAGE))
                else:
                    warnings.append(ImportProblem(number, column, f"{_shown(title)} {NO_OBJECTIVE}"))
                resolved.append((None, "", title))
                continue
        elif objective is not None and objective not in titles:
            problems.append(ImportProblem(number, column, f"Objective {objective} {UNTITLED}"))
        resolved.append((objective, titles.get(objective, ""), ""))
    return resolved, problems, warnings


def row_objective(row: dict[str, str]) -> tuple[int, str] | None:
    """The objective's number and title the row goes under, as check() resolved them; None for a section."""
    number = row.get("_objective_number", "")
    return (int(number), row["_objective_title"]) if number else None


def row_section(row: dict[str, str]) -> str:
    """The section the row goes in when it is under no objective, as check() resolved it."""
    return row.get("_section", "")


def row_rag(row: dict[str, str]) -> RAG:
    return reading.rag_of(row["rag_status"]) or RAG.NO_STATUS


def row_as_of(row: dict[str, str]) -> datetime.date | None:
    """The date the row's update speaks for: its own column when the file has it, else the last update's date."""
    written = row.get(AS_OF_COLUMN, "").strip() or row["last_update"].strip()
    return reading.date_of(written) if written else None
