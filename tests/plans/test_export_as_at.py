"""The plan as at a moment, exported for auditors: exact rows in CSV and XLSX, formula-like cells made inert,
who may export either export, and the record of each."""

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from core.models import AuditEvent

from .export_files import PLAN_EXPORT_COLUMNS, export, read_csv, read_xlsx, report

pytestmark = pytest.mark.usefixtures("clock")


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
