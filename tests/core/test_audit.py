"""The record is append-only in the database and tamper-evident: verify_audit names the first bad entry."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from actions import services
from actions.models import Action, StatusUpdate
from core import append_only, audit
from core.models import AuditEntry, AuditEvent


def report_status(world, lead, *, rag: str = "green", commentary: str = "Delivered", expected_version: int):
    return services.action_update_status(
        action=world.action,
        rag=rag,
        commentary=commentary,
        as_of=datetime.date(2018, 9, 1),
        evidence=None,
        by=lead,
        expected_version=expected_version,
    )


@pytest.fixture
def reported(world, coordinator, lead):
    """A small real history: a status update from the lead and an edit by the coordinator."""
    action = report_status(world, lead, rag="amber", commentary="Venue lost", expected_version=1).action
    services.action_change(
        action=action, fields={"title": "Reworded"}, answers=[], leads=[lead], by=coordinator, expected_version=2
    )
    return Action.objects.get(pk=action.pk)


@pytest.fixture
def without_triggers():
    """Someone with raw database access who has dropped the triggers first."""
    append_only.remove(connection)
    yield
    append_only.install(connection)


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def history_table() -> str:
    return Action.history.model._meta.db_table


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {history} SET title = 'rewritten' WHERE id = %s",
        "DELETE FROM {history} WHERE id = %s",
        "UPDATE actions_statusupdate SET commentary = 'rewritten' WHERE action_id = %s",
        "DELETE FROM actions_statusupdate WHERE action_id = %s",
        "UPDATE core_auditentry SET content_hash = 'x' WHERE seq >= 1 OR source_pk = %s",
        "DELETE FROM core_auditentry WHERE seq >= 1 OR source_pk = %s",
    ],
)
def test_the_database_refuses_to_change_the_record(reported, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(statement.format(history=history_table()), [reported.pk])
    assert reported.status_updates.get().commentary == "Venue lost"


def triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        return {row[0] for row in cursor.fetchall()}


def test_every_append_only_table_has_its_triggers(reported):
    tables = {model._meta.db_table for model in append_only.append_only_models()}
    assert {"actions_historicalaction", "actions_historicalaction_answers", "actions_statusupdate"} <= tables
    assert {"core_historicaluserobjectpermission", "core_auditentry", "projects_outputdelivery"} <= tables
    for table in sorted(tables):
        assert triggers_on(table), f"{table} has no append-only trigger"
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            has_rows = cursor.fetchone()[0] > 0
        if has_rows:
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                raw(f'DELETE FROM "{table}"')


def test_an_intact_record_verifies(reported):
    result = audit.verify()
    assert result.ok, result.problems
    assert result.entries == AuditEntry.objects.count() > 10
    assert result.rows_compared > 10


def test_every_write_is_chained(reported, coordinator):
    chained = set(AuditEntry.objects.values_list("source", flat=True))
    assert {"actions.historicalaction", "actions.statusupdate", "core.historicaluserobjectpermission"} <= chained
    update = StatusUpdate.objects.get()
    assert AuditEntry.objects.filter(source="actions.statusupdate", source_pk=update.pk).exists()


def test_an_altered_history_entry_is_named(reported, without_triggers):
    entry = reported.history.order_by("history_id").first()
    raw(f"UPDATE {history_table()} SET title = 'Quietly rewritten' WHERE history_id = %s", [entry.history_id])
    result = audit.verify()
    link = AuditEntry.objects.get(source="actions.historicalaction", source_pk=entry.history_id)
    assert not result.ok
    assert result.problems[0].startswith(f"entry {link.seq} (actions.historicalaction {entry.history_id})")
    assert "altered" in result.problems[0]


def test_a_deleted_history_entry_is_named(reported, without_triggers):
    entry = reported.history.order_by("history_id").first()
    link = AuditEntry.objects.get(source="actions.historicalaction", source_pk=entry.history_id)
    raw(f"DELETE FROM {history_table()}_answers WHERE history_id = %s", [entry.history_id])
    raw(f"DELETE FROM {history_table()} WHERE history_id = %s", [entry.history_id])
    result = audit.verify()
    assert (
        result.problems[0]
        == f"entry {link.seq} (actions.historicalaction {entry.history_id}): the recorded row has been deleted"
    )


def test_a_deleted_link_of_the_chain_is_named(reported, without_triggers):
    links = list(AuditEntry.objects.order_by("seq"))
    victim, following = links[3], links[4]
    raw("DELETE FROM core_auditentry WHERE seq = %s", [victim.seq])
    result = audit.verify()
    assert result.problems[0].startswith(f"entry {following.seq} ")
    assert "chain is broken" in result.problems[0]


def test_reordered_entries_are_named(reported, without_triggers):
    first, second = list(AuditEntry.objects.order_by("seq"))[2:4]
    raw("UPDATE core_auditentry SET seq = -1 WHERE seq = %s", [first.seq])
    raw("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [first.seq, second.seq])
    raw("UPDATE core_auditentry SET seq = %s WHERE seq = -1", [second.seq])
    result = audit.verify()
    assert not result.ok
    assert result.problems[0].startswith(f"entry {first.seq} ")


def test_a_live_row_edited_behind_the_applications_back_is_flagged(reported):
    raw("UPDATE actions_action SET rag = 'green' WHERE id = %s", [reported.pk])
    result = audit.verify()
    assert result.problems == [
        f"actions.action {reported.pk}: the live row differs from its latest history entry "
        f"(history {reported.history.first().history_id}) in rag"
    ]


def test_a_history_row_slipped_in_is_flagged(reported, without_triggers):
    latest = reported.history.first()
    raw(
        f"INSERT INTO {history_table()} (id, version, plan_id, objective_id, reference, section, title, outcomes, "
        "outputs, timescale, due_date, lead, lead_agency, rag, withheld_fields, withdrawn_at, status_updated_at, "
        "carried_from_id, history_date, history_type, history_change_reason, history_user_id) "
        "SELECT id, version, plan_id, objective_id, reference, section, 'Forged', outcomes, outputs, timescale, "
        "due_date, lead, lead_agency, rag, withheld_fields, withdrawn_at, status_updated_at, carried_from_id, "
        f"history_date, history_type, history_change_reason, history_user_id FROM {history_table()} "
        "WHERE history_id = %s",
        [latest.history_id],
    )
    result = audit.verify()
    assert "a row was added without passing through the application" in result.problems[0]


def test_verify_audit_command_exits_zero_when_intact_and_records_the_check(reported, capsys):
    call_command("verify_audit")
    assert "Audit record intact" in capsys.readouterr().out
    event = AuditEvent.objects.get()
    assert event.kind == "verification" and event.outcome.startswith("intact")
    # The verification is itself chained, and the record still verifies after it.
    assert audit.verify().ok


def test_verify_audit_command_fails_naming_the_first_bad_entry(reported, without_triggers):
    entry = reported.history.order_by("history_id").first()
    raw(f"UPDATE {history_table()} SET lead = 'Someone else' WHERE history_id = %s", [entry.history_id])
    with pytest.raises(CommandError, match=rf"entry \d+ \(actions.historicalaction {entry.history_id}\)") as failed:
        call_command("verify_audit")
    assert failed.value.returncode == 1


def test_a_status_update_is_linked_in_the_order_written_and_only_once_it_is_complete(world, lead, monkeypatch):
    """The chain head is taken at the end of the update, for all its rows together, in the order they were written."""
    linked: list[list[str]] = []
    entries_when_linking: list[int] = []
    real_link = audit._link

    def watching(rows):
        entries_when_linking.append(AuditEntry.objects.count())
        linked.append([source for source, _, _ in rows])
        real_link(rows)

    monkeypatch.setattr(audit, "_link", watching)
    before = AuditEntry.objects.count()
    report_status(world, lead, expected_version=1)
    assert len(linked) == 1, "one visit to the chain head for the whole update"
    assert entries_when_linking == [before], "nothing was linked while the update was being written"
    assert linked[0][0] == audit.label(StatusUpdate)
    assert audit.label(Action.history.model) in linked[0]
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [entry.source for entry in entries] == linked[0]
    assert audit.verify().ok


def test_a_failed_status_update_links_nothing(world, lead):
    before = AuditEntry.objects.count()
    with pytest.raises(Exception, match="version"):
        report_status(world, lead, expected_version=99)
    assert AuditEntry.objects.count() == before
    assert audit._written.get() is None, "nothing left waiting for the next transaction"
