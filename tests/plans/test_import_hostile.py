"""Hostile files on the import form: each is refused with the reason, fast, in bounded memory, writing nothing."""

import functools
import time
import tracemalloc
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import imports
from imports.import_files import LAST_ROW, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from plans.models import DeliveryPlan
from snapshots.plan_columns import PLAN_COLUMNS
from tests import factories as f

from . import hostile_files as hostile
from .test_import import ROW, csv_file, import_url, xlsx_file

MIB = 1024 * 1024
# A refusal reads at most a few megabytes and parses one row at a time: far below what the files unpack to.
MEMORY_BUDGET = 50 * MIB
TIME_BUDGET = 1.0  # seconds
TOO_LARGE = "The file is too large to import: "

HOSTILE_WORKBOOKS: dict[str, tuple[Callable[[], bytes], str]] = {
    "55 KB unpacking to 30 MB": (
        lambda: hostile.expanding_workbook(30 * MIB),
        TOO_LARGE + "it unpacks to more than 10MB",
    ),
    "1.5 MB unpacking to 1.5 GB": (lambda: hostile.bomb_workbook(1500), TOO_LARGE + "it unpacks to more than 10MB"),
    # zipfile stops at the declared size and finds the checksum wrong: the declared size is never what saves us.
    "1.5 GB declared as 1 KB": (
        lambda: hostile.bomb_workbook(1500, declared_size=1000),
        "The selected file could not be read as a CSV or Excel file",
    ),
    # Blank rows are not counted as rows (a sheet is formatted far below its table), but none is read past LAST_ROW.
    "a value a million rows down": (
        lambda: hostile.workbook_with_sheet(
            hostile.SHEET_START
            + b"<sheetData>"
            + hostile.inline_row(1, PLAN_COLUMNS)
            + hostile.inline_row(1_048_576, ["1.1"])
            + b"</sheetData></worksheet>"
        ),
        TOO_LARGE + f"it goes on past row {LAST_ROW:,}",
    ),
    "16 KB declaring 16,384 columns": (
        lambda: hostile.wide_workbook(MAX_ROWS + 100),
        TOO_LARGE + f"it has more than {MAX_ROWS} rows",
    ),
}


@functools.cache
def hostile_bytes(name: str) -> bytes:
    return HOSTILE_WORKBOOKS[name][0]()


@pytest.fixture
def draft(world):
    return f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT, introduction="")


def post_measured(client, url: str, upload: SimpleUploadedFile) -> tuple[object, float, int]:
    """The response, its time, and the peak of Python's allocations while it was made. Timed on a first request and
    measured on a second, since tracing every allocation slows the code it measures several times over."""
    start = time.perf_counter()
    response = client.post(url, {"file": upload})
    elapsed = time.perf_counter() - start
    upload.seek(0)
    tracemalloc.start()
    try:
        client.post(url, {"file": upload})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, elapsed, peak


def assert_refused(response, message: str, plan: DeliveryPlan) -> None:
    assert response.status_code == 200
    assert message in response.text
    assert "nothing has been imported" in response.text
    assert not plan.actions.exists() and not plan.objectives.exists()


@pytest.mark.parametrize("name", HOSTILE_WORKBOOKS)
def test_hostile_workbooks_are_refused_fast_in_bounded_memory(draft, coordinator, signed_in, name):
    data = hostile_bytes(name)
    client = signed_in(coordinator)
    response, elapsed, peak = post_measured(client, import_url(draft), SimpleUploadedFile("plan.xlsx", data))
    print(f"\n{name}: {len(data):,} bytes refused in {elapsed * 1000:.0f} ms, Python peak {peak / MIB:.1f} MiB")
    assert_refused(response, HOSTILE_WORKBOOKS[name][1], draft)
    assert elapsed < TIME_BUDGET
    assert peak < MEMORY_BUDGET


def test_a_csv_of_a_million_empty_lines_is_refused_past_the_last_row_read(draft, coordinator, signed_in):
    data = (",".join(PLAN_COLUMNS) + "\n" + "\n" * 1_000_000).encode()
    client = signed_in(coordinator)
    response, elapsed, peak = post_measured(client, import_url(draft), SimpleUploadedFile("plan.csv", data))
    print(f"\nA million empty CSV lines refused in {elapsed * 1000:.0f} ms, Python peak {peak / MIB:.1f} MiB")
    assert_refused(response, TOO_LARGE + f"it goes on past row {LAST_ROW:,}", draft)
    assert elapsed < TIME_BUDGET
    assert peak < MEMORY_BUDGET


def test_a_csv_made_to_slow_the_search_for_its_separator_is_read_in_time(draft, coordinator, signed_in):
    # Python's csv.Sniffer takes time growing with the square of what it is given: seconds for 16 KB of this, many
    # minutes for the whole file.
    data = (',"a' * 40_000).encode()
    client = signed_in(coordinator)
    response, elapsed, peak = post_measured(client, import_url(draft), SimpleUploadedFile("plan.csv", data))
    print(f"\nA CSV of {len(data):,} bytes of opened quotes refused in {elapsed * 1000:.0f} ms")
    assert_refused(response, TOO_LARGE + f"row 1 has more than {MAX_COLUMNS} columns", draft)
    assert elapsed < TIME_BUDGET
    assert peak < MEMORY_BUDGET


def wide_sheet() -> SimpleUploadedFile:
    return xlsx_file([PLAN_COLUMNS + [f"extra {n}" for n in range(MAX_COLUMNS)], [*ROW, "", "", ""]])


def long_cell_sheet() -> SimpleUploadedFile:
    # openpyxl cuts a longer text to Excel's limit when it writes, so the sheet is written by hand.
    row = hostile.inline_row(2, [*ROW[:2], "x" * (MAX_CELL_CHARS + 1), *ROW[3:], "", "", ""])
    header = hostile.inline_row(1, PLAN_COLUMNS)
    sheet = hostile.SHEET_START + b"<sheetData>" + header + row + b"</sheetData></worksheet>"
    return SimpleUploadedFile("plan.xlsx", hostile.workbook_with_sheet(sheet))


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (
            lambda: csv_file([PLAN_COLUMNS + ["extra"] * MAX_COLUMNS, [*ROW, "", "", ""]]),
            f"row 1 has more than {MAX_COLUMNS} columns",
        ),
        (
            lambda: csv_file([PLAN_COLUMNS, [*ROW[:2], "x" * (MAX_CELL_CHARS + 1), *ROW[3:], "", "", ""]]),
            f"row 2 has a cell longer than {MAX_CELL_CHARS:,} characters",
        ),
        (wide_sheet, f"a row has more than {MAX_COLUMNS} columns"),
        (long_cell_sheet, f"a cell is longer than {MAX_CELL_CHARS:,} characters"),
    ],
    ids=["csv columns", "csv cell", "xlsx columns", "xlsx cell"],
)
def test_rows_too_wide_and_cells_too_long_for_any_plan_are_refused(draft, coordinator, signed_in, make_upload, message):
    response = signed_in(coordinator).post(import_url(draft), {"file": make_upload()})
    assert_refused(response, TOO_LARGE + message, draft)


def test_a_file_over_5mb_is_refused_from_its_size_before_it_is_read(draft, coordinator, signed_in, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(imports, "read_rows", never)
    upload = SimpleUploadedFile("plan.csv", b"x" * (imports.MAX_BYTES + 1))
    response = signed_in(coordinator).post(import_url(draft), {"file": upload})
    assert response.status_code == 200
    assert "The selected file must be smaller than 5MB" in response.text
    assert not draft.actions.exists()
