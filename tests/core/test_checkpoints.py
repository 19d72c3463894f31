"""The audit chain is anchored outside the database: signed checkpoints of its head name a rewrite or a truncation
that leaves the chain itself whole (issue 15, item 7).

Each attack is done as someone holding the database would do it: drop the triggers, change the rows, recompute the
links with the project's own functions and reset the head, so that the database alone vouches for the result.
"""

import datetime
import json
import logging
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from actions import services
from actions.models import Action, StatusUpdate
from core import append_only, audit, checkpoints
from core.append_only import m2m_history_model
from core.models import AuditChainHead, AuditEntry


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write as its own committed transaction, as a request would: its checkpoint follows."""

    def run(write, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**arguments)

    return run


def report(world, lead, *, rag: str, commentary: str) -> StatusUpdate:
    action = Action.objects.get(pk=world.action.pk)
    return services.action_update_status(
        action=action,
        rag=rag,
        commentary=commentary,
        as_of=datetime.date(2018, 9, 1),
        evidence=None,
        by=lead,
        expected_version=action.version,
    )


@pytest.fixture
def history(world, lead, coordinator, committed):
    """Three committed transactions, each checkpointed: two status updates and an edit."""
    committed(report, world=world, lead=lead, rag="amber", commentary="Venue lost")
    committed(report, world=world, lead=lead, rag="green", commentary="New venue found")
    action = Action.objects.get(pk=world.action.pk)
    committed(
        services.action_change,
        action=action,
        fields={"title": "Reworded"},
        answers=[],
        leads=[lead],
        by=coordinator,
        expected_version=action.version,
    )


def lines(settings) -> list[dict]:
    with open(settings.AUDIT_CHECKPOINT_PATH, encoding="utf-8") as file:
        return [json.loads(line) for line in file]


@pytest.fixture
def without_triggers():
    append_only.remove(connection)
    yield
    append_only.install(connection)


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def relink_from(seq: int) -> None:
    """What an attacker does after changing rows: rehash them and every link from `seq` on, then reset the head."""
    models_by_label = {audit.label(model): model for model in audit.chained_models()}
    previous = AuditEntry.objects.filter(seq__lt=seq).order_by("-seq").values_list("entry_hash", flat=True).first()
    previous = previous or audit.GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        model = models_by_label[entry.source]
        content = audit.sha256(audit.contents(model, [entry.source_pk])[entry.source_pk])
        entry_hash = audit.link_hash(previous, entry.source, entry.source_pk, content)
        raw(
            "UPDATE core_auditentry SET content_hash = %s, previous_hash = %s, entry_hash = %s WHERE seq = %s",
            [content, previous, entry_hash, entry.seq],
        )
        previous = entry_hash
    last = AuditEntry.objects.order_by("-seq").first()
    raw("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s", [last.seq, last.entry_hash])


def verified_without_checkpoints(settings, tmp_path) -> audit.Verification:
    """What verify_audit said before checkpoints: the chain against itself alone."""
    kept = settings.AUDIT_CHECKPOINT_PATH
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path / "none-yet.log")
    try:
        return audit.verify()
    finally:
        settings.AUDIT_CHECKPOINT_PATH = kept


def test_each_committed_transaction_leaves_one_authentic_checkpoint_of_the_head(history, settings):
    written = lines(settings)
    assert len(written) == 3
    head = AuditChainHead.objects.get()
    assert (written[-1]["seq"], written[-1]["hash"]) == (head.last_seq, head.last_hash)
    for line in written:
        assert AuditEntry.objects.get(seq=line["seq"]).entry_hash == line["hash"]
    result = audit.verify()
    assert result.ok, result.problems
    assert result.checkpoints == 3


def test_a_transaction_that_rolls_back_leaves_no_checkpoint(world, lead, committed, settings):
    with pytest.raises(Exception, match="version"):
        committed(
            services.action_update_status,
            action=world.action,
            rag="red",
            commentary="Never saved",
            as_of=datetime.date(2018, 9, 1),
            evidence=None,
            by=lead,
            expected_version=99,
        )
    with pytest.raises(FileNotFoundError):
        lines(settings)


def test_a_rewritten_history_with_every_hash_recomputed_is_named(history, settings, tmp_path, without_triggers):
    # A history row the second status update wrote: after the first checkpoint, before the second.
    first_checkpoint, second_checkpoint = lines(settings)[:2]
    entry = (
        AuditEntry.objects.filter(source="actions.historicalaction", seq__gt=first_checkpoint["seq"])
        .order_by("seq")
        .first()
    )
    assert entry.seq <= second_checkpoint["seq"]
    raw(
        f"UPDATE {Action.history.model._meta.db_table} SET title = 'Quietly rewritten' WHERE history_id = %s",
        [entry.source_pk],
    )
    relink_from(entry.seq)
    assert verified_without_checkpoints(settings, tmp_path).ok, "the chain holds together again on its own"

    result = audit.verify()
    assert result.problems == [
        f"entry {second_checkpoint['seq']} differs from the checkpoint of {second_checkpoint['at']}"
    ]


def test_cutting_the_last_entries_and_resetting_the_head_is_named(world, history, lead, committed, settings, tmp_path):
    before = Action.objects.get(pk=world.action.pk)
    latest_before = before.history.order_by("-history_date", "-history_id").first()
    kept_seq = AuditChainHead.objects.get().last_seq
    committed(report, world=world, lead=lead, rag="red", commentary="Funding withdrawn")
    newest = lines(settings)[-1]
    assert newest["seq"] > kept_seq

    # The red report never happened: its rows, their links and the live action's new state are taken back.
    append_only.remove(connection)
    try:
        cut = list(AuditEntry.objects.filter(seq__gt=kept_seq))
        history = Action.history.model
        for entry in cut:
            if entry.source == "actions.statusupdate":
                raw("DELETE FROM actions_statusupdate WHERE id = %s", [entry.source_pk])
            elif entry.source == "actions.historicalaction":
                raw(f"DELETE FROM {m2m_history_model(history)._meta.db_table} WHERE history_id = %s", [entry.source_pk])
                raw(f"DELETE FROM {history._meta.db_table} WHERE history_id = %s", [entry.source_pk])
            elif entry.source == "core.changerecord":
                raw("DELETE FROM core_changerecord WHERE id = %s", [entry.source_pk])
            raw("DELETE FROM core_auditentry WHERE seq = %s", [entry.seq])
        tracked = [f.attname for f in history._meta.concrete_fields if f.attname not in audit.HISTORY_META]
        Action.objects.filter(pk=world.action.pk).update(**{name: getattr(latest_before, name) for name in tracked})
        kept = AuditEntry.objects.get(seq=kept_seq)
        raw("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s", [kept.seq, kept.entry_hash])
        assert verified_without_checkpoints(settings, tmp_path).ok, "the shortened chain holds together on its own"
    finally:
        append_only.install(connection)

    result = audit.verify()
    assert result.problems == [
        f"the chain ends at {kept_seq} but a checkpoint of {newest['at']} records {newest['seq']}"
    ]


def test_a_forged_checkpoint_is_reported(history, settings):
    head = AuditChainHead.objects.get()
    forged = {"seq": head.last_seq, "hash": head.last_hash, "at": "2026-12-04T09:00:00.000000+00:00", "mac": "0" * 64}
    with open(settings.AUDIT_CHECKPOINT_PATH, "a", encoding="utf-8") as file:
        file.write(json.dumps(forged) + "\n")
    result = audit.verify()
    assert result.problems == [
        f"checkpoint line 4 (entry {head.last_seq}, 2026-12-04T09:00:00.000000+00:00) is not authentic: "
        "its MAC does not verify (forged, or signed with another key)"
    ]


def test_a_checkpoint_signed_with_another_key_is_reported_and_a_garbled_line_too(history, settings):
    head = AuditChainHead.objects.get()
    settings.AUDIT_SIGNING_KEY = "someone-elses-key-" + "y" * 30
    line = checkpoints.line_for(seq=head.last_seq, entry_hash=head.last_hash, at=datetime.datetime.now(datetime.UTC))
    settings.AUDIT_SIGNING_KEY = "development-only-audit-key-never-used-in-production"
    with open(settings.AUDIT_CHECKPOINT_PATH, "a", encoding="utf-8") as file:
        file.write(line)
    assert "is not authentic" in audit.verify().problems[0]

    with open(settings.AUDIT_CHECKPOINT_PATH, "w", encoding="utf-8") as file:
        file.write("not a checkpoint\n")
    assert audit.verify().problems == ["checkpoint line 1 cannot be read: the checkpoint file was altered"]


def test_checkpoints_written_out_of_order_are_fine(history, settings):
    path = settings.AUDIT_CHECKPOINT_PATH
    with open(path, encoding="utf-8") as file:
        written = file.readlines()
    with open(path, "w", encoding="utf-8") as file:
        file.writelines(reversed(written))
    result = audit.verify()
    assert result.ok, result.problems
    assert result.checkpoints == 3


def test_a_checkpoint_that_cannot_be_written_is_logged_and_the_change_stands(
    world, lead, committed, settings, tmp_path, caplog
):
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path)  # a directory: the write fails
    with caplog.at_level(logging.ERROR, logger="core.checkpoints"):
        update = committed(report, world=world, lead=lead, rag="amber", commentary="Venue lost")
    assert StatusUpdate.objects.filter(pk=update.pk).exists()
    assert "Could not checkpoint entry" in caplog.text


def test_verify_audit_counts_the_checkpoints_and_warns_when_there_are_none(history, settings, capsys, tmp_path):
    call_command("verify_audit")
    assert "3 checkpoints" in capsys.readouterr().out
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path / "empty.log")
    call_command("verify_audit")
    assert "No checkpoint in" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_workers_appending_at_once_each_leave_a_correct_checkpoint(world, coordinator, settings):
    """Several workers report at once: their lines may land out of sequence order, and each one holds."""
    actions = list(Action.objects.filter(plan=world.plan).order_by("pk"))
    before = len(lines(settings))
    barrier = threading.Barrier(len(actions))
    failures: list = []

    def report_often(action_pk: int) -> None:
        try:
            barrier.wait(timeout=10)
            for number in range(5):
                action = Action.objects.get(pk=action_pk)
                services.action_update_status(
                    action=action,
                    rag=["amber", "green"][number % 2],
                    commentary=f"Report {number}",
                    as_of=datetime.date(2018, 9, 1),
                    evidence=None,
                    by=coordinator,
                    expected_version=action.version,
                )
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report_often, args=(action.pk,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(lines(settings)) == before + 5 * len(actions)
    result = audit.verify()
    assert result.ok, result.problems
    assert result.checkpoints == before + 5 * len(actions)
