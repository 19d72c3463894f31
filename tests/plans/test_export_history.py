"""The change history export for auditors: every change exactly, filtered, and the whole council's as a job.

The plan as at a moment, inert formula-like cells and who may export are in test_export_as_at.py."""

import time

import pytest
from django.db import connection
from django.urls import reverse

from core.models import AuditEvent, Job
from records.exports import _copy_lines
from tests import factories as f

from .export_files import COUNCIL, HISTORY_COLUMNS, export, read_csv, read_xlsx

pytestmark = pytest.mark.usefixtures("clock")


def _history(when: str, user: str, kind: str, ref: str, field: str, old: str, new: str, comment: str = "") -> list:
    return [when, user, COUNCIL, "2018-19", kind, ref, field, old, new, comment]


EXPECTED_HISTORY = [
    HISTORY_COLUMNS,
    _history("2018-04-02T09:00:00Z", "system", "Plan", "Prevent Delivery Plan 2018-19", "Year", "", "2018-19"),
    _history("2018-04-02T09:00:00Z", "system", "Plan", "Prevent Delivery Plan 2018-19", "Status", "", "Active"),
    _history(
        "2018-04-02T09:00:00Z",
        "system",
        "Plan",
        "Prevent Delivery Plan 2018-19",
        "Introduction",
        "",
        "Our plan for 2018-19.",
    ),
    _history("2018-04-02T09:00:00Z", "system", "Plan", "Prevent Delivery Plan 2018-19", "RAG status column", "", "Yes"),
    _history("2018-04-02T09:05:00Z", "system", "Objective", "Objective 1", "Number", "", "1"),
    _history("2018-04-02T09:05:00Z", "system", "Objective", "Objective 1", "Title", "", "Target support"),
    _history("2018-04-02T09:10:00Z", "system", "Review", "Peer Review 2018", "Kind", "", "Home Office peer review"),
    _history("2018-04-02T09:10:00Z", "system", "Review", "Peer Review 2018", "Title", "", "Peer Review 2018"),
    _history("2018-04-02T09:10:00Z", "system", "Review", "Peer Review 2018", "Date", "", "2018-02-01"),
    _history("2018-04-02T09:10:00Z", "system", "Review", "Peer Review 2018", "Date precision", "", "Day"),
    _history(
        "2018-04-02T09:10:00Z", "system", "Recommendation", "Peer Review 2018, recommendation 1", "Number", "", "1"
    ),
    _history(
        "2018-04-02T09:10:00Z",
        "system",
        "Recommendation",
        "Peer Review 2018, recommendation 1",
        "Text",
        "",
        "Develop a framework",
    ),
    *(
        _history("2018-04-03T10:00:00Z", "coordinator", "Action", "1.1", field, "", value)
        for field, value in [
            ("Reference", "1.1"),
            ("Action", "Train teachers"),
            ("Outcomes", "Staff trained"),
            ("Outputs", "120 staff"),
            ("Timescale", "March 2019"),
            ("Due date", "2019-03-31"),
            ("Lead", "Prevent Education Officer"),
            ("Lead agency", "Tower Hamlets Council"),
            ("RAG status", "Not started"),
            ("Objective", "Objective 1"),
            ("Recommendations answered", "Peer Review 2018, recommendation 1"),
        ]
    ),
    # Lead grants made by a service outside a request carry no signed-in person.
    _history("2018-04-03T10:00:00Z", "system", "Lead", "1.1", "Lead", "", "education-lead", "Made lead"),
    _history(
        "2018-09-01T12:00:00Z",
        "education-lead",
        "Status update",
        "1.1",
        "RAG status",
        "Not started",
        "Amber",
        "Venue lost",
    ),
    _history("2018-10-01T09:30:00Z", "coordinator", "Action", "1.1", "Action", "Train teachers", "Train all teachers"),
    _history("2018-10-01T09:30:00Z", "system", "Lead", "1.1", "Lead", "education-lead", "", "No longer lead"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_history_export_holds_every_change_exactly(known, signed_in, fmt):
    response = export(signed_in(known.auditor), "plans:export_history", known.plan, fmt)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="tower-hamlets_prevent-plan-2018-19_history_2018-10-01T0930Z.{fmt}"'
    )
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert rows == EXPECTED_HISTORY


def test_a_filtered_history_export_says_what_it_holds(world, coordinator, signed_in):
    query = f"?person=system&item=action-{world.action.pk}"
    response = export(signed_in(coordinator), "plans:export_history", world.plan, "csv", query)
    rows = read_csv(response)[1:]
    assert rows and {(row[1], row[5]) for row in rows} == {("system", world.action.reference)}
    event = AuditEvent.objects.get()
    assert event.description == (
        f"Change history CSV of {world.council.name} 2018-19 (by system, {world.action.reference} {world.action.title})"
    )


def prepare_council_export(client, fmt: str, capture, worker):
    """The auditor asks for the council's export, a worker writes it, and the auditor downloads it."""
    with capture(execute=True):
        asked = client.post(reverse("plans:export_council_history", args=["tower-hamlets", fmt]))
    job = Job.objects.get()
    assert asked.status_code == 302 and asked.url == reverse("jobs:job", args=[job.pk])
    assert not AuditEvent.objects.exists()  # nothing exported yet
    worker()
    return client.get(reverse("jobs:job_download", args=[job.pk]))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_council_export_holds_every_plan_and_the_reviews_once(
    known, signed_in, clock, fmt, django_capture_on_commit_callbacks, worker
):
    clock.set(2019, 3, 20, 9, 0)
    later = f.make_plan(known.plan.council, year="2019-20", introduction="")
    client = signed_in(known.auditor)
    response = prepare_council_export(client, fmt, django_capture_on_commit_callbacks, worker)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="tower-hamlets_all-plans_history_2019-03-20T0900Z.{fmt}"'
    )
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    # The first plan's whole history, with the reviews (the council's, not a plan's) under no year, then the next.
    reviews = {"Review", "Recommendation"}
    expected = [[*row[:3], "", *row[4:]] if row[4] in reviews else row for row in EXPECTED_HISTORY]
    assert rows[: len(expected)] == expected
    assert rows[len(expected) :] == [
        [
            "2019-03-20T09:00:00Z",
            "system",
            COUNCIL,
            "2019-20",
            "Plan",
            "Prevent Delivery Plan 2019-20",
            field,
            "",
            new,
            "",
        ]
        for field, new in [("Year", "2019-20"), ("Status", "Active"), ("RAG status column", "Yes")]
    ]
    assert later.pk != known.plan.pk
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.council == known.plan.council and event.user == known.auditor
    assert event.description == (
        f"Change history {fmt.upper()} of {COUNCIL}, all plans, prepared 09:00 on 20 March 2019"
    )


def test_the_council_export_is_written_in_a_fixed_number_of_queries(
    known, signed_in, django_assert_max_num_queries, django_capture_on_commit_callbacks, worker
):
    """Progress is written at most twice a second, so the rows' number does not change the count either."""
    client = signed_in(known.auditor)
    url = reverse("plans:export_council_history", args=["tower-hamlets", "csv"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_assert_max_num_queries(40) as few:
        worker()
    budget = len(few.captured_queries)  # read now: the next request empties the connection's log
    for year in range(2019, 2025):
        plan = f.make_plan(known.plan.council, year=f"{year}-{(year + 1) % 100:02d}")
        f.make_objective(plan, title="Target support")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_assert_max_num_queries(budget):
        worker()


@pytest.mark.django_db(transaction=True)
def test_a_closed_download_stops_the_database_copying():
    """On PostgreSQL the history CSV is the database's COPY: closing the download cancels it, not just stops reading."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    started = time.monotonic()
    lines = _copy_lines(["slept"], "SELECT pg_sleep(30)", [])
    assert next(lines).decode().strip() == "\ufeffslept"  # the header, while the database works
    lines.close()
    assert time.monotonic() - started < 10
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (SELECT pg_sleep%%' AND state = 'active'"
            " AND datname = current_database()"  # another test run on this server may be copying too
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
