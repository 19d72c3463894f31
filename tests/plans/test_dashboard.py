"""The Board's dashboard: every figure now and as it stood at two past meetings, the filters, the page and its cost."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from board.dashboard import build_dashboard, end_of_day
from plans.models import BoardMeeting
from projects import services as project_services
from tests import factories as f

from . import board_world


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    return board_world.build(monkeypatch)


def refs(items) -> list[str]:
    return [item.reference or item.title for item in items]


def counts(tally) -> dict[str, int]:
    return {rag: n for rag, n in tally.counts.items() if n}


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


def test_filters_narrow_the_lists_and_the_totals(history):
    plan = history.plan
    council = build_dashboard(plan, lead_agency="Council")
    assert counts(council.actions) == {"not_started": 1, "green": 1, "complete": 1}
    assert council.projects.total == 0
    assert council.red_amber == [] and refs(council.overdue) == ["2.3"] and refs(council.stale) == ["2.3"]
    assert [(c.item.reference, c.to_rag) for c in council.changes.status_changes] == [("2.1", "green")]
    assert council.lead_agencies == ["Council", "NHS", "Youth service"]  # the options stay whole

    first = build_dashboard(plan, objective=history.objectives[1])
    assert counts(first.actions) == {"red": 1, "complete": 1} and counts(first.projects) == {"green": 1}
    assert [summary.number for summary in first.by_objective] == [1]
    assert refs(first.stale) == ["1.2"] and first.overdue == []

    red_or_amber = build_dashboard(plan, rag=["red", "amber"])
    assert counts(red_or_amber.actions) == {"red": 1} and red_or_amber.projects.total == 0
    assert refs(red_or_amber.stale) == ["1.2"]
    # Recommendation 2 shows with its red action only; 1 shows because no action answers it; 3 is out of the filter.
    recommendations = red_or_amber.reviews[0].recommendations
    assert [(p.recommendation.number, refs(p.actions)) for p in recommendations] == [(1, []), (2, ["1.2"])]

    past = build_dashboard(plan, at=end_of_day(datetime.date(2018, 9, 10)), lead_agency="Police")
    assert counts(past.actions) == {"not_started": 1} and refs(past.stale) == ["2.2"]
    with pytest.raises(ValueError, match="Not a RAG status"):
        build_dashboard(plan, rag="purple")


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


def test_the_past_state_form_leads_to_a_short_address_keeping_the_filters(history, signed_in):
    client = signed_in(history.board)
    url = reverse("plans:dashboard", args=[history.plan.pk])
    response = client.get(url, {"meeting": "", "date_0": "12", "date_1": "11", "date_2": "2018", "rag": "red"})
    assert response.status_code == 302 and response.url == f"{url}?date=2018-11-12&rag=red"
    response = client.get(url, {"meeting": history.meetings[1].pk, "date_0": "", "date_1": "", "date_2": ""})
    assert response.url == f"{url}?meeting={history.meetings[1].pk}"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"meeting": "", "date_0": "", "date_1": "", "date_2": ""}, "Choose a Board meeting or enter a date"),
        ({"date": "2018-02-31"}, "Date must be a real date"),
        ({"date": "2019-06-01"}, "The date must be today or in the past"),
        ({"meeting": "999999"}, "Select a Board meeting of this plan"),
        ({"objective": "999999"}, "Select an objective of this plan"),
    ],
)
def test_wrong_choices_get_a_govuk_error_and_the_live_dashboard(history, signed_in, query, error):
    response = signed_in(history.board).get(reverse("plans:dashboard", args=[history.plan.pk]), query)
    assert response.status_code == 200
    assert "There is a problem" in response.text and error in response.text


def test_a_meeting_still_to_come_shows_the_plan_as_it_stands(history, signed_in):
    future = BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 3, 1))
    page = signed_in(history.board).get(reverse("plans:dashboard", args=[history.plan.pk]), {"meeting": future.pk})
    assert "has not ended yet: this is the plan as it stands now" in page.text


def test_filter_form_works_without_javascript(history, signed_in):
    url = reverse("plans:dashboard", args=[history.plan.pk])
    page = signed_in(history.board).get(url, {"lead_agency": "NHS", "rag": ["red"]}).text
    assert '<form method="get"' in page and "Apply filters" in page and f'href="{url}">Clear filters' in page
    assert "Actions: 0 Not started, 0 Green, 0 Amber, 1 Red, 0 Complete" in page
    assert 'value="NHS" selected' in page


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


def _grow(plan, objective, lead, size: int, start: int = 0) -> None:
    """`size` more actions, each with a status update."""
    for number in range(start, start + size):
        action = f.make_action(objective, reference=f"9.{number}")
        action_services.action_update_status(
            action=action,
            rag=["green", "amber", "red", "complete"][number % 4],
            commentary=f"Update {number}",
            as_of=timezone.localdate(),
            evidence=None,
            by=lead,
            expected_version=action.version,
        )


def test_the_dashboard_costs_the_same_queries_whatever_the_plan_size(
    world, coordinator, django_assert_num_queries, signed_in, monkeypatch
):
    small_plan, large_plan = f.make_plan(world.council, year="2019-20"), f.make_plan(world.council, year="2020-21")
    since = {}
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    for plan, size in ((small_plan, 10), (large_plan, 500)):
        # The plan already stood, with an objective, a project and an action, before the meeting the live
        # dashboard compares with (the day before): both moments compared hold something.
        monkeypatch.setattr(timezone, "now", lambda: two_days_ago)
        objective = f.make_objective(plan)
        f.make_project(plan).objectives.set([objective])
        _grow(plan, objective, coordinator, 1)
        monkeypatch.undo()
        since[plan] = two_days_ago + datetime.timedelta(minutes=1)
        _grow(plan, objective, coordinator, size - 1, start=1)
        BoardMeeting.objects.create(plan=plan, date=timezone.localdate() - datetime.timedelta(days=1))
    at = timezone.now()

    # The snapshot, the earlier moment's items, the RAG changes between and who made them; live, the actions of
    # earlier plans that answered the recommendations this one leaves open; the Board's record (the plan before,
    # meetings, actions arising).
    with django_assert_num_queries(22) as small:
        build_dashboard(small_plan, since=since[small_plan])
    with django_assert_num_queries(len(small.captured_queries)):
        assert build_dashboard(large_plan, since=since[large_plan]).actions.total == 500
    # A past moment: the same and its plan's objectives and review titles from history, and a look for what was
    # sealed of it (nothing: it is too recent to seal).
    with django_assert_num_queries(26) as small_past:
        build_dashboard(small_plan, at=at, since=since[small_plan])
    with django_assert_num_queries(len(small_past.captured_queries)):
        assert len(build_dashboard(large_plan, at=at, since=since[large_plan]).changes.added) == 499

    client = signed_in(coordinator)
    url = reverse("plans:dashboard", args=[small_plan.pk])
    client.get(url)  # warms the process-wide content type cache
    cache.clear()
    with django_assert_num_queries(27) as small_page:
        assert client.get(url).status_code == 200
    large_url = reverse("plans:dashboard", args=[large_plan.pk])
    with django_assert_num_queries(len(small_page.captured_queries)):
        assert client.get(large_url).status_code == 200
    # Seen again with nothing recorded meanwhile, the body comes from the cache: the page reads only who is asking,
    # the plan, its meetings and its revision.
    with django_assert_num_queries(6):
        assert client.get(large_url).status_code == 200


def test_a_cached_dashboard_is_never_older_than_the_record(world, coordinator, lead, signed_in):
    client = signed_in(coordinator)
    url = reverse("plans:dashboard", args=[world.plan.pk])

    def page() -> str:  # without the sign-out form's CSRF token, which is masked afresh for each response
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.get(url).content.decode())

    first = page()
    assert "The venue fell through" not in first
    assert page() == first  # the same page from the cache
    world.action.refresh_from_db()
    action_services.action_update_status(
        action=world.action,
        rag="red",
        commentary="The venue fell through",
        as_of=timezone.localdate(),
        evidence=None,
        by=lead,
        expected_version=world.action.version,
    )
    after = page()
    assert "The venue fell through" in after
    # A Board member's page is rendered for their rights, not from the coordinator's copy.
    assert "Ask leads for status updates" in after


def test_the_live_dashboard_holds_until_the_next_item_turns_stale_or_the_day_ends(world, coordinator, lead):
    world.action.refresh_from_db()
    action_services.action_update_status(
        action=world.action,
        rag="green",
        commentary="On track",
        as_of=timezone.localdate(),
        evidence=None,
        by=lead,
        expected_version=world.action.version,
    )
    now = timezone.now()
    fresh_until = build_dashboard(world.plan).fresh_until
    assert now < fresh_until <= end_of_day(timezone.localdate(now))
    assert build_dashboard(world.plan, at=now).fresh_until is None  # a past moment never changes


def test_the_dashboard_is_served_when_its_cache_cannot_be_reached(world, coordinator, signed_in, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    response = signed_in(coordinator).get(reverse("plans:dashboard", args=[world.plan.pk]))
    assert response.status_code == 200
    assert b"Board dashboard" in response.content
