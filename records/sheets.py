"""How the XLSX exports and the import template lay out a table: widths, wrapping, date cells and inert text.

The exports hand every value over as text (ISO 8601 for dates and times, as the CSV gives them); the columns named
in DATE_COLUMNS and TIME_COLUMNS become real date cells here, so a spreadsheet sorts and filters them as dates.
Text is always written as a string cell: a string cell is never run as a formula, so unlike the CSV it needs no
leading quote. One that looks like a formula also gets the cell style's quote prefix, which keeps it text when
someone edits it in Excel or LibreOffice.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from core.cells import FORMULA_START

# Characters XML 1.0 cannot hold: openpyxl refuses them, so the XLSX drops them (the CSV keeps every character).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
UK_DATE = "dd/mm/yyyy"
# Excel cells hold no time zone: the history's times are UTC, and the format says so beside each one.
UTC_TIME = 'dd/mm/yyyy hh:mm:ss "UTC"'
DATE_COLUMNS = {"last_update", "last_update_as_of"}
TIME_COLUMNS = {"recorded_at"}
HEADING_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
Sheet = Worksheet | WriteOnlyWorksheet


@dataclass(frozen=True)
class Column:
    width: float  # in characters of the default font, as Excel measures it
    wrap: bool = False


DEFAULT_COLUMN = Column(width=18)
COLUMNS = {
    # The plan
    "objective": Column(36, wrap=True),
    "reference": Column(11),
    "action": Column(50, wrap=True),
    "outcomes": Column(40, wrap=True),
    "outputs": Column(40, wrap=True),
    "timescale": Column(18, wrap=True),
    "lead": Column(28, wrap=True),
    "rag_status": Column(13),
    "last_update": Column(13),
    "commentary": Column(50, wrap=True),
    "withheld": Column(20, wrap=True),
    # The history of changes
    "recorded_at": Column(24),
    "user": Column(20),
    "council": Column(32, wrap=True),
    "plan": Column(10),
    "object_type": Column(18),
    "object_ref": Column(16, wrap=True),
    "field": Column(20),
    "old_value": Column(45, wrap=True),
    "new_value": Column(45, wrap=True),
    "comment": Column(40, wrap=True),
}


def layout(header: Sequence[str]) -> list[Column]:
    return [COLUMNS.get(name, DEFAULT_COLUMN) for name in header]


def set_widths(worksheet: Sheet, header: Sequence[str]) -> None:
    # Write-only sheets write their columns before the first row, so this must come before any append.
    for index, column in enumerate(layout(header), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width


def _moment(name: str, value: str) -> datetime.date | datetime.datetime | None:
    """The date or time an ISO 8601 cell holds, as Excel takes it (no time zone), or None to keep the text."""
    try:
        if name in DATE_COLUMNS:
            return datetime.date.fromisoformat(value)
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


class _Styles:
    """Each style a cell of the table can take, registered once with the workbook: copying a registered style is a
    fraction of the cost of assigning an alignment to every cell, which hashes it each time."""

    def __init__(self, worksheet: WriteOnlyWorksheet) -> None:
        def style(*, wrap: bool, quoted: bool = False, number_format: str | None = None) -> StyleArray:
            cell = WriteOnlyCell(worksheet)
            cell.alignment = WRAP if wrap else TOP
            cell.quotePrefix = quoted
            if number_format:
                cell.number_format = number_format
            return cell._style

        self.text = {
            (wrap, quoted): style(wrap=wrap, quoted=quoted) for wrap in (False, True) for quoted in (False, True)
        }
        self.date = style(wrap=False, number_format=UK_DATE)
        self.time = style(wrap=False, number_format=UTC_TIME)


def _text_cell(worksheet: WriteOnlyWorksheet, value: str, column: Column, styles: _Styles) -> Cell | str:
    """The value as a string cell, never a formula, wrapped when its column wraps."""
    value = XML_ILLEGAL.sub("", value)  # before the formula check, so "\x01=cmd" is caught once it reads "=cmd"
    looks_like_formula = value.startswith(FORMULA_START)
    if not (looks_like_formula or column.wrap):
        return value  # openpyxl types any other string as a plain string cell
    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    cell._style = copy(styles.text[column.wrap, looks_like_formula])
    return cell


def _value_cell(
    worksheet: WriteOnlyWorksheet, name: str, value: str, column: Column, styles: _Styles
) -> Cell | str | None:
    if not value:
        return None
    if name in DATE_COLUMNS or name in TIME_COLUMNS:
        moment = _moment(name, value)
        if moment is not None:
            cell = WriteOnlyCell(worksheet, value=moment)
            cell._style = copy(styles.date if name in DATE_COLUMNS else styles.time)
            return cell
    return _text_cell(worksheet, value, column, styles)


def heading_cells(worksheet: Sheet, header: Sequence[str]) -> list[Cell]:
    cells = []
    for name in header:
        cell = WriteOnlyCell(worksheet, value=name)
        cell.font = HEADING_FONT
        cells.append(cell)
    return cells


def write_table(worksheet: WriteOnlyWorksheet, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """The heading row, frozen and filtered, then the rows as they come: nothing is held but the current row.

    Returns the number of rows written below the heading."""
    set_widths(worksheet, header)
    worksheet.freeze_panes = "A2"
    worksheet.append(heading_cells(worksheet, header))
    columns = list(zip(header, layout(header), strict=True))
    styles = _Styles(worksheet)
    count = 0
    for row in rows:
        cells = zip(columns, row, strict=True)
        worksheet.append([_value_cell(worksheet, name, value, column, styles) for (name, column), value in cells])
        count += 1
    # The filter is written after the rows, so its range can take their number.
    worksheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
    return count
