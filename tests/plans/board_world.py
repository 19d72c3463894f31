"""A plan with a known history over a Board cycle, for the dashboard, board pack and update request tests.

The clock is moved through 2018 (django.utils.timezone.now, which the services and django-simple-history read), so
status updates, history entries and meetings carry real dates a Board would recognise:

    1 June      plan, objectives 1 and 2, actions 1.1 1.2 2.1 2.2, project "Schools workshops" (300 workshops),
                Peer Review recommendations 1 (answered by 2.2), 2 (by 1.1 and 1.2), 3 (by none)
    10 July     1.1 green, 1.2 amber, project green with 50 delivered
    1 August    2.1 red
    10 September  Board meeting 1
    1 October   1.1 complete, 1.2 red, project amber with 120 delivered; 2.3 added (due October 2018, answers
                recommendation 3); 2.2 withdrawn
    12 November   Board meeting 2
    1 December  2.1 green, project green with 200 delivered
    20 January 2019  now
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from actions import services as action_services
from actions.models import Action
from board import services_meetings
from board.services_meetings import Arising, Attendee
from objectives.models import Objective
from peer_review.models import Recommendation
from plans.models import BoardMeeting, Council, DeliveryPlan, Role
from projects import services as project_services
from projects.models import CommissionedProject
from tests import factories as f


class Clock:
    def __init__(self, monkeypatch: Any, start: datetime.datetime) -> None:
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, *args: int) -> datetime.datetime:
        self.now = datetime.datetime(*args, tzinfo=datetime.UTC)
        return self.now


@dataclass
class BoardWorld:
    clock: Clock
    council: Council
    plan: DeliveryPlan
    objectives: dict[int, Objective]
    actions: dict[str, Action]
    project: CommissionedProject
    recommendations: dict[int, Recommendation]
    meetings: list[BoardMeeting]
    coordinator: AbstractBaseUser
    board: AbstractBaseUser
    auditor: AbstractBaseUser
    education_lead: AbstractBaseUser  # leads 1.1 and the project; has an email address
    health_lead: AbstractBaseUser  # leads 1.2; no email address
    comms_lead: AbstractBaseUser  # leads 2.1 and 2.3
    police_lead: AbstractBaseUser  # leads 2.2


def report(action: Action, rag: str, by: AbstractBaseUser, commentary: str) -> None:
    action.refresh_from_db()
    action_services.action_update_status(
        action=action,
        rag=rag,
        commentary=commentary,
        as_of=timezone.localdate(),
        evidence=None,
        by=by,
        expected_version=action.version,
    )


def report_project(project: CommissionedProject, rag: str, by: AbstractBaseUser, commentary: str, delivered: int):
    project.refresh_from_db()
    target = project.output_targets.get()
    project_services.project_update_status(
        project=project,
        rag=rag,
        commentary=commentary,
        as_of=timezone.localdate(),
        evidence=None,
        deliveries={target.pk: delivered},
        by=by,
        expected_version=project.version,
    )


def build(monkeypatch: Any, *, with_board_record: bool = False) -> BoardWorld:
    """The world above; `with_board_record` also records the Board's own record: at the first meeting two people
    (one with apologies) and two actions arising (the health training figures, due 31 October 2018, and the
    communications plan, due 30 November 2018); at the second, its decisions and the figures done that day."""
    clock = Clock(monkeypatch, datetime.datetime(2018, 6, 1, 9, 0, tzinfo=datetime.UTC))
    council = f.make_council(name="Tower Hamlets test council")
    plan = f.make_plan(council, year="2018-19")
    coordinator = f.make_user("coordinator", email="coordinator@example.org", first_name="Cora", last_name="Ordinator")
    board, auditor = f.make_user("board"), f.make_user("auditor")
    f.make_member(coordinator, council, Role.COORDINATOR)
    f.make_member(board, council, Role.BOARD)
    f.make_member(auditor, council, Role.AUDITOR)
    education = f.make_user("education-lead", email="education@example.org", first_name="Edna", last_name="Teach")
    health = f.make_user("health-lead", email="", first_name="Hal", last_name="Nurse")
    comms = f.make_user("comms-lead", email="comms@example.org", first_name="Cam", last_name="Press")
    police = f.make_user("police-lead", email="police@example.org", first_name="Pat", last_name="Rol")

    first = f.make_objective(plan, title="Target support")
    second = f.make_objective(plan, title="Mainstream Prevent")
    date = datetime.date
    actions = {
        "1.1": f.make_action(
            first,
            title="Curriculum work with schools",
            timescale="September 2018",
            due_date=date(2018, 9, 30),
            lead="Prevent Education Officer",
            lead_agency="Council",
        ),
        "1.2": f.make_action(
            first,
            title="Safeguarding training for health staff",
            timescale="March 2019",
            due_date=date(2019, 3, 31),
            lead="Named safeguarding nurse",
            lead_agency="NHS",
        ),
        "2.1": f.make_action(
            second,
            title="Prevent communication strategy",
            timescale="March 2019",
            due_date=date(2019, 3, 31),
            lead="Communications manager",
            lead_agency="Council",
        ),
        "2.2": f.make_action(
            second,
            title="Performance management framework",
            timescale="October 2018",
            due_date=date(2018, 10, 31),
            lead="Police Prevent lead",
            lead_agency="Police",
        ),
    }
    project = f.make_project(
        plan, name="Schools workshops", provider="Arts provider", lead="Youth service", due_date=date(2019, 3, 31)
    )
    project.objectives.set([first])
    review = f.make_review(council, title="Peer Review 2018")
    recommendations = {
        1: f.make_recommendation(review, text="Develop a performance management framework"),
        2: f.make_recommendation(review, text="Train front-line staff"),
        3: f.make_recommendation(review, text="Establish a Community Reference Group"),
    }
    actions["2.2"].answers.add(recommendations[1])
    actions["1.1"].answers.add(recommendations[2])
    actions["1.2"].answers.add(recommendations[2])
    for user, items in (
        (education, [actions["1.1"], project]),
        (health, [actions["1.2"]]),
        (comms, [actions["2.1"]]),
        (police, [actions["2.2"]]),
    ):
        for item in items:
            f.make_lead(user, item)

    clock.set(2018, 7, 10, 9, 0)
    report(actions["1.1"], "green", education, "Lessons planned with ten schools")
    clock.set(2018, 7, 10, 9, 10)
    report(actions["1.2"], "amber", health, "Trainer vacancy")
    clock.set(2018, 7, 10, 9, 20)
    report_project(project, "green", education, "50 workshops run", 50)

    clock.set(2018, 8, 1, 9, 0)
    report(actions["2.1"], "red", comms, "No communications officer in post")
    meetings = [BoardMeeting.objects.create(plan=plan, date=date(2018, 9, 10), decisions="Recruit an officer")]
    if with_board_record:
        clock.set(2018, 9, 10, 15, 0)
        board_record = services_meetings.board_meeting_record(
            meeting=meetings[0],
            by=coordinator,
            attendance=[
                Attendee("Dana Rector", "Chair", "The council"),
                Attendee("Sam Borough", "Borough Commander", "London Fire Brigade", apologies=True),
            ],
            actions_arising=[
                Arising("Send the health training figures", "Named safeguarding nurse", date(2018, 10, 31)),
                Arising("Draft the communications plan", "Communications manager", date(2018, 11, 30)),
            ],
        )

    clock.set(2018, 10, 1, 9, 0)
    report(actions["1.1"], "complete", education, "All schools reached")
    clock.set(2018, 10, 1, 9, 10)
    report(actions["1.2"], "red", health, "Training cancelled: no trainer")
    clock.set(2018, 10, 1, 9, 20)
    report_project(project, "amber", education, "Venue problems", 120)
    clock.set(2018, 10, 1, 9, 30)
    actions["2.3"] = action_services.action_create(
        plan=plan,
        fields={
            "objective": second,
            "reference": "2.3",
            "title": "Community Reference Group",
            "timescale": "October 2018",
            "due_date": date(2018, 10, 31),
            "lead": "Prevent Co-ordinator",
            "lead_agency": "Council",
        },
        answers=[recommendations[3]],
        leads=[comms],
        by=coordinator,
    )
    clock.set(2018, 10, 1, 9, 40)
    actions["2.2"].refresh_from_db()
    action_services.action_withdraw(action=actions["2.2"], by=coordinator, expected_version=actions["2.2"].version)
    meetings.append(BoardMeeting.objects.create(plan=plan, date=date(2018, 11, 12)))
    if with_board_record:
        # At the second meeting the figures are reported: done that day; the communications plan is not.
        clock.set(2018, 11, 12, 15, 0)
        services_meetings.board_meeting_record(
            meeting=meetings[1],
            by=coordinator,
            decisions="Accept the training figures",
            done=[(board_record[0], date(2018, 11, 12))],
        )

    clock.set(2018, 12, 1, 9, 0)
    report(actions["2.1"], "green", comms, "Officer appointed")
    clock.set(2018, 12, 1, 9, 10)
    report_project(project, "green", education, "Back on track", 200)
    clock.set(2019, 1, 20, 12, 0)
    return BoardWorld(
        clock=clock,
        council=council,
        plan=plan,
        objectives={1: first, 2: second},
        actions=actions,
        project=project,
        recommendations=recommendations,
        meetings=meetings,
        coordinator=coordinator,
        board=board,
        auditor=auditor,
        education_lead=education,
        health_lead=health,
        comms_lead=comms,
        police_lead=police,
    )


def meet_then_add_pilot(world: BoardWorld) -> Action:
    """A third Board meeting on 21 January 2019, then action 2.4 "Pilot mentoring scheme" added the next day, led by
    the communications lead: an item the meeting before cannot hold."""
    world.clock.set(2019, 1, 21, 9, 0)
    BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2019, 1, 21))
    world.clock.set(2019, 1, 22, 9, 0)
    return action_services.action_create(
        plan=world.plan,
        fields={"objective": world.objectives[2], "reference": "2.4", "title": "Pilot mentoring scheme"},
        answers=[],
        leads=[world.comms_lead],
        by=world.coordinator,
    )


def refs(items: Any) -> list[str]:
    """The dashboard's items by reference, or title for a project."""
    return [item.reference or item.title for item in items]


def counts(tally: Any) -> dict[str, int]:
    """A RAG tally without its zeros."""
    return {rag: n for rag, n in tally.counts.items() if n}
