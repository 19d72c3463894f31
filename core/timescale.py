"""Due dates from a plan's timescale wording ("September 2018 March 2019", "July 2018 to March 2019", "Ongoing")."""

import calendar
import datetime
import re

from .limits import EARLIEST_YEAR, LATEST_YEAR

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)


def due_date_from_timescale(timescale: str) -> datetime.date | None:
    """The last day of the latest month the wording names; None when it names none ("Ongoing", "TBC").

    A year outside core.limits' bounds gives no due date (year 0000 has none at all); forms and the import refuse
    such wording with years_out_of_range before it gets here.
    """
    found = [
        (int(year), MONTHS[month.lower()])
        for month, year in MONTH_YEAR.findall(timescale or "")
        if EARLIEST_YEAR <= int(year) <= LATEST_YEAR
    ]
    if not found:
        return None
    year, month = max(found)
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def years_out_of_range(timescale: str) -> list[str]:
    """The years outside core.limits' bounds that the wording names as a month and year, as written, in order."""
    years = [year for _, year in MONTH_YEAR.findall(timescale or "")]
    return [year for year in years if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR]


def timescale_message(years: list[str]) -> str:
    return f"Timescale must name years from {EARLIEST_YEAR} to {LATEST_YEAR}, not {years[0]}"
