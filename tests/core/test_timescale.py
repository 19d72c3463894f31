import datetime

import pytest

from core.timescale import due_date_from_timescale


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
