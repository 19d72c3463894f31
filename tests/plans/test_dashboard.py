"""The Board's dashboard: every figure now and as it stood at two past meetings, the page, and who sees it.

Its filters and its cache are tested in test_dashboard_filters.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import services as action_services
from board.dashboard import build_dashboard, end_of_day
from plans.models import BoardMeeting
from projects import services as project_services

from . import board_world
from .board_world import counts, refs


def objective_counts(dashboard) -> dict:
    return {
        summary.number: (counts(summary.action_tally), counts(summary.project_tally))
        for summary in dashboard.by_objective
    }


def test_end_of_day_is_the_last_moment_of_the_london_day():
    summer = end_of_day(datetime.date(2018, 9, 10))
    assert summer.astimezone(datetime.UTC) == datetime.datetime(2018, 9, 10, 22, 59, 59, 999999, tzinfo=datetime.UTC)
    winter = end_of_day(datetime.date(2018, 11, 12))
    assert winter.astimezone(datetime.UTC) == datetime.datetime(2018, 11, 12, 23, 59, 59, 999999, tzinfo=datetime.UTC)


def test_the_dashboard_at_the_first_meeting(history):
    dashboard = build_dashboard(history.plan, at=end_of_day(datetime.date(2018, 9, 10)))
    assert counts(dashboard.actions) == {"not_started": 1, "green": 1, "amber": 1, "red": 1}
    assert counts(dashboard.projects) == {"green": 1}
    assert dashboard.actions.total == 4 and dashboard.projects.total == 1
    assert objective_counts(dashboard) == {
        1: ({"green": 1, "amber": 1}, {"green": 1}),
        2: ({"red": 1, "not_started": 1}, {}),
    }
    assert refs(dashboard.red_amber) == ["2.1", "1.2"]
    assert [item.commentary for item in dashboard.red_amber] == ["No communications officer in post", "Trainer vacancy"]
    assert [item.lead for item in dashboard.red_amber] == ["Communications manager", "Named safeguarding nurse"]
    assert dashboard.red_amber[0].updated_at == datetime.datetime(2018, 8, 1, 9, 0, tzinfo=datetime.UTC)
    assert dashboard.overdue == []
    # 62 days since 10 July; 2.2 never updated; 2.1 updated 40 days before.
    assert refs(dashboard.stale) == ["2.2", "1.1", "1.2", "Schools workshops"]
    assert dashboard.changes is None  # no earlier meeting
    (review,) = dashboard.reviews
    assert [(p.recommendation.number, refs(p.actions), p.answered) for p in review.recommendations] == [
        (1, ["2.2"], True),
        (2, ["1.1", "1.2"], True),
        (3, [], False),
    ]
    assert dashboard.unanswered == 1
    (project,) = dashboard.project_items
    assert [(o.description, o.delivered, o.target) for o in project.outputs] == [("300 Workshops", 50, 300)]


def test_the_dashboard_at_the_second_meeting_with_changes_since_the_first(history):
    dashboard = build_dashboard(history.plan, at=end_of_day(datetime.date(2018, 11, 12)))
    assert counts(dashboard.actions) == {"not_started": 1, "red": 2, "complete": 1}
    assert counts(dashboard.projects) == {"amber": 1}
    assert objective_counts(dashboard) == {
        1: ({"complete": 1, "red": 1}, {"amber": 1}),
        2: ({"red": 1, "not_started": 1}, {}),
    }
    assert refs(dashboard.red_amber) == ["1.2", "2.1", "Schools workshops"]
    assert dashboard.red_amber[2].commentary == "Venue problems"
    assert refs(dashboard.overdue) == ["2.3"]  # due 31 October, not started
    assert refs(dashboard.stale) == ["2.3", "2.1"]  # never updated; 103 days since 1 August

    changes = dashboard.changes
    assert changes.meeting == history.meetings[0]
    assert changes.since == end_of_day(datetime.date(2018, 9, 10))
    assert [(refs([c.item])[0], c.from_rag, c.to_rag, c.by) for c in changes.status_changes] == [
        ("1.1", "green", "complete", "Edna Teach"),
        ("1.2", "amber", "red", "Hal Nurse"),
        ("Schools workshops", "green", "amber", "Edna Teach"),
    ]
    assert changes.status_changes[0].at == datetime.datetime(2018, 10, 1, 9, 0, tzinfo=datetime.UTC)
    assert refs(changes.added) == ["2.3"]
    assert refs(changes.withdrawn) == ["2.2"]
    assert refs(changes.completed) == ["1.1"]

    (review,) = dashboard.reviews
    assert [(p.recommendation.number, refs(p.actions), p.answered) for p in review.recommendations] == [
        (1, [], False),  # its only action was withdrawn
        (2, ["1.1", "1.2"], True),
        (3, ["2.3"], True),
    ]
    assert dashboard.project_items[0].outputs[0].delivered == 120


def test_the_dashboard_now(history):
    dashboard = build_dashboard(history.plan)
    assert dashboard.at is None and dashboard.today == datetime.date(2019, 1, 20)
    assert counts(dashboard.actions) == {"not_started": 1, "green": 1, "red": 1, "complete": 1}
    assert counts(dashboard.projects) == {"green": 1}
    assert refs(dashboard.red_amber) == ["1.2"]
    assert dashboard.red_amber[0].commentary == "Training cancelled: no trainer"
    assert refs(dashboard.overdue) == ["2.3"]
    assert refs(dashboard.stale) == ["2.3", "1.2"]
    changes = dashboard.changes
    assert changes.meeting == history.meetings[1]
    assert [(refs([c.item])[0], c.from_rag, c.to_rag) for c in changes.status_changes] == [
        ("2.1", "red", "green"),
        ("Schools workshops", "amber", "green"),
    ]
    assert changes.added == changes.withdrawn == changes.completed == []
    assert dashboard.unanswered == 1
    assert dashboard.project_items[0].outputs[0].delivered == 200
    assert [m.date for m in dashboard.meetings] == [datetime.date(2018, 11, 12), datetime.date(2018, 9, 10)]


def test_since_can_be_any_moment(history):
    dashboard = build_dashboard(history.plan, since=datetime.datetime(2018, 6, 2, tzinfo=datetime.UTC))
    assert refs(dashboard.changes.added) == ["2.3"]
    assert refs(dashboard.changes.completed) == ["1.1"]
    assert len(dashboard.changes.status_changes) == 9
    assert dashboard.changes.meeting is None


def test_items_added_and_withdrawn_between_meetings_still_show_their_status_changes(history, django_assert_num_queries):
    """Neither moment holds them, so each change names its item as it stood at the moment shown, from its history
    (an action: one query; a project: two, with its objectives), and who made them is one more; they are neither
    added nor withdrawn as far as the Board is concerned, and the filters still apply to them."""
    clock, coordinator, lead = history.clock, history.coordinator, history.comms_lead
    pilot = board_world.meet_then_add_pilot(history)
    mentoring = project_services.project_create(
        plan=history.plan,
        fields={"name": "Mentoring project", "provider": "Mentors Ltd", "lead": "Council"},
        objectives=[history.objectives[1]],
        outputs=[project_services.OutputSpec(description="20 mentors", target=20)],
        leads=[lead],
        by=coordinator,
    )
    clock.set(2019, 1, 23, 9, 0)
    board_world.report(pilot, "red", lead, "No mentors found")
    clock.set(2019, 1, 23, 9, 10)
    board_world.report_project(mentoring, "amber", lead, "Few mentors", 2)
    clock.set(2019, 1, 24, 9, 0)
    pilot.refresh_from_db()
    action_services.action_withdraw(action=pilot, by=coordinator, expected_version=pilot.version)
    mentoring.refresh_from_db()
    project_services.project_withdraw(project=mentoring, by=coordinator, expected_version=mentoring.version)
    clock.set(2019, 1, 25, 12, 0)

    with CaptureQueriesContext(connection) as without:  # the same comparison over a time neither was in
        build_dashboard(history.plan, since=clock.now - datetime.timedelta(hours=1))
    with django_assert_num_queries(len(without.captured_queries) + 4):
        changes = build_dashboard(history.plan).changes
    assert changes.meeting.date == datetime.date(2019, 1, 21)
    assert [(c.item.kind, c.item.label, c.from_rag, c.to_rag, c.by) for c in changes.status_changes] == [
        ("action", "2.4 Pilot mentoring scheme", "not_started", "red", "Cam Press"),
        ("project", "Mentoring project", "not_started", "amber", "Cam Press"),
    ]
    assert changes.added == changes.withdrawn == []
    by_objective = {
        number: [c.item.label for c in build_dashboard(history.plan, objective=objective).changes.status_changes]
        for number, objective in history.objectives.items()
    }
    assert by_objective == {1: ["Mentoring project"], 2: ["2.4 Pilot mentoring scheme"]}


def test_the_page_shows_the_figures_now_and_at_a_past_meeting(history, signed_in):
    client = signed_in(history.board)
    url = reverse("plans:dashboard", args=[history.plan.pk])
    page = client.get(url).text
    assert "Board dashboard" in page and "Past state" not in page
    assert '<svg class="app-rag-chart" role="img"' in page
    assert (
        "Actions: 1 Not started, 1 Green, 0 Amber, 1 Red, 1 Complete, 0 No status recorded. "
        "Projects: 0 Not started, 1 Green" in page
    )
    assert "Changes since the Board meeting of 12 November 2018" in page
    assert "No action answers this" in page
    assert "200 of 300: 300 Workshops" in page

    page = client.get(url, {"meeting": history.meetings[0].pk}).text
    assert "Past state" in page
    assert "as it stood at the end of the day of the Board meeting of 10 September 2018" in page
    assert "Actions: 1 Not started, 1 Green, 1 Amber, 1 Red, 0 Complete" in page
    assert "No earlier Board meeting is recorded" in page
    assert "50 of 300: 300 Workshops" in page
    assert reverse("plans:board_pack", args=[history.meetings[0].pk]) in page

    page = client.get(url, {"date": "2018-11-12"}).text
    assert "as it stood at the end of 12 November 2018" in page
    assert "Actions: 1 Not started, 0 Green, 0 Amber, 2 Red, 1 Complete" in page
    assert "Training cancelled: no trainer" in page


def test_a_meeting_still_to_come_shows_the_plan_as_it_stands(history, signed_in):
    future = BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 3, 1))
    page = signed_in(history.board).get(reverse("plans:dashboard", args=[history.plan.pk]), {"meeting": future.pk})
    assert "has not ended yet: this is the plan as it stands now" in page.text


def test_the_plan_page_links_to_the_dashboard(history, signed_in):
    page = signed_in(history.board).get(history.plan.get_absolute_url()).text
    assert reverse("plans:dashboard", args=[history.plan.pk]) in page


PERSONAS = {"coordinator": 200, "lead": 200, "other_lead": 200, "board": 200, "auditor": 200, "outsider": 404}


@pytest.mark.parametrize(("persona", "code"), PERSONAS.items())
def test_everyone_who_sees_the_plan_sees_its_dashboard(request, world, signed_in, persona, code):
    client = signed_in(request.getfixturevalue(persona))
    url = reverse("plans:dashboard", args=[world.plan.pk])
    assert client.get(url).status_code == code
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405


def test_the_dashboard_needs_sign_in(world, client):
    response = client.get(reverse("plans:dashboard", args=[world.plan.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
