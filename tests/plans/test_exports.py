"""Exports for auditors: exact rows in CSV and XLSX, formula-like cells made inert, who may export, and the record."""

import csv
import datetime
import io
import time
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import services as action_services
from core.models import AuditEvent, Job
from plans.models import Role
from records.exports import _copy_lines
from tests import factories as f

from .test_history import START, Clock

# The contract of DESIGN.md, written out rather than imported.
PLAN_COLUMNS = ["objective", "reference", "action", "outcomes", "outputs", "timescale", "lead", "rag_status"]
PLAN_COLUMNS += ["last_update", "commentary"]
# Further columns follow the contract's, never among them.
PLAN_EXPORT_COLUMNS = [*PLAN_COLUMNS, "withheld", "recommendations", "lead_agency", "last_update_as_of"]
HISTORY_COLUMNS = ["recorded_at", "user", "council", "plan", "object_type", "object_ref", "field", "old_value"]
HISTORY_COLUMNS += ["new_value", "comment"]
COUNCIL = "London Borough of Tower Hamlets"


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    moving = Clock(START)
    monkeypatch.setattr(timezone, "now", moving)
    return moving


def report(action, rag: str, by, commentary: str) -> None:
    action.refresh_from_db()
    action_services.action_update_status(
        action=action,
        rag=rag,
        commentary=commentary,
        as_of=timezone.now().date(),
        evidence=None,
        by=by,
        expected_version=action.version,
    )


@pytest.fixture
def known(db, clock):
    """A plan with a history small enough to write out in full."""
    clock.set(2018, 4, 2, 9, 0)
    council = f.make_council(slug="tower-hamlets", name=COUNCIL)
    coordinator, auditor, lead = f.make_user("coordinator"), f.make_user("auditor"), f.make_user("education-lead")
    f.make_member(coordinator, council, Role.COORDINATOR)
    f.make_member(auditor, council, Role.AUDITOR)
    plan = f.make_plan(council, introduction="Our plan for 2018-19.")
    clock.set(2018, 4, 2, 9, 5)
    objective = f.make_objective(plan, title="Target support")
    clock.set(2018, 4, 2, 9, 10)
    recommendation = f.make_recommendation(f.make_review(council), text="Develop a framework")
    clock.set(2018, 4, 3, 10, 0)
    action = action_services.action_create(
        plan=plan,
        fields={
            "objective": objective,
            "reference": "1.1",
            "title": "Train teachers",
            "outcomes": "Staff trained",
            "outputs": "120 staff",
            "timescale": "March 2019",
            "due_date": datetime.date(2019, 3, 31),
            "lead": "Prevent Education Officer",
            "lead_agency": "Tower Hamlets Council",
        },
        answers=[recommendation],
        leads=[lead],
        by=coordinator,
    )
    clock.set(2018, 9, 1, 12, 0)
    report(action, "amber", lead, "Venue lost")
    clock.set(2018, 10, 1, 9, 30)
    action.refresh_from_db()
    action_services.action_change(
        action=action,
        fields={"title": "Train all teachers"},
        answers=[recommendation],
        leads=[],
        by=coordinator,
        expected_version=action.version,
    )
    return SimpleNamespace(plan=plan, action=action, coordinator=coordinator, auditor=auditor)


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


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _xlsx_text(cell, name: str) -> str:
    """The cell as the CSV gives it: its text, or its date or UTC time in ISO 8601 (only those columns hold dates)."""
    if cell.value is None:
        return ""
    if name in ("last_update", "last_update_as_of", "recorded_at"):
        assert cell.is_date, f"{name} is not a date cell"
        if name != "recorded_at":
            return cell.value.date().isoformat()
        return cell.value.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert cell.data_type == "s", "a cell is not plain text"
    # A string cell never runs; one that looks like a formula also keeps its text when someone edits it.
    assert cell.quotePrefix == cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), cell.value
    return cell.value


def read_xlsx(response) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = iter(sheet.iter_rows())
    header = [cell.value for cell in next(rows)]
    return [header, *([_xlsx_text(cell, name) for cell, name in zip(row, header, strict=True)] for row in rows)]


def export(client, name: str, plan, fmt: str, query: str = ""):
    return client.get(reverse(name, args=[plan.pk, fmt]) + query)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_history_export_holds_every_change_exactly(known, signed_in, fmt):
    response = export(signed_in(known.auditor), "plans:export_history", known.plan, fmt)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="tower-hamlets_prevent-plan-2018-19_history_2018-10-01T0930Z.{fmt}"'
    )
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert rows == EXPECTED_HISTORY


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_plan_as_at_a_moment_is_exported_as_it_stood(known, signed_in, fmt):
    client = signed_in(known.coordinator)
    # 14:00 on 1 September 2018 in London is 13:00 UTC: after the lead's report, before the rewording.
    response = export(client, "plans:export_as_at", known.plan, fmt, "?date=2018-09-01&time=14:00")
    assert response["Content-Disposition"] == (
        f'attachment; filename="tower-hamlets_prevent-plan-2018-19_as-at_2018-09-01T1300Z.{fmt}"'
    )
    objective = "Objective 1: Target support"
    expected = [objective, "1.1", "Train teachers", "Staff trained", "120 staff", "March 2019"]
    expected += ["Prevent Education Officer", "Amber", "2018-09-01", "Venue lost", ""]
    expected += ["Peer Review Rec 1", "Tower Hamlets Council", "2018-09-01"]  # answers, lead agency, update's date
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert rows == [PLAN_EXPORT_COLUMNS, expected]
    earlier = export(client, "plans:export_as_at", known.plan, fmt, "?date=2018-04-03&time=12:00")
    rows = read_csv(earlier) if fmt == "csv" else read_xlsx(earlier)
    assert rows == [PLAN_EXPORT_COLUMNS, [*expected[:7], "Not started", "", "", "", *expected[11:13], ""]]


def test_a_wrong_moment_sends_back_to_the_as_at_page(known, signed_in):
    response = export(signed_in(known.auditor), "plans:export_as_at", known.plan, "csv", "?date=2018-02-30&time=12:00")
    assert response.status_code == 302 and reverse("plans:as_at", args=[known.plan.pk]) in response.url
    assert not AuditEvent.objects.exists()
    assert export(signed_in(known.auditor), "plans:export_as_at", known.plan, "pdf").status_code == 404


FORMULA_LIKE = [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@cmd", "'@cmd"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ('he said "hi"', 'he said "hi"'),
    ("a,b;c", "a,b;c"),
    ("first line\nsecond line", "first line\nsecond line"),
    ('=HYPERLINK("http://example.org","x")\r\nmore', '\'=HYPERLINK("http://example.org","x")\r\nmore'),
    ("Ongoing", "Ongoing"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_like_cells_come_out_inert_and_everything_else_exactly(known, signed_in, fmt):
    objective = known.plan.objectives.get()
    for number, (value, _) in enumerate(FORMULA_LIKE, start=2):
        action = action_services.action_create(
            plan=known.plan,
            fields={"objective": objective, "reference": f"1.{number}", "title": value},
            answers=[],
            leads=[],
            by=known.coordinator,
        )
        report(action, "green", known.coordinator, value)

    def expected(text: str) -> str:
        # The XLSX needs no quote: a string cell is never run (read_xlsx checks each is one). XML, and so XLSX, turns
        # a carriage return into a line feed.
        if fmt == "csv":
            return text
        return text.removeprefix("'").replace("\r\n", "\n").replace("\r", "\n")

    client = signed_in(known.auditor)
    now = timezone.localtime()
    query = f"?date={now:%Y-%m-%d}&time={now:%H:%M}"
    response = export(client, "plans:export_as_at", known.plan, fmt, query)
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    by_reference = {row[1]: row for row in rows[1:]}
    for number, (_, inert) in enumerate(FORMULA_LIKE, start=2):
        row = by_reference[f"1.{number}"]
        assert (row[2], row[9]) == (expected(inert), expected(inert))

    history = export(client, "plans:export_history", known.plan, fmt)
    rows = read_csv(history) if fmt == "csv" else read_xlsx(history)
    titles = [row[8] for row in rows if row[4] == "Action" and row[6] == "Action"]
    comments = [row[9] for row in rows if row[4] == "Status update"][1:]
    assert titles[2:] == comments == [expected(inert) for _, inert in FORMULA_LIKE]
    for row in rows if fmt == "csv" else []:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row


def test_characters_xml_cannot_hold_are_dropped_from_the_xlsx_before_the_formula_check(known, signed_in):
    objective = known.plan.objectives.get()
    fields = {"objective": objective, "reference": "1.2", "title": "\x01=cmd", "outcomes": "bell\x07 rings"}
    action_services.action_create(plan=known.plan, fields=fields, answers=[], leads=[], by=known.coordinator)
    client = signed_in(known.auditor)
    csv_row = read_csv(export(client, "plans:export_as_at", known.plan, "csv"))[2]
    xlsx_row = read_xlsx(export(client, "plans:export_as_at", known.plan, "xlsx"))[2]
    assert (csv_row[2], csv_row[3]) == ("\x01=cmd", "bell\x07 rings")  # the CSV keeps every character
    assert (xlsx_row[2], xlsx_row[3]) == ("=cmd", "bell rings")  # read_xlsx checks "=cmd" is quoted text


# Who may export, and the record of each export

PERSONAS = ["anonymous", "coordinator", "lead", "other_lead", "board", "auditor", "outsider"]
EXPECTED = {"anonymous": 302, "coordinator": 200, "auditor": 200, "outsider": 404}  # board and leads: 403
EXPORTS = [("plans:export_history", "csv"), ("plans:export_history", "xlsx"), ("plans:export_as_at", "csv")]
EXPORTS += [("plans:export_as_at", "xlsx")]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "fmt"), EXPORTS)
def test_only_coordinators_and_auditors_export_and_each_export_is_recorded(
    request, world, signed_in, persona, name, fmt
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = export(signed_in(user), name, world.plan, fmt)
    assert response.status_code == EXPECTED.get(persona, 403)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))
    events = list(AuditEvent.objects.all())
    if response.status_code != 200:
        assert events == []
        return
    b"".join(response.streaming_content)
    assert len(events) == 1
    event = events[0]
    assert (event.kind, event.user, event.council) == (AuditEvent.Kind.EXPORT, user, world.council)
    what = "Change history" if name == "plans:export_history" else "Plan as at"
    assert event.description.startswith(what)
    assert event.description.endswith(f"{fmt.upper()} of {world.council.name} 2018-19")


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
