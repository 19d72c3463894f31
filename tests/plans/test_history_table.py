"""The change record as a table: written with each change, append-only and chained, paged by the database."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from core import append_only, audit
from core.models import ChangeRecord
from records.changes import Scope, newest_page, plan_changes

UTC = datetime.UTC


@pytest.fixture
def reported(world, coordinator, lead):
    """A status update from the lead and an edit by the coordinator."""
    action = action_services.action_update_status(
        action=world.action,
        rag="amber",
        commentary="Venue lost",
        as_of=datetime.date(2018, 9, 1),
        evidence=None,
        by=lead,
        expected_version=1,
    ).action
    action_services.action_change(
        action=action, fields={"title": "Reworded"}, answers=[], leads=[lead], by=coordinator, expected_version=2
    )
    return world


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_each_change_writes_its_rows_as_it_is_made(reported, lead, coordinator):
    rows = ChangeRecord.objects.filter(item=f"actions.action:{reported.action.pk}").order_by("id")
    found = [(r.username, r.object_type, r.field, r.old_value, r.new_value, r.comment) for r in rows]
    # The status update is one row carrying its commentary; the action's own history entry for it adds none.
    assert (lead.username, "Status update", "RAG status", "Not started", "Amber", "Venue lost") in found
    assert not [row for row in found if row[1] == "Action" and row[2] == "RAG status" and row[4] == "Amber"]
    assert (coordinator.username, "Action", "Action", reported.action.title, "Reworded", "") in found
    # Answered recommendations are unlinked (answers=[]): named as the history names them.
    assert any(row[2] == "Recommendations answered" and row[4] == "" for row in found), found


def test_the_database_refuses_to_change_a_change_record(reported):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE core_changerecord SET new_value = 'rewritten'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM core_changerecord")


def test_verify_audit_names_an_altered_change_record(reported):
    assert audit.verify().ok
    record = ChangeRecord.objects.filter(object_type="Status update").get()
    append_only.remove(connection)
    try:
        raw("UPDATE core_changerecord SET comment = 'Nothing went wrong' WHERE id = %s", [record.pk])
    finally:
        append_only.install(connection)
    result = audit.verify()
    assert not result.ok
    assert (
        f"(core.changerecord {record.pk}): the recorded row has been altered since it was written"
        in (result.problems[0])
    )


def long_history(world, count: int) -> None:
    """A long history written straight into the table (the page's cost, not the writing, is what is tested)."""
    start = timezone.now() + datetime.timedelta(days=1)  # after everything the world fixture recorded
    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            recorded_at=start + datetime.timedelta(minutes=n),
            username="coordinator",
            council_id=world.council.pk,
            plan_id=world.plan.pk,
            plan=world.plan.year,
            object_type="Action",
            object_ref="1.1",
            field="Outcomes",
            old_value=f"Outcome {n - 1}",
            new_value=f"Outcome {n}",
            rank=2,
            item=f"actions.action:{world.action.pk}",
        )
        for n in range(count)
    )


def test_a_page_is_newest_first_and_read_as_that_page(world):
    before = len(list(plan_changes(world.plan)))
    long_history(world, 500)
    rows, total, number = newest_page(Scope.of_plan(world.plan), 3, 50)
    assert (total, number) == (before + 500, 3)
    assert [row.new_value for row in rows[:2]] == ["Outcome 399", "Outcome 398"]
    rows, _, number = newest_page(Scope.of_plan(world.plan), 99, 50)  # past the end: the last page
    assert number == -(-total // 50) and rows[-1] == next(iter(plan_changes(world.plan)))


def test_the_page_costs_the_same_whatever_the_length_of_the_history(
    world, coordinator, signed_in, django_assert_max_num_queries
):
    client = signed_in(coordinator)
    url = reverse("plans:history", args=[world.plan.pk])
    client.get(url)  # content types and the session cached, as on any later visit
    with django_assert_max_num_queries(40) as short:
        assert client.get(url).status_code == 200
    long_history(world, 5000)
    with django_assert_max_num_queries(len(short.captured_queries)):
        response = client.get(f"{url}?page=80")
    assert response.status_code == 200 and "Showing 3951 to 4000" in response.text
    with django_assert_max_num_queries(len(short.captured_queries)):
        response = client.get(url)
    assert "Outcome 4999" in response.text


def test_a_change_with_no_shown_field_writes_nothing(world, coordinator):
    before = ChangeRecord.objects.count()
    action = world.action
    action.refresh_from_db()
    action_services.action_change(
        action=action, fields={}, answers=list(action.answers.all()), leads=[], by=coordinator, expected_version=1
    )
    assert ChangeRecord.objects.count() == before
