"""Reading a spreadsheet the way councils keep them, for the import: which row holds the headings and what each
heading means, how a CSV is encoded, what a typed XLSX cell says, and the RAG statuses, objectives and dates
people write. Nothing here touches the database.
"""

import calendar
import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass

from core.rag import RAG

from .import_files import Typed, cell_text

# Each column's headings as people write them, folded (see fold), the export's own name first. Where a sheet heads
# two columns for one field ("Status" and "RAG", "Comments" and "Progress update"), the one earlier here is read.
HEADINGS = {
    "objective": (
        "objective",
        "objectives",
        "strategicobjective",
        "localstrategicobjective",
        "localobjective",
        "objectivetitle",
        "priority",
        "theme",
    ),
    "reference": (
        "reference",
        "ref",
        "refno",
        "referencenumber",
        "referenceno",
        "actionref",
        "actionreference",
        "actionno",
        "actionnumber",
        "no",
        "number",
    ),
    "action": ("action", "actions", "actiontitle", "activity", "activities", "whatwewilldo", "task"),
    "outcomes": ("outcomes", "outcome", "expectedoutcomes", "intendedoutcomes", "desiredoutcomes"),
    "outputs": ("outputs", "output", "expectedoutputs", "deliverables", "milestones"),
    "timescale": ("timescale", "timescales", "timeframe", "timeframes", "deadline", "targetdate", "bywhen", "when"),
    "lead": ("lead", "leads", "leadofficer", "leadofficers", "actionlead", "owner", "actionowner", "responsible"),
    "rag_status": ("ragstatus", "rag", "ragrating", "currentrag", "status", "currentstatus", "rating"),
    "last_update": ("lastupdate", "lastupdated", "dateoflastupdate", "updatedon", "dateupdated", "asat", "asof"),
    "commentary": ("commentary", "progressupdate", "progress", "update", "comment", "comments", "notes"),
    "withheld": ("withheld",),
    # The columns the plan export adds after the contract's, so an export reads back (plans/exports.py).
    "recommendations": ("recommendations", "recommendationsanswered", "reviewrecommendations", "peerreviewrecs"),
    "lead_agency": ("leadagency", "leadorganisation"),
    "last_update_as_of": ("lastupdateasof", "updateasof", "updatespeaksfor", "datetheupdatespeaksfor"),
}
COLUMN_BY_HEADING = {heading: column for column, headings in HEADINGS.items() for heading in headings}
RANK = {heading: rank for headings in HEADINGS.values() for rank, heading in enumerate(headings)}
# The row naming this many known columns is the heading row; a title row above it names at most one.
HEADINGS_NEEDED = 3
REQUIRED_COLUMNS = {"reference": "Reference", "action": "Action", "timescale": "Timescale"}
NOT_FOLDED = re.compile(r"[^0-9a-z]+")
LINE_END = re.compile(r"\r+\n?")
# The markers people type before a line to make a list in a cell; the app shows the lines as a list itself. A marker
# is followed by a space or tab and then the line's words: "·0" or a marker alone ("·") is text, kept as written, so
# that a plan's own text that starts with such a sign comes back from its export unchanged.
BULLET = re.compile(r"^[ \t]*[•▪◦‣·●\-*–o](?=[ \t])[ \t]*(?=\S)")
LIST_COLUMNS = {"outcomes", "outputs"}

RAG_WORDS = {
    "green": RAG.GREEN,
    "g": RAG.GREEN,
    "amber": RAG.AMBER,
    "a": RAG.AMBER,
    "red": RAG.RED,
    "r": RAG.RED,
    "complete": RAG.COMPLETE,
    "completed": RAG.COMPLETE,
    "c": RAG.COMPLETE,
    "notstarted": RAG.NOT_STARTED,
    "nostatus": RAG.NO_STATUS,
    "nostatusrecorded": RAG.NO_STATUS,
}
RAG_ADVICE = "use Green, Amber, Red, Complete, Not started or No status recorded, or leave it empty"

NUMBER_WORDS = [
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"),
]
NUMBER_BY_WORD = {word: number for number, word in enumerate(NUMBER_WORDS, start=1)}
# "Objective 1: title", "OBJECTIVE ONE - title", and as plans set it in a cell, "Objective 1 title" or the number on
# a line of its own above the title.
OBJECTIVE = re.compile(
    r"^objective\s+(?P<number>\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\b\s*(?:[:.\-–—)]\s*)?(?P<title>.*)$",
    re.IGNORECASE | re.DOTALL,
)
NUMBER_ALONE = re.compile(r"^\d{1,3}$")

DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE)
MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
DECIMALS = re.compile(r"^0(?:\.(0+))?$")
# What a number format shows as written rather than as part of the date: quoted text, escaped characters, a locale
# or colour in brackets ("[$-en-GB]mmmm yyyy" shows no day).
DATE_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class Unreadable(Exception):
    """The file cannot be read as a spreadsheet; the message says why, for the person who uploaded it."""


def fold(heading: str) -> str:
    """A heading with case, spacing and punctuation folded away: "RAG status", "rag_status", "R.A.G. Status"."""
    return NOT_FOLDED.sub("", heading.lower())


def decode_csv(data: bytes) -> str:
    """The text of a CSV: UTF-8 (with or without a byte-order mark) when it is valid UTF-8, else Windows-1252,
    Excel's "CSV" on a UK Windows machine. Both are tried strictly, so a file in neither is refused rather than read
    as the wrong characters; UTF-8 text is almost never also valid as anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise Unreadable(
            "The selected file is saved as Unicode text (UTF-16): save it as “CSV UTF-8” or as an Excel file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Unreadable(
            f"The selected file is neither UTF-8 nor Windows-1252 text (line {line} has a character neither can "
            "hold): save it as “CSV UTF-8” or as an Excel file"
        ) from error


# Excel writes a "CSV" with commas, or with semicolons where the decimal mark is a comma; other tools use tabs.
DELIMITERS = (",", ";", "\t")
# csv.Sniffer takes time growing with the square of its sample (seconds for 16 KB of opened quotes, tens of
# milliseconds for 1 KB): it is given the first lines, where the title rows and the headings are, and no more.
SNIFF_CHARS = 1024
# Where the headings are looked for to check the sniffer's guess: the rows of a plan's first few kilobytes.
HEADING_SEARCH_CHARS = 64 * 1024
HEADING_SEARCH_ROWS = 50


def csv_delimiter(text: str) -> str:
    """What separates a CSV's cells: csv.Sniffer's guess from its first lines, kept when it finds the heading row
    there. The sniffer can be misled by the other separators inside cells ("5000,50" in a semicolon file), so the
    others are tried next, and the first that finds the headings wins; the guess stands when none does."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only: a cut one skews its count of separators
    try:
        guess = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:  # one column, or no separator used consistently
        guess = ","
    start = text[:HEADING_SEARCH_CHARS]
    for delimiter in dict.fromkeys((guess, *DELIMITERS)):
        rows = csv.reader(io.StringIO(start, newline=""), delimiter=delimiter)
        try:
            if find_headings(list(itertools.islice(rows, HEADING_SEARCH_ROWS))) is not None:
                return delimiter
        except csv.Error:
            continue
    return guess


@dataclass
class Headings:
    """The heading row (its index in the table), each known column's position and heading as written, the headings
    of the columns not read, and those read although the sheet hides them."""

    index: int
    positions: dict[str, int]
    written: dict[str, str]
    ignored: list[str]
    hidden_read: list[str]


def find_headings(table: list[list], hidden: frozenset[int] = frozenset()) -> Headings | None:
    """The first row naming enough known columns, as Headings; None when no row does. Of two columns a row heads for
    one field, a visible one is read before a hidden one, then the heading earlier in HEADINGS, then the first."""
    for index, cells in enumerate(table):
        texts = [str(cell).strip() for cell in cells]
        columns = {position: COLUMN_BY_HEADING.get(fold(text)) for position, text in enumerate(texts)}
        if len(set(columns.values()) - {None}) < HEADINGS_NEEDED:
            continue
        positions: dict[str, int] = {}
        for position, column in columns.items():
            if column and (
                column not in positions or _order(position, texts, hidden) < _order(positions[column], texts, hidden)
            ):
                positions[column] = position
        read = set(positions.values())
        ignored = [
            f"{text} (a hidden column)" if position in hidden else text
            for position, text in enumerate(texts)
            if text and position not in read
        ]
        hidden_read = [texts[position] for position in sorted(read & hidden)]
        written = {column: texts[position] for column, position in positions.items()}
        return Headings(index, positions, written, ignored, hidden_read)
    return None


def _order(position: int, texts: list[str], hidden: frozenset[int]) -> tuple[bool, int]:
    return position in hidden, RANK.get(fold(texts[position]), 0)


def lines(text: str, column: str) -> str:
    """Line ends made one newline each, however the file ended them; typed bullets taken off list cells' lines."""
    text = LINE_END.sub("\n", text)
    if column in LIST_COLUMNS:
        # Only a cell whose every line starts with the same marker is a typed list: "-5 on last year" stays.
        found = [BULLET.match(line) for line in text.split("\n") if line.strip()]
        markers = {match[0].strip() if match else None for match in found}
        if len(markers) == 1 and None not in markers:
            text = "\n".join(BULLET.sub("", line, count=1) for line in text.split("\n"))
    return text


def month_of(value: datetime.date, number_format: str) -> str:
    """A date cell in the timescale, as the wording the plan uses. Excel stores a typed "March 2019" or "Mar-19" as
    the 1st of that month, and LibreOffice turns a CSV's "March 2019" into the 1st shown with its day: so a date
    shown without its day, or on the 1st, names the month (the preview says so, see day_read_as_month); any other
    day is kept."""
    if value.day != 1 and _shows_day(number_format):
        return value.strftime("%d/%m/%Y")
    return f"{calendar.month_name[value.month]} {value.year}"


def _shows_day(number_format: str) -> bool:
    return "d" in DATE_LITERALS.sub("", number_format.lower())


def day_read_as_month(cell: object) -> str | None:
    """The warning for a timescale cell the sheet shows as the 1st of a month (01/04/2020) and the import reads as
    the month; None for any other cell."""
    value = cell.value if isinstance(cell, Typed) else None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date) or value.day != 1 or not _shows_day(cell.number_format):
        return None
    return (
        f"{value.strftime('%d/%m/%Y')} is read as {month_of(value, cell.number_format)}, due at the month's end: "
        "a date on the 1st is taken to name its month; to keep the day, format the column as text and type the "
        "date again"
    )


def reference_text(cell: Typed) -> tuple[str, str | None]:
    """A reference Excel stored as a number, as text, and the problem when the sheet shows it otherwise: 4.1
    formatted to show 4.10 is the tenth action, which the number itself cannot tell from the first."""
    text = cell_text(cell.value)
    match = DECIMALS.match(cell.number_format.strip())
    if isinstance(cell.value, int | float) and match:
        shown = f"{cell.value:.{len(match.group(1) or '')}f}"
        if shown != text:
            return text, (
                f"'{shown}' is stored as the number {text}, which cannot tell 4.1 from 4.10; "
                "format the column as text and type the references again"
            )
    return text, None


def text_of(cell: object, column: str) -> tuple[str, str | None]:
    """A cell as the text the import reads for its column, and a problem with it if it cannot be read."""
    if not isinstance(cell, Typed):
        return lines(str(cell), column), None
    value = cell.value
    if isinstance(value, datetime.datetime):
        value = value.date()
    if column == "reference":
        return reference_text(cell)
    if isinstance(value, datetime.date):
        if column == "timescale":
            return month_of(value, cell.number_format), None
        return value.isoformat(), None
    return cell_text(value), None


def rag_of(text: str) -> RAG | None:
    """The RAG status a cell names, as a word in any case and spacing or as a council's letter; None if none. An
    empty cell says no status, as a plan's empty RAG column does: never Not started, which it does not say."""
    return RAG_WORDS.get(fold(text)) if text.strip() else RAG.NO_STATUS


def objective_of(text: str) -> tuple[int | None, str]:
    """The number and title an objective cell names: "Objective 1: title", "OBJECTIVE ONE - title", "Objective 1
    title", "1", or a title alone (no number)."""
    text = text.strip()
    match = OBJECTIVE.match(text)
    if match:
        number = match.group("number").lower()
        return NUMBER_BY_WORD.get(number) or int(number), (match.group("title") or "").strip()
    if NUMBER_ALONE.match(text):
        return int(text), ""
    return None, text


def objective_heading(cells: list) -> str | None:
    """The objective a row names when it holds nothing else: "Objective 1: title" on a row of its own, as plans set
    an objective above its actions (in one cell, or merged across the table). None for any other row."""
    texts = {str(cell).strip() for cell in cells} - {""}
    if len(texts) != 1:
        return None
    text = texts.pop()
    return text if OBJECTIVE.match(text) else None


def same_title(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def date_of(text: str) -> datetime.date | None:
    """A date as people type it in the UK: 31/03/2019, 31/3/19, 1 September 2018, 1 Sept 2018, 2018-09-01. Day
    first always: 03/04/2019 is the 3rd of April. None when it is not a real date."""
    text = text.strip()
    try:
        if match := ISO_DATE.match(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := DAY_FIRST.match(text):
            year = int(match[3]) if len(match[3]) == 4 else 2000 + int(match[3])
            return datetime.date(year, int(match[2]), int(match[1]))
        if match := DAY_MONTH_YEAR.match(text):
            word = match[2].lower()
            months = [number for name, number in MONTH_NUMBERS.items() if len(word) >= 3 and name.startswith(word)]
            if word == "sept":
                months = [9]
            if months:
                return datetime.date(int(match[3]), months[0], int(match[1]))
    except ValueError:
        return None
    return None
