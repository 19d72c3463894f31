"""The Prevent Programme Board in the tracker: its terms of reference, and each meeting's attendance, decisions and
actions arising, which carry to later meetings until done, into the pack, the dashboard as it stood, the history
and the audit record."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from board import services_meetings
from board.board_record import board_record
from board.dashboard import build_dashboard, end_of_day
from board.sealing import seal_meetings
from board.services_meetings import Arising
from core import append_only, audit
from demo.demo import load_councils, read
from demo.demo_board import load_board
from plans.models import BoardMeeting, Role
from plans.models_board import ActionArising, BoardMember, ProgrammeBoard
from records.changes import plan_changes
from tests import factories as f
from tests.demo_data.text import between, seed, squash

from . import board_world
from .test_board_pack import pdf_text

BOARD_PAGE, MEETING_PAGE = 7, 8
SEP, NOV, JAN = datetime.date(2018, 9, 10), datetime.date(2018, 11, 12), datetime.date(2019, 1, 21)


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    return board_world.build(monkeypatch, with_board_record=True)


def terms_post(version: int, **changes: str) -> dict[str, str]:
    data = {
        "version": str(version),
        "name": "Prevent Programme Board",
        "chair": "Corporate Director for Communities, Localities & Culture (CLC)",
        "remit": "",
        "frequency": "Bi-monthly",
        "aims": "Oversee the delivery of the local Prevent Delivery Plan;\nIdentify gaps in Prevent delivery",
        "members": "Police: Borough Commander\nProbation\nHome Office: Representatives",
        "informed_by": "London Prevent Network",
        "reports_to": "The Community Safety Partnership Board",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_the_demo_holds_tower_hamlets_terms_of_reference_as_seed_003_gives_them(signed_in):
    councils = load_councils()
    assert load_board(read("board-tower-hamlets.yaml"), councils)
    assert not load_board(read("board-tower-hamlets.yaml"), councils)  # loading again leaves it as it is
    board = ProgrammeBoard.objects.get(council__slug="tower-hamlets")
    assert board.chair == "Corporate Director for Communities, Localities & Culture (CLC)"
    assert board.frequency == "Bi-monthly"
    assert len(board.aim_list) == 6
    assert board.aim_list[5] == (
        "f)",
        "Monitor all funded Prevent projects and ensure accountability of the local Prevent budget and performance "
        "delivery.",
    )
    assert ("London Fire Brigade", "Borough Commander") in [(m.agency, m.role) for m in board.members.all()]
    assert board.informed_by_list[-1] == "Prevent Coordinators Forum"
    assert "Community Safety Partnership Board" in board.reports_to

    member = f.make_user("board")
    f.make_member(member, councils["tower-hamlets"], Role.BOARD)
    page = signed_in(member).get(reverse("plans:programme_board", args=["tower-hamlets"]))
    assert page.status_code == 200
    assert "Corporate Director for Communities, Localities &amp; Culture (CLC)" in page.text
    assert "SO15 Counter-Terrorism Command" in page.text
    assert "Change the terms of reference" not in page.text  # Board members read, coordinators change


def test_a_coordinator_records_and_changes_the_terms_of_reference(world, coordinator, signed_in):
    client = signed_in(coordinator)
    url = reverse("plans:programme_board_edit", args=[world.council.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, terms_post(0))
    assert response.status_code == 302
    board = ProgrammeBoard.objects.get(council=world.council)
    assert [(m.agency, m.role) for m in board.members.all()] == [
        ("Police", "Borough Commander"),
        ("Probation", ""),
        ("Home Office", "Representatives"),
    ]
    police = board.members.get(agency="Police")

    response = client.post(url, terms_post(1, members="Home Office: Representatives\nPolice: Borough Commander"))
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.version == 2
    assert [str(m) for m in board.members.all()] == ["Home Office: Representatives", "Police: Borough Commander"]
    assert board.members.get(agency="Police").pk == police.pk  # an unchanged seat keeps its row and its history
    assert BoardMember.history.filter(agency="Probation", history_type="-").exists()
    page = client.get(reverse("plans:programme_board", args=[world.council.slug]))
    assert "b) Identify gaps in Prevent delivery" in page.text


def test_a_stale_terms_form_never_overwrites_a_newer_change(world, coordinator, signed_in):
    client = signed_in(coordinator)
    url = reverse("plans:programme_board_edit", args=[world.council.slug])
    client.post(url, terms_post(0))
    assert client.post(url, terms_post(1, frequency="Monthly")).status_code == 302
    response = client.post(url, terms_post(1, frequency="Quarterly"))  # opened before the change above
    assert response.status_code == 409
    assert "changed after you opened this form" in response.text
    assert "Quarterly" in response.text  # their own input is kept in the form
    assert ProgrammeBoard.objects.get(council=world.council).frequency == "Monthly"


def test_terms_form_errors_read_as_gov_uk_messages(world, coordinator, signed_in):
    client = signed_in(coordinator)
    url = reverse("plans:programme_board_edit", args=[world.council.slug])
    response = client.post(url, terms_post(0, name="", members=": Chair"))
    assert response.status_code == 200
    assert "Enter the name of the board" in response.text
    assert "Enter the agency of member 1, before the colon" in response.text
    assert not ProgrammeBoard.objects.exists()


def test_actions_arising_carry_to_each_later_meeting_until_done(history, signed_in):
    first, second = history.meetings
    history.clock.set(2019, 1, 21, 9, 0)
    third = BoardMeeting.objects.create(plan=history.plan, date=JAN)
    client = signed_in(history.board)

    def carried(meeting: BoardMeeting) -> list[str]:
        page = client.get(reverse("plans:meeting", args=[meeting.pk]))
        return [state.description for state in page.context["carried"]]

    assert carried(first) == []
    # Done on the day of the second meeting: reported there, then no more.
    assert carried(second) == ["Send the health training figures", "Draft the communications plan"]
    assert carried(third) == ["Draft the communications plan"]
    page = client.get(reverse("plans:meeting", args=[first.pk])).text
    assert "Dana Rector" in page and "Sent apologies" in page
    assert "Mark as done" not in page  # Board members read, coordinators act

    # The coordinator marks the communications plan done from the third meeting's page, and comes back to it.
    action = ActionArising.objects.get(description="Draft the communications plan")
    history.clock.set(2019, 1, 23, 9, 0)  # the day after it was done: a new day, new sign-ins
    client, coordinator = signed_in(history.board), signed_in(history.coordinator)
    url = reverse("plans:action_arising_done", args=[action.pk]) + f"?meeting={third.pk}"
    assert f"?meeting={third.pk}" in coordinator.get(reverse("plans:meeting", args=[third.pk])).text
    response = coordinator.post(
        url, {"version": action.version, "done_on_0": "22", "done_on_1": "1", "done_on_2": "2019"}
    )
    assert response.status_code == 302 and response.url == reverse("plans:meeting", args=[third.pk])
    action.refresh_from_db()
    assert action.done_on == datetime.date(2019, 1, 22)
    assert carried(third) == ["Draft the communications plan"]  # still open at the meeting, done the day after
    fourth = BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 3, 18))
    assert carried(fourth) == []

    # A date still to come is refused, with the GOV.UK message, and changes nothing.
    later = action.version
    response = coordinator.post(url, {"version": later, "done_on_0": "25", "done_on_1": "12", "done_on_2": "2099"})
    assert response.status_code == 200 and "The date done must be today or in the past" in response.text
    action.refresh_from_db()
    assert (action.done_on, action.version) == (datetime.date(2019, 1, 22), later)

    # A stale form (opened before that) is refused and changes nothing.
    response = coordinator.post(url, {"version": 1, "done_on_0": "1", "done_on_1": "2", "done_on_2": "2019"})
    assert response.status_code == 409
    action.refresh_from_db()
    assert action.done_on == datetime.date(2019, 1, 22)


def test_open_actions_arising_carry_into_the_next_years_plan(history, signed_in):
    next_plan = f.make_plan(history.council, year="2019-20")
    history.clock.set(2019, 5, 20, 9, 0)
    meeting = BoardMeeting.objects.create(plan=next_plan, date=datetime.date(2019, 5, 20))
    record = board_record(next_plan)
    assert record.meeting_date is None  # the new plan's first meeting is today: none before it
    assert [(state.description, state.raised_in) for state in record.arising] == [
        ("Draft the communications plan", "2018-19")
    ]
    page = signed_in(history.board).get(reverse("plans:meeting", args=[meeting.pk]))
    assert [state.description for state in page.context["carried"]] == ["Draft the communications plan"]
    assert "Meeting of 10 September 2018 (2018-19 plan)" in page.text


def test_the_pack_holds_the_previous_meetings_decisions_and_the_open_actions_arising(history, signed_in):
    page = signed_in(history.board).get(reverse("plans:board_pack", args=[history.meetings[1].pk])).text
    assert "Decisions of the Board meeting of 10 September 2018" in page
    assert "Recruit an officer" in page
    assert "Send the health training figures" in page and "Named safeguarding nurse" in page
    assert "31 October 2018" in page  # its due date
    assert "Meeting of 10 September 2018" in page  # which meeting raised it
    assert "Draft the communications plan" in page
    # The meeting's own decisions, recorded that afternoon, under their own heading (issue 20: they belong in its pack).
    own = page.index("Decisions recorded at this meeting, 12 November 2018")
    assert page.index("Accept the training figures") > own > 0
    assert page.index("Recruit an officer") > page.index("Decisions of the Board meeting of 10 September 2018")

    pdf = signed_in(history.board).get(reverse("plans:board_pack_pdf", args=[history.meetings[1].pk]))
    text = pdf_text(pdf.content)
    assert "Recruit an officer" in text and "Draft the communications plan" in text


def test_the_dashboard_as_at_a_meeting_agrees_with_what_it_showed_live_then(history):
    history.clock.set(2018, 11, 12, 18, 0)  # the evening of the second meeting
    live = build_dashboard(history.plan).board
    history.clock.set(2019, 1, 20, 12, 0)
    action = ActionArising.objects.get(description="Draft the communications plan")
    services_meetings.action_arising_done(
        action=action, done_on=datetime.date(2019, 1, 15), by=history.coordinator, expected_version=action.version
    )
    services_meetings.action_arising_add(
        meeting=history.meetings[1], arising=Arising("Later business", "Chair"), by=history.coordinator
    )
    at = end_of_day(NOV)
    as_at = build_dashboard(history.plan, at=at).board
    assert as_at == live
    assert [state.done_on for state in as_at.arising] == [NOV, None]
    # Live, now: both actions of the first meeting are done; the one added later to the second meeting is open.
    assert [state.description for state in build_dashboard(history.plan).board.arising] == ["Later business"]


def test_sealed_meetings_keep_the_board_record_and_verify_audit_checks_it(history):
    at = end_of_day(NOV)
    built = build_dashboard(history.plan, at=at).board
    assert seal_meetings().sealed == 2
    assert build_dashboard(history.plan, at=at).board == built
    result = audit.verify()
    assert result.ok, result.problems


def test_verify_audit_finds_tampering_with_the_board_records(history):
    assert audit.verify().ok
    action = ActionArising.objects.get(description="Draft the communications plan")
    # Behind the application's back: the live row no longer equals its history.
    ActionArising.objects.filter(pk=action.pk).update(done_on=datetime.date(2018, 11, 1))
    problems = audit.verify().problems
    assert problems and problems[0].startswith(f"plans.actionarising {action.pk}: the live row differs")
    ActionArising.objects.filter(pk=action.pk).update(done_on=None)

    # The history itself, triggers dropped: the chain breaks at the altered entry.
    entry = ActionArising.history.filter(id=action.pk).earliest("history_date")
    append_only.remove(connection)
    type(entry).objects.filter(pk=entry.pk).update(owner="Someone else")
    append_only.install(connection)
    assert "has been altered since it was written" in audit.verify().problems[0]


def test_the_history_lists_the_board_records(history):
    rows = list(plan_changes(history.plan))
    arising = [row for row in rows if row.object_type == "Action arising"]
    assert ("10 September 2018: Named safeguarding nurse", "Done on", "", "2018-11-12") in [
        (row.object_ref, row.field, row.old_value, row.new_value) for row in arising
    ]
    attendance = [row for row in rows if row.object_type == "Board meeting attendance"]
    assert ("10 September 2018: Sam Borough", "Sent apologies", "Yes") in [
        (row.object_ref, row.field, row.new_value) for row in attendance
    ]


def test_the_board_and_meeting_pages_cost_the_same_queries_whatever_they_hold(
    history, signed_in, django_assert_num_queries
):
    client = signed_in(history.coordinator)
    council_url = reverse("plans:programme_board", args=[history.council.slug])
    meeting_url = reverse("plans:meeting", args=[history.meetings[1].pk])
    client.post(reverse("plans:programme_board_edit", args=[history.council.slug]), terms_post(0))
    client.get(council_url)  # warms the content type cache
    # Who is asking (session, user, roles), the council, the Board and its members, the plans visible.
    with django_assert_num_queries(BOARD_PAGE):
        assert client.get(council_url).status_code == 200
    # Who is asking, the meeting, the plan before, the meetings and actions arising of both plans, the attendance.
    with django_assert_num_queries(MEETING_PAGE):
        assert client.get(meeting_url).status_code == 200
    members = "\n".join(f"Agency {n}: Role {n}" for n in range(40))
    client.post(reverse("plans:programme_board_edit", args=[history.council.slug]), terms_post(1, members=members))
    for n in range(30):
        services_meetings.board_meeting_record(
            meeting=history.meetings[n % 2],
            by=history.coordinator,
            attendance=[services_meetings.Attendee(f"Person {n}")],
            actions_arising=[Arising(f"Action {n}", "Owner")],
        )
    with django_assert_num_queries(BOARD_PAGE):
        assert client.get(council_url).status_code == 200
    with django_assert_num_queries(MEETING_PAGE):
        assert client.get(meeting_url).status_code == 200


def test_a_cached_dashboard_shows_an_action_arising_marked_done(history, signed_in):
    client = signed_in(history.board)
    url = reverse("plans:dashboard", args=[history.plan.pk])
    assert "Draft the communications plan" in client.get(url).text
    action = ActionArising.objects.get(description="Draft the communications plan")
    services_meetings.action_arising_done(
        action=action, done_on=datetime.date(2019, 1, 10), by=history.coordinator, expected_version=action.version
    )
    assert "Draft the communications plan" not in client.get(url).text  # done before today: no longer open


@pytest.mark.django_db
def test_the_demo_terms_of_reference_say_what_seed_003_says():
    """Each aim, body and office as the scrutiny review words it (3.11-3.15), whitespace aside; skipped, saying why,
    on a clone without ../shared/seeds (a failure under CI), as the other comparisons with the documents."""
    text = seed("003_dd45d99dacf98c4a.txt")
    governance = squash(between(text, "3.11 ", "4. Safeguarding Young People"))
    load_board(read("board-tower-hamlets.yaml"), load_councils())
    board = ProgrammeBoard.objects.get(council__slug="tower-hamlets")
    for letter, aim in board.aim_list:
        assert f"{letter} {aim}" in governance, aim
    for body in board.informed_by_list:
        assert body in governance, body
    assert f"chaired by the {board.chair}" in governance
    assert board.remit in governance
    assert "meets on a bi-monthly basis" in governance and board.frequency == "Bi-monthly"
    assert "feeds into the Community Safety Partnership Board" in governance
    membership = squash(between(text, "3.13 ", "3.14 ")).lower()
    for member in board.members.all():
        # A row per agency the paragraph lists: "the council’s CLC, ... directorates" gives "The council’s CLC
        # directorate", "Chairs of the Children’s and Adults Safeguarding Boards" a Chair of each Board.
        agency = member.agency.lower().removeprefix("the council’s ").removesuffix(" directorate")
        agency = agency.removesuffix(" safeguarding board")
        assert agency in membership, member.agency
        assert member.role.lower().removesuffix("s") in membership, member.role
