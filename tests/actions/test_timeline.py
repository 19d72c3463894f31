"""An item's page shows its status updates ten at a time, newest first, at the same cost however many it has."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import StatusUpdate
from core.rag import RAG
from core.status_form import TIMELINE_PER_PAGE
from projects.models import ProjectStatusUpdate


def add_updates(model, count: int, *, by, **item) -> None:
    start = datetime.datetime(2018, 5, 1, 9, tzinfo=datetime.UTC)
    model.objects.bulk_create(
        model(
            **item,
            rag=RAG.GREEN,
            previous_rag=RAG.GREEN,
            commentary=f"Update number {number}",
            as_of=(start + datetime.timedelta(days=number)).date(),
            created_by=by,
            created_at=start + datetime.timedelta(days=number),
        )
        for number in range(1, count + 1)
    )


def commentaries(response) -> list[str]:
    return [update.commentary for update in response.context["timeline"]["rows"]]


@pytest.mark.parametrize("kind", ["action", "project"])
def test_the_timeline_pages_newest_first(kind, world, coordinator, signed_in):
    item = getattr(world, kind)
    model, key = (StatusUpdate, "action") if kind == "action" else (ProjectStatusUpdate, "project")
    add_updates(model, 25, by=coordinator, **{key: item})
    url = reverse(f"{kind}s:detail", args=[item.pk])
    client = signed_in(coordinator)

    first = client.get(url)
    assert commentaries(first) == [f"Update number {n}" for n in range(25, 15, -1)]
    assert b"25 updates, newest first." in first.content
    assert b'aria-label="Pages of status updates"' in first.content
    assert b'href="?page=2#updates"' in first.content

    last = client.get(url, {"page": 3})
    assert commentaries(last) == [f"Update number {n}" for n in range(5, 0, -1)]
    assert commentaries(client.get(url, {"page": 99999999999999999999})) == commentaries(last)
    assert commentaries(client.get(url, {"page": "x"})) == commentaries(first)


def test_the_action_page_costs_the_same_with_3_or_300_updates(world, coordinator, signed_in, django_assert_num_queries):
    client = signed_in(coordinator)
    url = reverse("actions:detail", args=[world.action.pk])
    add_updates(StatusUpdate, 3, by=coordinator, action=world.action)
    client.get(url)  # the session and permission caches warmed
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(commentaries(response)) == 3
    add_updates(StatusUpdate, 297, by=coordinator, action=world.action)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(commentaries(response)) == TIMELINE_PER_PAGE
