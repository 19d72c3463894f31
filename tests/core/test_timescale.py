import calendar
import datetime
import re
from pathlib import Path

import pytest
import yaml

from core.timescale import MONTHS, due_date_from_timescale, years_out_of_range


@pytest.mark.parametrize(
    ("timescale", "due"),
    [
        ("March 2019", datetime.date(2019, 3, 31)),
        ("September 2018 March 2019", datetime.date(2019, 3, 31)),
        ("July 2018 \u2013 March 2019", datetime.date(2019, 3, 31)),
        ("February 2018", datetime.date(2018, 2, 28)),
        ("February 2020", datetime.date(2020, 2, 29)),
        ("june 2017", datetime.date(2017, 6, 30)),
        ("March 2018 TBC", datetime.date(2018, 3, 31)),
        ("Ongoing", None),
        ("TBC", None),
        ("", None),
    ],
)
def test_due_date_is_the_end_of_the_latest_month_named(timescale, due):
    assert due_date_from_timescale(timescale) == due


@pytest.mark.parametrize(
    ("timescale", "due"),
    [
        ("Mar-19", datetime.date(2019, 3, 31)),
        ("mar 2019", datetime.date(2019, 3, 31)),
        ("Sept 2018", datetime.date(2018, 9, 30)),
        ("Sep. 2018", datetime.date(2018, 9, 30)),
        ("End of March 2019", datetime.date(2019, 3, 31)),
        ("Q1 2018/19", datetime.date(2018, 6, 30)),
        ("Q3 2018-19", datetime.date(2018, 12, 31)),
        ("Q4 2018/19", datetime.date(2019, 3, 31)),
        ("Q4 2018/2019", datetime.date(2019, 3, 31)),
        ("2018/19", datetime.date(2019, 3, 31)),
        ("2018-19", datetime.date(2019, 3, 31)),
        ("31/03/2019", datetime.date(2019, 3, 31)),
        ("31/3/19", datetime.date(2019, 3, 31)),
        ("03/04/2019", datetime.date(2019, 4, 3)),  # the 3rd of April: day first, never US order
        ("1 September 2018", datetime.date(2018, 9, 1)),
        ("1 Sept 2018", datetime.date(2018, 9, 1)),
        ("2018-09-01", datetime.date(2018, 9, 1)),
        ("July 2018 - March 2019", datetime.date(2019, 3, 31)),
        ("September 2018 March 2019", datetime.date(2019, 3, 31)),
        ("From 1 July 2018 to 31/12/2018", datetime.date(2018, 12, 31)),
        ("31/02/2019", None),  # no such day
        ("2018/20", None),  # not one financial year
        ("Marketing 2019", None),
        ("Ongoing", None),
    ],
)
def test_due_dates_are_read_from_the_wordings_plans_use(timescale, due):
    assert due_date_from_timescale(timescale) == due


def month_and_year(timescale: str) -> datetime.date | None:
    """What the due date was before other wordings were read: the end of the latest "Month YYYY" named."""
    found = [
        (int(year), MONTHS[month.lower()])
        for month, year in re.findall(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", timescale, re.IGNORECASE)
    ]
    if not found:
        return None
    year, month = max(found)
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def test_every_timescale_of_the_demo_plans_keeps_its_due_date_also_with_months_shortened():
    timescales = set()
    for path in (Path(__file__).resolve().parents[2] / "demo" / "demo_data").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):  # a plan (the councils' and reviews' files hold no timescales)
            timescales |= {item["timescale"] for item in [*data.get("actions", []), *data.get("projects", [])]}
    assert len(timescales) > 10
    for timescale in timescales:
        assert due_date_from_timescale(timescale) == month_and_year(timescale), timescale
        # Typed with the months shortened, as in many councils' sheets, each gives the same due date.
        short = re.sub(r"\b([A-Z][a-z]{2})[a-z]+\b", r"\1", timescale)
        assert due_date_from_timescale(short) == month_and_year(timescale), short


@pytest.mark.parametrize(
    ("timescale", "years"),
    [
        ("March 0000", ["0000"]),
        ("Mar-19", []),
        ("Q4 1998/99", ["1998"]),
        ("31/03/2101", ["2101"]),
        ("1 Sept 1999 to March 2019", ["1999"]),
    ],
)
def test_years_outside_the_bounds_are_named_as_written(timescale, years):
    assert years_out_of_range(timescale) == years
