"""Due dates from a plan's timescale wording ("September 2018 March 2019", "July 2018 to March 2019", "Ongoing")."""

import calendar
import datetime
import re

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)


def due_date_from_timescale(timescale: str) -> datetime.date | None:
    """The last day of the latest month the wording names; None when it names none ("Ongoing", "TBC")."""
    found = [(int(year), MONTHS[month.lower()]) for month, year in MONTH_YEAR.findall(timescale or "")]
    if not found:
        return None
    year, month = max(found)
    return datetime.date(year, month, calendar.monthrange(year, month)[1])
