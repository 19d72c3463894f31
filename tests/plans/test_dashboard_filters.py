"""The Board's dashboard: its filters and past-state form, what it costs in queries, and its cache."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from board.dashboard import build_dashboard, end_of_day
from plans.models import BoardMeeting
from tests import factories as f
from tests.html import as_compared

from .board_world import counts, refs


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
    assert "<title>Error: Board dashboard, " in response.text  # screen readers hear it first


def test_filter_form_works_without_javascript(history, signed_in):
    url = reverse("plans:dashboard", args=[history.plan.pk])
    page = signed_in(history.board).get(url, {"lead_agency": "NHS", "rag": ["red"]}).text
    assert '<form method="get"' in page and "Apply filters" in page and f'href="{url}">Clear filters' in page
    assert "Actions: 0 Not started, 0 Green, 0 Amber, 1 Red, 0 Complete" in page
    assert 'value="NHS" selected' in page


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


# Fifteen times the small plan: a cost per action would show as many more queries.
LARGE = 150


def test_the_dashboard_costs_the_same_queries_whatever_the_plan_size(
    world, coordinator, django_assert_num_queries, signed_in, monkeypatch
):
    small_plan, large_plan = f.make_plan(world.council, year="2019-20"), f.make_plan(world.council, year="2020-21")
    since = {}
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    for plan, size in ((small_plan, 10), (large_plan, LARGE)):
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
        assert build_dashboard(large_plan, since=since[large_plan]).actions.total == LARGE
    # A past moment: the same and its plan's objectives and review titles from history, and a look for what was
    # sealed of it (nothing: it is too recent to seal).
    with django_assert_num_queries(26) as small_past:
        build_dashboard(small_plan, at=at, since=since[small_plan])
    with django_assert_num_queries(len(small_past.captured_queries)):
        assert len(build_dashboard(large_plan, at=at, since=since[large_plan]).changes.added) == LARGE - 1

    client = signed_in(coordinator)
    url = reverse("plans:dashboard", args=[small_plan.pk])
    client.get(url)  # warms the process-wide content type cache
    cache.clear()
    with django_assert_num_queries(26) as small_page:
        assert client.get(url).status_code == 200
    large_url = reverse("plans:dashboard", args=[large_plan.pk])
    with django_assert_num_queries(len(small_page.captured_queries)):
        assert client.get(large_url).status_code == 200
    # Seen again with nothing recorded meanwhile, the body comes from the cache: the page reads only who is asking,
    # the plan with its revision, and its meetings.
    with django_assert_num_queries(5):
        assert client.get(large_url).status_code == 200


def test_a_cached_dashboard_is_never_older_than_the_record(world, coordinator, lead, signed_in):
    client = signed_in(coordinator)
    url = reverse("plans:dashboard", args=[world.plan.pk])

    def page() -> str:
        return as_compared(client.get(url).content.decode())

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
