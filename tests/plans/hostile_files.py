"""Spreadsheets built to hurt whoever opens them: small zips that unpack to tens of megabytes or gigabytes, a zip
that understates its sizes, sheets that declare themselves 16,384 columns wide. Each is built here, byte by byte
where zipfile cannot write it, so the tests depend on nothing downloaded."""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from openpyxl import Workbook

from snapshots.plan_columns import PLAN_COLUMNS

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def inline_row(number: int | None, values: list[str]) -> bytes:
    """A row of text cells; without a number the row and its cells carry no reference (a reader counts them)."""
    if number is None:
        return ("<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values) + "</row>").encode()
    cells = "".join(
        f'<c r="{_letters(i + 1)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def base_parts() -> dict[str, bytes]:
    """Every part of a real workbook openpyxl writes, to put a hostile sheet among."""
    workbook = Workbook()
    workbook.active.append(PLAN_COLUMNS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook_with_sheet(sheet_xml: bytes) -> bytes:
    """A workbook whose first sheet is `sheet_xml`, deflated as Excel does."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in base_parts().items():
            archive.writestr(name, sheet_xml if name == SHEET else data)
    return buffer.getvalue()


def expanding_workbook(unpacked_bytes: int) -> bytes:
    """About 60 KB for 30 MB: rows of ten cells, each three thousand of the same letter."""
    header = inline_row(1, PLAN_COLUMNS)
    row = inline_row(None, ["y" * 3000] * len(PLAN_COLUMNS))
    rows = row * (unpacked_bytes // len(row))
    return workbook_with_sheet(SHEET_START + b"<sheetData>" + header + rows + b"</sheetData></worksheet>")


def wide_workbook(rows: int) -> bytes:
    """A few kilobytes whose sheet declares itself 16,384 columns wide: openpyxl pads every row it reads to that."""
    body = b"".join(inline_row(number, ["1.1"]) for number in range(2, rows + 2))
    return workbook_with_sheet(
        SHEET_START
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + inline_row(1, PLAN_COLUMNS)
        + body
        + b"</sheetData></worksheet>"
    )


@dataclass
class Part:
    name: str
    deflated: bytes
    crc: int
    size: int  # unpacked
    declared_size: int  # what the zip says it unpacks to


def _deflated(data: bytes) -> Part:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Part("", compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data), len(data))


def bomb_part(name: str, unpacked_mib: int) -> Part:
    """A sheet of one cell holding `unpacked_mib` MiB of the same letter. Deflate's best ratio is about 1,000 to 1,
    so it is built from one compressed megabyte repeated (a full flush makes each repetition the same bytes)
    rather than by compressing gigabytes."""
    start = SHEET_START + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    end = b"</t></is></c></row></sheetData></worksheet>"
    block = b"z" * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(end) + compressor.flush()
    crc = zlib.crc32(start)
    for _ in range(unpacked_mib):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(end, crc)
    size = len(start) + unpacked_mib * len(block) + len(end)
    return Part(name, head + repeated * unpacked_mib + tail, crc, size, size)


def zip_of(parts: list[Part]) -> bytes:
    """A zip written field by field, so a part can declare a size other than its own."""
    out, directory = io.BytesIO(), io.BytesIO()
    for part in parts:
        name = part.name.encode()
        offset = out.tell()
        sizes = (part.crc, len(part.deflated), part.declared_size)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, *sizes, len(name), 0) + name)
        out.write(part.deflated)
        entry = (0x02014B50, 20, 20, 0, 8, 0, 0x21, *sizes, len(name), 0, 0, 0, 0, 0, offset)
        directory.write(struct.pack("<IHHHHHHIIIHHHHHII", *entry) + name)
    count, start = len(parts), out.tell()
    out.write(directory.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory.getvalue()), start, 0))
    return out.getvalue()


def bomb_workbook(unpacked_mib: int, *, declared_size: int | None = None) -> bytes:
    """A real workbook whose first sheet is a bomb; with `declared_size` the zip understates what it unpacks to."""
    parts = []
    for name, data in base_parts().items():
        if name == SHEET:
            part = bomb_part(name, unpacked_mib)
            if declared_size is not None:
                part.declared_size = declared_size
        else:
            part = _deflated(data)
            part.name = name
        parts.append(part)
    return zip_of(parts)
