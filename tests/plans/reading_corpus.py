"""The 2018-19 Tower Hamlets plan typed into spreadsheets the ways officers save them, for the import tests.

Each writer takes the plan's rows in the template's own columns and returns the bytes of one file: a CSV in some
encoding, line ending and heading style, or an XLSX with typed cells, title rows, shuffled and renamed columns and
columns the import does not know.
"""

import csv
import datetime
import io
from pathlib import Path

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.timescale import due_date_from_timescale
from imports import import_reading as reading
from snapshots.plan_columns import PLAN_COLUMNS

DEMO = Path(__file__).resolve().parents[2] / "demo" / "demo_data" / "tower-hamlets-2018-19.yaml"
RAGS = ["Green", "Amber", "Red", "Complete", ""]
NUMBER_WORDS = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR"}


def template_rows() -> list[dict]:
    """The plan's 24 actions in the template's columns, with a status on most so RAG and updates are compared."""
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    titles = {objective["number"]: objective["title"] for objective in data["objectives"]}
    rows = []
    for index, action in enumerate(data["actions"]):
        rag = RAGS[index % len(RAGS)]
        rows.append(
            {
                "objective": f"Objective {action['objective']}: {titles[action['objective']]}",
                "objective_number": action["objective"],
                "objective_title": titles[action["objective"]],
                "reference": action["ref"],
                "action": action["title"].strip(),
                "outcomes": "\n".join(line for line in action["outcomes"].strip().splitlines()),
                "outputs": "\n".join(output.strip() for output in action["outputs"]),
                "timescale": action["timescale"],
                "lead": action["lead"],
                "rag_status": rag,
                "last_update": datetime.date(2018, 9, 1 + index) if rag else None,
                "commentary": f"Progress reported to the Board on item {action['ref']}" if rag else "",
            }
        )
    return rows


def template_csv(rows: list[dict]) -> bytes:
    """The template's own format: its headings, UTF-8, ISO dates; what the import has always read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PLAN_COLUMNS)
    for row in rows:
        cells = {**row, "last_update": row["last_update"].isoformat() if row["last_update"] else ""}
        writer.writerow([cells[column] for column in PLAN_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def write_csv(
    headings: list[tuple[str, str | None]],
    rows: list[list[str]],
    *,
    encoding: str,
    line_end: str,
    above=(),
    delimiter: str = ",",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=line_end, delimiter=delimiter)
    writer.writerows(above)
    writer.writerow([heading for heading, _ in headings])
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def uk(date: datetime.date | None, style: str) -> str:
    if date is None:
        return ""
    return {"short": f"{date.day}/{date.month}/{date.year % 100:02d}", "long": f"{date.day} {date:%B %Y}"}.get(
        style, date.strftime("%d/%m/%Y")
    )


def bulleted(text: str, bullet: str, line_end: str) -> str:
    return line_end.join(f"{bullet} {line}" for line in text.split("\n"))


def excel_csv(rows: list[dict], *, delimiter: str = ",", encoding: str = "cp1252") -> bytes:
    """Excel's "CSV" on a UK Windows machine: Windows-1252, CRLF rows and CRLF inside cells, headings as people
    write them in another order, bullets typed into list cells, dates day first, RAG as the letters. A machine
    whose decimal mark is a comma separates cells with semicolons, and writes its amounts with the comma."""
    headings = [
        ("Ref", "reference"),
        ("Local strategic objective", "objective"),
        ("Action", "action"),
        ("Lead officer", "lead"),
        ("Timescale", "timescale"),
        ("Outcomes", "outcomes"),
        ("Outputs", "outputs"),
        ("RAG", "rag_status"),
        ("Last update", "last_update"),
        ("Comments", "commentary"),
        ("Budget (£)", None),
    ]
    table = []
    for row in rows:
        cells = {
            **row,
            "rag_status": row["rag_status"][:1],
            "last_update": uk(row["last_update"], "short"),
            "outputs": bulleted(row["outputs"], "•", "\r\n"),
            "outcomes": row["outcomes"].replace("\n", "\r\n"),
        }
        amount = "5,000" if delimiter == "," else "5000,50"
        table.append([cells[column] if column else amount for _, column in headings])
    return write_csv(headings, table, encoding=encoding, line_end="\r\n", delimiter=delimiter)


def semicolon_csv(rows: list[dict]) -> bytes:
    """Excel's "CSV" where the decimal mark is a comma: semicolons between cells, Windows-1252, CRLF."""
    return excel_csv(rows, delimiter=";")


def semicolon_utf8_csv(rows: list[dict]) -> bytes:
    """Excel's "CSV UTF-8" where the decimal mark is a comma: semicolons, a byte-order mark, CRLF."""
    return excel_csv(rows, delimiter=";", encoding="utf-8-sig")


def bom_csv(rows: list[dict]) -> bytes:
    """ "CSV UTF-8" as Excel saves it, with its byte-order mark; a title row and a blank row above the headings,
    headings in capitals with punctuation, objectives as words, RAG as words in any case."""
    headings = [
        ("OBJECTIVE", "objective"),
        ("REF.", "reference"),
        ("ACTION", "action"),
        ("OUTCOMES", "outcomes"),
        ("OUTPUTS", "outputs"),
        ("TIMESCALE", "timescale"),
        ("LEAD", "lead"),
        ("R.A.G. status", "rag_status"),
        ("Last updated", "last_update"),
        ("Progress update", "commentary"),
    ]
    table = []
    for index, row in enumerate(rows):
        number = row["objective_number"]
        cells = {
            **row,
            "objective": f"OBJECTIVE {NUMBER_WORDS[number]}: {row['objective_title']}" if index % 2 else str(number),
            "rag_status": f"  {row['rag_status'].upper()} " if index % 2 else row["rag_status"].lower(),
            "last_update": uk(row["last_update"], "long"),
            "outputs": bulleted(row["outputs"], "-", "\n"),
        }
        table.append([cells[column] for _, column in headings])
    above = [["Tower Hamlets Prevent Delivery Plan 2018-19", "", ""], []]
    return write_csv(headings, table, encoding="utf-8-sig", line_end="\n", above=above)


def typed_xlsx(rows: list[dict], *, with_headings: list[tuple[str, str | None]] | None = None) -> bytes:
    """An XLSX as Excel leaves it once people have typed into it: "March 2019" became a date cell shown "Mar-19",
    references like 1.1 became numbers, last updates are date cells; title and blank rows above the headings,
    columns renamed and shuffled, columns the import does not know, the objective as "Objective 1 - title"."""
    headings = with_headings or [
        ("Lead", "lead"),
        ("Reference", "reference"),
        ("Notes for the coordinator only", None),
        ("Objective", "objective"),
        ("Action", "action"),
        ("Status", "rag_status"),
        ("Timescale", "timescale"),
        ("Outcomes", "outcomes"),
        ("Outputs", "outputs"),
        ("Last update", "last_update"),
        ("Commentary", "commentary"),
        ("Partner agency", None),
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["London Borough of Tower Hamlets"])
    sheet.append(["Prevent Delivery Plan 2018-19"])
    sheet.append([])
    sheet.append([heading for heading, _ in headings])
    for row in rows:
        line = []
        for _, column in headings:
            line.append(typed_cell(row, column))
        sheet.append([value for value, _ in line])
        for cell, (_, number_format) in zip(sheet[sheet.max_row], line, strict=True):
            if number_format:
                cell.number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def typed_cell(row: dict, column: str | None) -> tuple[object, str | None]:
    """A cell's value and number format as Excel would have stored what was typed."""
    if column is None:
        return "ignore me", None
    value = row.get(column)
    if column == "objective":
        return f"Objective {row['objective_number']} - {row['objective_title']}", None
    if column == "reference" and row["reference"] != "4.10":  # a careful officer typed 4.10 as text
        return float(row["reference"]), "General"
    if column == "timescale":
        due = due_date_from_timescale(row["timescale"])
        if due and row["timescale"] == f"{due:%B %Y}":  # one month: Excel turned it into a date
            return datetime.datetime(due.year, due.month, 1), "mmm-yy"
    if column == "outputs":  # lines typed with Alt+Enter after text pasted from Word: Excel's escaped CRLF
        return value.replace("\n", "_x000D_\n"), None
    if column == "last_update" and value:
        return datetime.datetime(value.year, value.month, value.day), "dd/mm/yyyy"
    return value, None


# Generated sheets for the Hypothesis test: what a council might upload, in every form.
def heading_as_typed(heading: str, style: int) -> str:
    """A known heading as someone might type it: capitals, spaces, punctuation."""
    return [heading, heading.upper(), f" {heading.title()}. ", heading.replace("", " ").strip(), f"{heading}:"][style]


text_cell = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["Amber", " g ", "Red/Amber", "31/3/19", "Mar-19", "Q4 2018/19", "2018/19", "Ongoing", "4.10"]),
    st.sampled_from(["Objective 1: x", "OBJECTIVE ONE - x", "Objective 9", "3", "• a\r\n• b", "- a\r\r\n- b"]),
    st.sampled_from(["=SUM(A1)", "whole row", "lead, outputs", "£5,000 – “quoted”", "Ünïcödé ✓"]),
)
typed_value = st.one_of(
    st.integers(-10, 10_000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(datetime.date(1990, 1, 1), datetime.date(2110, 12, 31)),
    st.datetimes(datetime.datetime(1990, 1, 1), datetime.datetime(2110, 12, 31)),
    st.booleans(),
)
number_format = st.sampled_from(["General", "0.00", "0.0", "0", "mmm-yy", "dd/mm/yyyy", "@", "#,##0"])
WORDING = st.sampled_from(["March 2019", "Mar-19", "Q4 2018/19", "2018-19", "31/3/19", "Ongoing", "1 Sept 2018"])
A_DATE = st.tuples(st.dates(datetime.date(2015, 1, 1), datetime.date(2024, 12, 31)), st.sampled_from(["mmm-yy", "d"]))
# Mostly what a council writes, sometimes anything: so both whole imports and refusals are drawn.
VALUES = {
    "reference": st.one_of(st.just(None), st.just(None), st.just(None), st.tuples(st.floats(0, 99), number_format)),
    "action": st.one_of(st.just("Train staff"), st.just("Café – “work”"), text_cell),
    "timescale": st.one_of(WORDING, WORDING, A_DATE, text_cell, st.tuples(typed_value, number_format)),
    "rag_status": st.sampled_from(["", "G", " amber ", "RED", "Completed", "not started", "on track"]),
    "last_update": st.one_of(st.just(""), st.just("31/3/19"), A_DATE, text_cell),
    "withheld": st.sampled_from(["", "", "whole row", "lead, outputs", "Action", "lead;"]),
    "objective": st.one_of(st.just("Objective 1: Support"), st.just("Support"), text_cell),
}


@st.composite
def spreadsheets(draw) -> dict:
    """A sheet whose columns are mostly known, headed as people type them, with cells typed by column; some cells
    are wrong on purpose, so both a whole import and a refusal are drawn."""
    others = [column for column in [*reading.HEADINGS, None, None] if column not in reading.REQUIRED_COLUMNS]
    required = draw(st.sampled_from([list(reading.REQUIRED_COLUMNS)] * 5 + [["reference", "action"]]))
    columns = draw(st.permutations([*required, *draw(st.lists(st.sampled_from(others), max_size=8))]))
    headings = [
        draw(st.text(max_size=12))
        if column is None
        else heading_as_typed(draw(st.sampled_from(sorted(reading.HEADINGS[column]))), draw(st.integers(0, 4)))
        for column in columns
    ]
    rows = []
    for number in range(draw(st.integers(0, 8))):
        cells = [
            draw(VALUES.get(column, st.one_of(text_cell, st.tuples(typed_value, number_format)))) for column in columns
        ]
        rows.append([f"{number + 1}.1" if cell is None else cell for cell in cells])
    return {
        "columns": columns,
        "titles": draw(st.integers(0, 3)),
        "headings": headings,
        "rows": rows,
        "form": draw(st.sampled_from(["xlsx", "xlsx", "utf-8", "utf-8-sig", "cp1252", "utf-16", "bytes"])),
        "line_end": draw(st.sampled_from(["\n", "\r\n", "\r"])),
        "noise": draw(st.binary(max_size=40)),
    }


def generated_file(spec: dict) -> SimpleUploadedFile:
    table = [["Prevent Delivery Plan"]] * spec["titles"] + [spec["headings"], *spec["rows"]]
    if spec["form"] == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        for number, row in enumerate(table, start=1):
            for column, cell in enumerate(row, start=1):
                value, fmt = cell if isinstance(cell, tuple) else (ILLEGAL_CHARACTERS_RE.sub("", cell), None)
                target = sheet.cell(row=number, column=column, value=value)
                if fmt:
                    target.number_format = fmt
        buffer = io.BytesIO()
        workbook.save(buffer)
        return SimpleUploadedFile("plan.xlsx", buffer.getvalue())
    if spec["form"] == "bytes":
        return SimpleUploadedFile("plan.csv", spec["noise"])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=spec["line_end"])
    writer.writerows([[str(cell[0]) if isinstance(cell, tuple) else cell for cell in row] for row in table])
    return SimpleUploadedFile("plan.csv", buffer.getvalue().encode(spec["form"], errors="replace"))
