"""Due dates from a plan's timescale wording, as councils write it.

"March 2019", "Mar-19", "Sept 2018", "End of March 2019", "Q4 2018/19", "2018/19", "31/03/2019", ranges such as
"July 2018 - March 2019" or "September 2018 March 2019": the due date is the latest date the wording names, a month
or a quarter or a financial year counting to its last day. "Ongoing" and "TBC" name none, on purpose. Dates are
read the UK way (day first), never in US order.
"""

import calendar
import datetime
import re

from .limits import EARLIEST_YEAR, LATEST_YEAR

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
# What people type for a month: its name, its first three letters, and "Sept"; a full stop may follow.
MONTH_WORD = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# One pattern, tried left to right, each alternative before the looser ones it would otherwise be read as:
# an ISO date before a financial year ("2018-09-01" is not "2018-09"), a quarter before its financial year.
WORDING = re.compile(
    r"\b(?P<iso>(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2}))\b"
    r"|\b(?P<uk>(?P<uk_d>\d{1,2})[/.](?P<uk_m>\d{1,2})[/.](?P<uk_y>\d{4}|\d{2}))\b"
    r"|\bQ(?P<q>[1-4])\s*(?:of\s+)?(?P<q_y>\d{4})\s*[/-]\s*(?P<q_y2>\d{4}|\d{2})\b"
    r"|\b(?P<fy_y>\d{4})\s*[/-]\s*(?P<fy_y2>\d{4}|\d{2})\b"
    rf"|\b(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm_m>{MONTH_WORD})\.?,?\s+(?P<dm_y>\d{{4}})\b"
    rf"|\b(?P<m>{MONTH_WORD})\.?(?:\s+|\s*[-/']\s*)(?P<m_y>\d{{4}}|\d{{2}})\b",
    re.IGNORECASE,
)
# The last month of each UK financial quarter (Q1 is April to June) and how many years after the start it falls.
YEAR_GROUPS = ("iso_y", "uk_y", "q_y", "fy_y", "dm_y", "m_y")
QUARTER_END = {1: (6, 0), 2: (9, 0), 3: (12, 0), 4: (3, 1)}


def _month(word: str) -> int:
    word = word.lower().rstrip(".")
    return next(number for name, number in MONTHS.items() if name.startswith(word[:3]))


def _year(text: str) -> int:
    # Two digits are this century's: plans are dated from 2000 (core.limits).
    return int(text) if len(text) == 4 else 2000 + int(text)


def _end_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _second_year(first: int, text: str) -> bool:
    """Whether "2018/19" or "2018-2019" names one financial year (the second year follows the first)."""
    second = int(text)
    return second == first + 1 if len(text) == 4 else second == (first + 1) % 100


def _read(match: re.Match) -> tuple[datetime.date | None, int]:
    """The date a piece of wording names (None if it names no real date) and its year as written."""
    g = match.groupdict()
    if g["iso"]:
        year, build = int(g["iso_y"]), lambda: datetime.date(year, int(g["iso_m"]), int(g["iso_d"]))
    elif g["uk"]:
        year, build = _year(g["uk_y"]), lambda: datetime.date(year, int(g["uk_m"]), int(g["uk_d"]))
    elif g["q"]:
        year = int(g["q_y"])
        month, later = QUARTER_END[int(g["q"])]
        build = (lambda: _end_of_month(year + later, month)) if _second_year(year, g["q_y2"]) else None
    elif g["fy_y"]:
        year = int(g["fy_y"])
        build = (lambda: datetime.date(year + 1, 3, 31)) if _second_year(year, g["fy_y2"]) else None
    elif g["dm_y"]:
        year, build = int(g["dm_y"]), lambda: datetime.date(year, _month(g["dm_m"]), int(g["dm_d"]))
    else:
        year, build = _year(g["m_y"]), lambda: _end_of_month(year, _month(g["m"]))
    if build is None or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None, year
    try:
        return build(), year
    except ValueError:  # a day or month that does not exist (31/02/2019, 2019-13-01)
        return None, year


def _dates(timescale: str) -> list[tuple[datetime.date | None, int]]:
    return [_read(match) for match in WORDING.finditer(timescale or "")]


def due_date_from_timescale(timescale: str) -> datetime.date | None:
    """The latest date the wording names; None when it names none ("Ongoing", "TBC").

    A year outside core.limits' bounds gives no due date; forms and the import refuse such wording with
    years_out_of_range before it gets here.
    """
    found = [date for date, _ in _dates(timescale) if date and date.year <= LATEST_YEAR]
    return max(found) if found else None


def years_out_of_range(timescale: str) -> list[str]:
    """The years outside core.limits' bounds that the wording names in a date, as written, in order."""
    written = []
    for match in WORDING.finditer(timescale or ""):
        _, year = _read(match)
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            written.append(next(match[name] for name in YEAR_GROUPS if match[name]))
    return written


def timescale_message(years: list[str]) -> str:
    return f"Timescale must name years from {EARLIEST_YEAR} to {LATEST_YEAR}, not {years[0]}"
