"""Read and check a CSV or XLSX file of objectives and actions (the plan export's columns) for a draft plan.

Every problem is found before anything is written, each named by its row and column; a file with any problem
writes nothing. Importing an export of a plan recreates the same plan: the export's neutralised formulas are
restored, "Objective N: title" makes the objectives, and RAG status, last update and commentary become the
action's status update.
"""

import csv
import datetime
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils import timezone

from actions.models import Action, StatusUpdate
from core.limits import LONG_TEXT, length_message, year_message
from core.rag import RAG
from core.timescale import timescale_message, years_out_of_range
from objectives.models import Objective

from .exports import AS_OF_COLUMN, EXTRA_COLUMNS, PLAN_COLUMNS, WITHHELD_AS_COLUMN, WITHHELD_COLUMN
from .history import FORMULA_START
from .import_files import TooLarge, csv_table, xlsx_table
from .models import DeliveryPlan

MAX_BYTES = 5 * 1024 * 1024
SHOWN_ERRORS = 50
OBJECTIVE = re.compile(r"^Objective\s+(\d{1,3})\s*:\s*(.+)$", re.DOTALL)
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
RAG_BY_LABEL = {rag.label.lower(): rag for rag in RAG}
FIELD_WITHHELD_BY_COLUMN = {column: field for field, column in WITHHELD_AS_COLUMN.items()}
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
    columns: list[str] = field(default_factory=list)  # those the file has, of the ones the import reads
    ignored_columns: list[str] = field(default_factory=list)  # headings the import does not read
    warnings: list[str] = field(default_factory=list)  # what the reading noticed that stops nothing


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
            table = xlsx_table(data)
        elif name.lower().endswith(".csv"):
            table = csv_table(data.decode("utf-8-sig"))
        else:
            result.problems.append(ImportProblem(0, "", "The selected file must be a CSV or an Excel (.xlsx) file"))
            return result
    except TooLarge as error:
        result.problems.append(ImportProblem(0, "", f"The file is too large to import: {error}"))
        return result
    except UnicodeDecodeError:
        result.problems.append(ImportProblem(0, "", "The selected file must be saved as UTF-8 CSV"))
        return result
    except (csv.Error, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError):
        result.problems.append(ImportProblem(0, "", "The selected file could not be read as a CSV or Excel file"))
        return result
    if not table or not any(cell.strip() for cell in table[0]):
        result.problems.append(ImportProblem(1, "", "The first row must name the columns"))
        return result
    header = [cell.strip().lower() for cell in table[0]]
    missing = [column for column in PLAN_COLUMNS if column not in header]
    if missing:
        result.problems.append(
            ImportProblem(
                1, "", f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
            )
        )
        return result
    index = {column: header.index(column) for column in PLAN_COLUMNS}
    for column in EXTRA_COLUMNS:  # optional: files written by hand seldom have them
        if column in header:
            index[column] = header.index(column)
    result.columns = list(index)
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {column: restore(cells[i]) if i < len(cells) else "" for column, i in index.items()}
        for column in EXTRA_COLUMNS:
            row.setdefault(column, "")
        row["_row"] = str(number)
        result.rows.append(row)
    if not result.rows:
        result.problems.append(ImportProblem(0, "", "The file has no actions in it"))
    return result


def check(plan: DeliveryPlan, result: ImportResult) -> None:
    """Find every problem in the rows, against each other and against the plan. Writes nothing."""
    existing_objectives = dict(plan.objectives.values_list("number", "title"))
    seen_refs: dict[str, int] = {}
    file_objectives: dict[int, str] = {}
    for row in result.rows:
        number = int(row["_row"])
        problems = result.problems
        for column, message in REQUIRED.items():
            if not row[column].strip():
                problems.append(ImportProblem(number, column, message))
        for column in PLAN_COLUMNS:
            if column != "objective" and len(row[column]) > LIMITS.get(column, TEXT_LIMIT):
                subject = SUBJECTS.get(column, f"The {column}")
                problems.append(ImportProblem(number, column, length_message(subject, LIMITS.get(column, TEXT_LIMIT))))
            if "\x00" in row[column]:
                problems.append(ImportProblem(number, column, "Must not contain a null character"))
        if withheld_fields(row[WITHHELD_COLUMN]) is None:
            problems.append(
                ImportProblem(
                    number,
                    WITHHELD_COLUMN,
                    "Withheld must be whole row, or some of action, outcomes, outputs and lead separated by commas",
                )
            )
        objective_problem = _objective_length(row["objective"].strip())
        if objective_problem:
            problems.append(ImportProblem(number, "objective", objective_problem))
        beyond = years_out_of_range(row["timescale"])
        if beyond:
            problems.append(ImportProblem(number, "timescale", timescale_message(beyond)))
        reference = row["reference"].strip()
        if reference and reference in seen_refs:
            problems.append(
                ImportProblem(number, "reference", f"Reference {reference} is also used in row {seen_refs[reference]}")
            )
        seen_refs.setdefault(reference, number)
        match = OBJECTIVE.match(row["objective"].strip())
        if match:
            objective_number, title = int(match.group(1)), match.group(2).strip()
            known = file_objectives.get(objective_number, existing_objectives.get(objective_number))
            if known is not None and known != title:
                problems.append(
                    ImportProblem(number, "objective", f"Objective {objective_number} is also called “{known}”")
                )
            file_objectives.setdefault(objective_number, title)
        if row["rag_status"].strip() and row["rag_status"].strip().lower() not in RAG_BY_LABEL:
            problems.append(
                ImportProblem(number, "rag_status", "Must be one of Not started, Green, Amber, Red or Complete")
            )
        if row["last_update"].strip():
            try:
                when = datetime.date.fromisoformat(row["last_update"].strip())
            except ValueError:
                problems.append(ImportProblem(number, "last_update", "Must be a date like 2018-09-01"))
            else:
                if when > timezone.localdate():
                    problems.append(ImportProblem(number, "last_update", "Must be today or in the past"))
                elif out_of_range := year_message("The last update", when.year):
                    problems.append(ImportProblem(number, "last_update", out_of_range))


def _objective_length(cell: str) -> str | None:
    """An "Objective N: title" cell becomes an objective's title; any other words name the section the action sits
    in, a shorter field: each is held to its own limit."""
    match = OBJECTIVE.match(cell)
    if match and len(match.group(2).strip()) > OBJECTIVE_TITLE_LIMIT:
        return length_message("The objective's title", OBJECTIVE_TITLE_LIMIT)
    if not match and len(cell) > SECTION_LIMIT:
        return (
            f"The objective must be written like “Objective 1: title”, or be a section name of "
            f"{SECTION_LIMIT} characters or fewer"
        )
    return None


def row_objective(row: dict[str, str]) -> tuple[int, str] | None:
    """The objective's number and title when the cell names one; otherwise the cell names a section."""
    match = OBJECTIVE.match(row["objective"].strip())
    return (int(match.group(1)), match.group(2).strip()) if match else None


def row_rag(row: dict[str, str]) -> RAG:
    return RAG_BY_LABEL.get(row["rag_status"].strip().lower(), RAG.NOT_STARTED)


def row_as_of(row: dict[str, str]) -> datetime.date | None:
    """The date the row's update speaks for: its own column when the file has it, else the last update's date."""
    written = row.get(AS_OF_COLUMN, "").strip() or row["last_update"].strip()
    return datetime.date.fromisoformat(written) if written else None
