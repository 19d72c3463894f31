"""The auditors' page tells each auditor of their own councils' record and of the record every council shares, and
nothing of another council's: a broken record elsewhere leaves an auditor's page as it would be were it intact
(issue 15, item 6)."""

import datetime

import pytest
from django.db import connection

from actions import services
from actions.models import Action, StatusUpdate
from core import append_only, attribution, audit
from core.models import AuditEntry, AuditEvent, HistoricalUserObjectPermission
from plans.models import Role
from tests import factories as f
from tests.worker import queued_and_run

AUDIT = "/audit/"


@pytest.fixture
def without_triggers():
    append_only.remove(connection)
    yield
    append_only.install(connection)


def rewrite_history_of(action: Action, *, latest: bool = False) -> AuditEntry:
    """Rewrite one history row of the action behind the application's back; returns its link of the chain."""
    rows = Action.history.model.objects.filter(id=action.pk).order_by("history_id")
    row = rows.last() if latest else rows.first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Action.history.model._meta.db_table} SET title = %s WHERE history_id = %s",
            ["Quietly rewritten", row.history_id],
        )
    return AuditEntry.objects.get(source="actions.historicalaction", source_pk=row.history_id)


def verify_as(client) -> tuple[str, list[AuditEvent]]:
    response = queued_and_run(client.post, AUDIT)
    assert response.status_code == 302
    return client.get(response.url).text, list(AuditEvent.objects.filter(kind="verification").order_by("pk"))


def test_another_councils_broken_record_is_not_shown(world, auditor, signed_in, without_triggers):
    theirs = rewrite_history_of(world.elsewhere_action)
    page, [event] = verify_as(signed_in(auditor))
    assert event.council == world.council
    assert event.outcome.startswith(f"Intact: {AuditEntry.objects.count() - 1:,} entries in the chain recomputed")
    assert "The audit record is intact" in page and "FAILED" not in page
    assert f"entry {theirs.seq} " not in page and world.elsewhere.name not in page
    # The command line still names it: it speaks for the whole record.
    assert audit.verify().problems[0].startswith(f"entry {theirs.seq} (actions.historicalaction")


def test_the_auditors_own_problem_is_named_past_another_councils_earlier_one(
    world, auditor, lead, signed_in, without_triggers
):
    services.action_update_status(
        action=world.action,
        rag="red",
        commentary="Venue lost",
        as_of=datetime.date(2018, 9, 1),
        evidence=None,
        by=lead,
        expected_version=1,
    )
    theirs = rewrite_history_of(world.elsewhere_action)
    ours = rewrite_history_of(world.action, latest=True)
    assert theirs.seq < ours.seq
    page, [event] = verify_as(signed_in(auditor))
    assert event.outcome == (
        f"FAILED: entry {ours.seq} (actions.historicalaction {ours.source_pk}): "
        "the recorded row has been altered since it was written"
    )
    assert "The audit record FAILED verification" in page and f"entry {theirs.seq} " not in page


def test_an_auditor_of_two_councils_reads_each_ones_outcome(world, auditor, signed_in, without_triggers):
    f.make_member(auditor, world.elsewhere, Role.AUDITOR)
    theirs = rewrite_history_of(world.elsewhere_action)
    page, events = verify_as(signed_in(auditor))
    outcomes = {event.council: event.outcome for event in events}
    assert outcomes[world.council].startswith("Intact: ")
    assert outcomes[world.elsewhere].startswith(f"FAILED: entry {theirs.seq} (actions.historicalaction ")
    assert f"{world.elsewhere.name}: FAILED: entry {theirs.seq} " in page
    assert f"{world.council.name}: Intact: " in page


def test_a_break_in_the_shared_chain_is_told_to_every_auditor_without_naming_whose_row(
    world, auditor, outsider, signed_in, without_triggers
):
    f.make_member(outsider, world.elsewhere, Role.AUDITOR)
    links = list(AuditEntry.objects.order_by("seq"))
    following = links[4]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [links[3].seq])
    expected = (
        f"FAILED: entry {following.seq}: the chain is broken here (an entry before it was removed or moved) "
        "(in the record every council shares; whose entry it is cannot be told)"
    )
    for person, council in ((auditor, world.council), (outsider, world.elsewhere)):
        page, events = verify_as(signed_in(person))
        assert events[-1].council == council and events[-1].outcome == expected
        assert following.source not in page


def test_the_status_update_of_another_council_deleted_is_a_shared_problem_named_by_entry_only(
    world, auditor, signed_in, without_triggers
):
    other_lead = f.make_user("elsewhere-lead")
    f.make_lead(other_lead, world.elsewhere_action)
    update = services.action_update_status(
        action=world.elsewhere_action,
        rag="amber",
        commentary="Behind",
        as_of=datetime.date(2018, 9, 1),
        evidence=None,
        by=other_lead,
        expected_version=1,
    )
    link = AuditEntry.objects.get(source="actions.statusupdate", source_pk=update.pk)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM actions_statusupdate WHERE id = %s", [update.pk])
    _, [event] = verify_as(signed_in(auditor))
    assert event.outcome.startswith(f"FAILED: entry {link.seq}: the recorded row has been deleted (in the record")
    assert "actions.statusupdate" not in event.outcome


def test_every_chained_model_can_be_traced_to_its_council():
    for model in audit.chained_models():
        name = attribution.live_label(model)
        assert name in attribution.COUNCIL_PATHS or name == attribution.LEAD_GRANT, name


def test_rows_are_traced_to_their_council(world, lead):
    history = Action.history.model.objects.filter(id=world.elsewhere_action.pk).first()
    assert attribution.council_of(Action.history.model, history.history_id) == world.elsewhere.pk
    # The lead's grant on world.action belongs to that action's council, through the grant's history row.
    grant = HistoricalUserObjectPermission.objects.filter(user=lead).order_by("history_id").first()
    assert attribution.council_of(HistoricalUserObjectPermission, grant.history_id) == world.council.pk
    assert attribution.council_of(StatusUpdate, 10**9) is None  # a row that is gone cannot be told
