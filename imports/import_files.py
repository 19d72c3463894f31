"""An uploaded CSV or XLSX file as a table of text, read within fixed bounds.

A spreadsheet is a zip of XML: a few kilobytes can unpack to gigabytes, and one row or one cell can be made as large
as the whole file. Nothing here trusts what the file says about itself. An XLSX is checked part by part before
openpyxl sees it: how many parts, the sizes the zip declares, the compression ratio, and then the bytes actually
unpacked (counted as they stream against the same total, not taken on the zip's word), and its sheets and shared strings
are parsed as a stream, counting columns and characters and dropping each row once counted. A CSV is read row by row.
Whatever breaks a bound raises TooLarge, before the rows are kept.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, XMLPullParser

from openpyxl import load_workbook

# A plan has a few hundred actions; ten times that is still a plan, anything beyond is not one. Only rows with
# something in them count: a sheet is often formatted, and so saved, far below its table.
MAX_ROWS = 2000
# However empty, rows past this one are not a plan's: a file going on beyond it is refused unread.
LAST_ROW = 100_000
# A sheet merges a cell over the rows of a group (an objective over its actions) a few dozen times at most.
MAX_MERGES = 5000
# The export has ten columns and further ones may follow (DESIGN.md); a few dozen at most in practice.
MAX_COLUMNS = 100
# Excel itself holds at most 32,767 characters in a cell: a longer one was not written by a spreadsheet.
MAX_CELL_CHARS = 32_767
# A workbook Excel or LibreOffice saves has 10 to 40 parts (sheets, styles, themes, properties, a few images).
MAX_ZIP_ENTRIES = 200
# The demo's largest plan unpacks to about 100 KB; 2,000 rows of long text to a few megabytes. Every part together,
# as declared and as actually unpacked, must stay within this, so the XML parsed below is bounded too.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024
# Spreadsheet XML deflates about 5 to 20 times; a part that unpacks a hundred times its size is a bomb, not a plan.
# Tiny parts can compress better than that (an empty sheet's template), so the ratio counts only beyond RATIO_FLOOR.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024
# The parts whose XML holds cells: sheets (rows and inline strings) and the shared strings every sheet refers to.
CELL_PARTS = re.compile(r"^xl/(worksheets/[^/]+|sharedStrings)\.xml$", re.IGNORECASE)
EXCEL_CR = re.compile(r"_x000D_", re.IGNORECASE)
COLUMN_LETTERS = re.compile(r"^([A-Za-z]{1,3})")
CELL_REFERENCE = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")
# worksheet > sheetData > row, sst > si: elements this deep or less are dropped once read; deeper ones (a cell, its
# value, a string's runs and their formatting) are kept until their row or string ends, and counted.
BLOCK_DEPTH = 3
MAX_ELEMENTS_PER_ROW = 50 * MAX_COLUMNS


@dataclass(frozen=True)
class Typed:
    """A cell Excel or LibreOffice stored as a number, date or truth value, with the format the sheet shows it in:
    the import reads it by its column (a timescale's date is a month, a reference's number may hide a digit)."""

    value: object
    number_format: str

    def __len__(self) -> int:
        return len(str(self.value))

    def __str__(self) -> str:
        return cell_text(self.value)


class TooLarge(Exception):
    """The file breaks one of the bounds above; the message says which, for the person who uploaded it."""


@dataclass
class Table:
    """A sheet's rows, each at the index of its number less one (an empty row is an empty list), and the positions
    of the columns the sheet hides: what a person opening the file does not see is not read as the plan."""

    rows: list[list[str | Typed]]
    hidden: frozenset[int] = frozenset()


@dataclass
class SheetLayout:
    """What a sheet's XML says beside its cells: the columns it hides, the cells it merges (first row, column,
    last row, column; from 1), and how far down its values go."""

    hidden: set[int] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    last_row: int = 0  # the last row holding a value
    rows: int = 0  # how many rows hold one


def csv_table(text: str, delimiter: str = ",") -> Table:
    """The rows of a CSV file, refused as soon as one is too wide or too long, or there are too many."""
    rows: list[list[str | Typed]] = []
    filled = 0
    # The reader's own limit (128 KB by default) stops a runaway quoted field before it is built; ours is lower.
    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        number = len(rows) + 1
        if number > LAST_ROW:
            raise TooLarge(f"it goes on past row {LAST_ROW:,}")
        if len(cells) > MAX_COLUMNS:
            raise TooLarge(f"row {number} has more than {MAX_COLUMNS} columns")
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise TooLarge(f"row {number} has a cell longer than {MAX_CELL_CHARS:,} characters")
        if any(cell.strip() for cell in cells):
            filled += 1
            _check_filled(filled)
            rows.append(cells)
        else:
            rows.append([])
    return Table(rows)


def _check_filled(rows: int) -> None:
    if rows > MAX_ROWS + 1:  # the header row is not an action
        raise TooLarge(f"it has more than {MAX_ROWS} rows")


def xlsx_table(data: bytes, has_headings: Callable[[Table], bool]) -> Table:
    """The rows of the sheet holding the plan, once the whole workbook is known to be within bounds: text as text,
    numbers, dates and truth values as Typed. The plan's sheet is the first of the visible sheets, the one the
    workbook opens on first, whose rows have headings; hidden sheets (lists behind drop-downs) are never read. A
    sheet too large to be a plan is passed over for another, and is refused when no other has headings."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        layouts = check_archive(archive)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    first: Table | TooLarge | None = None
    try:
        sheets = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
        sheets.sort(key=lambda sheet: sheet is not workbook.active)  # stable: the others keep their order
        for sheet in sheets:
            # openpyxl keeps the part a read-only sheet is read from; its layout was found while checking it.
            layout = layouts.get(getattr(sheet, "_worksheet_path", "").lstrip("/"), SheetLayout())
            try:
                table = _sheet_table(sheet, layout)
            except TooLarge as error:
                first = first or error
                continue
            if has_headings(table):
                return table
            first = first or table
    finally:
        workbook.close()
    if isinstance(first, TooLarge):
        raise first
    return first or Table([])


def _sheet_table(sheet: object, layout: SheetLayout) -> Table:
    if layout.last_row > LAST_ROW:
        raise TooLarge(f"it goes on past row {LAST_ROW:,}")
    _check_filled(layout.rows)
    # Without max_col openpyxl pads every row to the width the sheet declares, which can be 16,384 columns.
    width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    rows: list[list[str | Typed]] = []
    # Rows start at the sheet's first (min_row=1), blank ones included, so each keeps the number the sheet shows;
    # they end at the last holding a value, however far below it the sheet is formatted.
    for cells in sheet.iter_rows(min_row=1, max_row=max(layout.last_row, 1), max_col=width):
        row = [_typed(cell) for cell in cells]
        rows.append(row if any(row) else [])
    _spread_merges(rows, layout.merged)
    return Table(rows, frozenset(layout.hidden))


def _spread_merges(rows: list[list[str | Typed]], merged: list[tuple[int, int, int, int]]) -> None:
    """A cell merged down over several rows (an objective over its actions, a lead over theirs) is what each of
    those rows says, as a person reading the sheet sees it. One merged across columns only is left in its first."""
    for first_row, column, last_row, _ in merged:
        if last_row <= first_row or first_row > len(rows) or column > MAX_COLUMNS:
            continue
        top = rows[first_row - 1]
        value = top[column - 1] if column <= len(top) else ""
        for row in rows[first_row : min(last_row, len(rows))]:
            row.extend([""] * (column - len(row)))
            row[column - 1] = value


def check_archive(archive: zipfile.ZipFile) -> dict[str, SheetLayout]:
    """Refuse a zip whose parts are too many or unpack too large, whatever sizes it declares; the layout of each
    sheet, by its part's name."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise TooLarge(f"it has more than {MAX_ZIP_ENTRIES} parts")
    declared = 0
    for info in entries:
        declared += info.file_size
        if declared > MAX_UNPACKED_BYTES:
            raise TooLarge(f"it unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)}MB")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TooLarge(f"a part of it unpacks to more than {MAX_RATIO} times its size")
    budget = [MAX_UNPACKED_BYTES]
    layouts = {}
    for info in entries:
        chunks = _unpacked(archive, info, budget)
        if CELL_PARTS.match(info.filename):
            layouts[info.filename] = _check_cells(chunks)
        else:
            for _ in chunks:
                pass
    return layouts


def _unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> Iterator[bytes]:
    """The part's bytes a chunk at a time, counted against what is left of the budget shared by every part."""
    with archive.open(info) as entry:
        while chunk := entry.read(CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise TooLarge(f"it unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)}MB")
            yield chunk


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _column(reference: str) -> int:
    match = COLUMN_LETTERS.match(reference)
    number = 0
    for letter in match.group(1).upper() if match else "":
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_cells(chunks: Iterator[bytes]) -> SheetLayout:
    """Stream a sheet's or the shared strings' XML, bounding each row's cells and each text's length, and noting the
    sheet's layout on the way. Whatever is nested deeper than a row or a string is counted, and every row, string or
    other block is dropped once read, so memory holds one row whatever the size or shape of the part."""
    parser = XMLPullParser(events=("start", "end"))
    open_elements: list[Element] = []
    layout = SheetLayout()
    cells, nested, row, filled = 0, 0, 0, False
    for chunk in chunks:
        parser.feed(chunk)
        for event, element in parser.read_events():
            name = _local(element.tag)
            if event == "start":
                open_elements.append(element)
                if len(open_elements) > BLOCK_DEPTH:
                    nested += 1
                    if nested > MAX_ELEMENTS_PER_ROW:
                        raise TooLarge(f"a row has more than {MAX_ELEMENTS_PER_ROW:,} elements")
                if name == "row":
                    cells, nested, filled = 0, 0, False
                    row = _number(element.get("r"), row + 1)
                elif name == "c":
                    cells += 1
                    if cells > MAX_COLUMNS or _column(element.get("r", "")) > MAX_COLUMNS:
                        raise TooLarge(f"a row has more than {MAX_COLUMNS} columns")
                elif name == "col" and element.get("hidden") in {"1", "true"}:
                    first = _number(element.get("min"), 1)
                    layout.hidden.update(range(first - 1, min(_number(element.get("max"), first), MAX_COLUMNS)))
                elif name == "mergeCell":
                    if len(layout.merged) >= MAX_MERGES:
                        raise TooLarge(f"a sheet merges more than {MAX_MERGES:,} cells")
                    if merged := _range(element.get("ref", "")):
                        layout.merged.append(merged)
                continue
            if name in {"t", "v"}:
                if len(element.text or "") > MAX_CELL_CHARS:
                    raise TooLarge(f"a cell is longer than {MAX_CELL_CHARS:,} characters")
                filled = filled or bool(element.text)
            elif name == "row" and filled:
                layout.rows += 1
                layout.last_row = max(layout.last_row, row)
            open_elements.pop()
            if 1 < len(open_elements) + 1 <= BLOCK_DEPTH:
                open_elements[-1].clear()  # a row, a string or a block of the sheet read: drop it
                nested = 0
    parser.close()
    return layout


def _number(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 8 else default


def _range(reference: str) -> tuple[int, int, int, int] | None:
    """A merged range "A4:A9" as (first row, first column, last row, last column); None if it is not one."""
    corners = [CELL_REFERENCE.match(corner) for corner in reference.split(":")]
    if len(corners) != 2 or None in corners:
        return None
    (first_column, first_row), (last_column, last_row) = [
        (_column(corner[1]), int(corner[2])) for corner in corners if corner
    ]
    return first_row, first_column, last_row, last_column


def _typed(cell: object) -> str | Typed:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        # Excel stores a carriage return in a cell's text as "_x000D_" (OOXML's escape), which openpyxl leaves as is.
        return EXCEL_CR.sub("\r", value)
    return Typed(value, getattr(cell, "number_format", None) or "General")


def cell_text(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
