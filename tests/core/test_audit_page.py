"""The auditor's page: verify the record on request, see the outcome, and the latest exports and verifications."""

import pytest
from django.db import connection
from django.urls import reverse

from actions.models import Action
from core import append_only
from core.models import AuditChainHead, AuditEntry, AuditEvent, Job
from plans.models import Role
from tests import factories as f

AUDIT = "/audit/"


def test_the_address_is_the_one_the_design_names():
    assert reverse("plans:audit") == AUDIT


def verified(client, capture, worker):
    """Start a verification from the page and let a worker run it; the job's page after it."""
    with capture(execute=True):
        response = client.post(AUDIT)
    assert response.status_code == 302
    worker()
    return client.get(response.url)


def test_an_auditor_verifies_the_intact_record_and_the_verification_is_recorded(
    world, auditor, signed_in, django_capture_on_commit_callbacks, worker
):
    client = signed_in(auditor)
    page = client.get(AUDIT)
    assert page.status_code == 200
    assert "Verify the audit record" in page.text
    head = AuditChainHead.objects.get().last_hash
    entries = AuditEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(AUDIT)
    job = Job.objects.get()
    assert response.url == reverse("jobs:job", args=[job.pk])
    assert not AuditEvent.objects.exists()  # queued, not yet run
    (ran,) = worker()
    assert ran.status == "SUCCESSFUL"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.VERIFICATION)
    assert (event.user, event.council) == (auditor, world.council)
    assert event.outcome.startswith(f"Intact: {entries:,} entries in the chain recomputed")
    assert event.outcome.endswith(f"0 sealed dashboards rebuilt from history. Chain head {head}")
    # The verification is itself chained.
    assert AuditEntry.objects.filter(source="core.auditevent", source_pk=event.pk).exists()

    page = client.get(response.url).text
    assert "The audit record is intact" in page and head in page
    # The audit page shows the latest verification, when and by whom, and lists it among the events.
    page = client.get(AUDIT).text
    assert "The audit record is intact" in page and head in page and "started by auditor" in page
    assert f"Verification of the audit record for {world.council.name}" in page


@pytest.fixture
def without_triggers():
    append_only.remove(connection)
    yield
    append_only.install(connection)


def test_a_record_altered_behind_the_applications_back_fails_naming_the_first_bad_entry(
    world, auditor, signed_in, without_triggers, django_capture_on_commit_callbacks, worker
):
    history = Action.history.model
    tampered = history.objects.filter(id=world.action.pk).order_by("history_id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {history._meta.db_table} SET title = %s WHERE history_id = %s",
            ["Rewritten", tampered.history_id],
        )
    entry = AuditEntry.objects.get(source="actions.historicalaction", source_pk=tampered.history_id)
    client = signed_in(auditor)
    length = AuditEntry.objects.count()  # before the verification records itself
    page = verified(client, django_capture_on_commit_callbacks, worker).text
    assert "The audit record FAILED verification" in page
    assert f"entry {entry.seq} (actions.historicalaction {tampered.history_id})" in page
    assert AuditEvent.objects.get().outcome.startswith(f"FAILED: entry {entry.seq} ")
    # It stopped there: the page counts what was checked against the whole chain, not as all of it.
    position = AuditEntry.objects.filter(seq__lte=entry.seq).count()  # sequences run on across tests on PostgreSQL
    assert position < length and f"{position:,} of {length:,} entries of the chain checked" in page


@pytest.mark.parametrize("persona", ["coordinator", "lead", "board", "outsider"])
def test_the_page_does_not_exist_for_anyone_but_auditors(request, world, signed_in, persona):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(AUDIT).status_code == 404
    assert client.post(AUDIT).status_code == 404
    assert not AuditEvent.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for method in (client.get, client.post):
        response = method(AUDIT)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_shows_only_the_auditors_councils_newest_first(world, auditor, outsider, coordinator, signed_in):
    signed_in(coordinator).get(reverse("plans:export_history", args=[world.plan.pk, "csv"]))
    signed_in(outsider).get(reverse("plans:export_history", args=[world.elsewhere_plan.pk, "csv"]))
    signed_in(auditor).get(reverse("plans:export_as_at", args=[world.plan.pk, "xlsx"]))
    page = signed_in(auditor).get(AUDIT).text
    ours = f"Change history CSV of {world.council.name}"
    assert ours in page and "Plan as at" in page
    assert world.elsewhere.name not in page
    assert page.index("Plan as at") < page.index(ours)  # newest first


def test_an_auditor_of_two_councils_records_a_verification_for_each(
    world, auditor, signed_in, django_capture_on_commit_callbacks, worker
):
    f.make_member(auditor, world.elsewhere, Role.AUDITOR)
    verified(signed_in(auditor), django_capture_on_commit_callbacks, worker)
    councils = set(AuditEvent.objects.values_list("council__name", flat=True))
    assert councils == {world.council.name, world.elsewhere.name}


def test_auditors_find_the_page_from_home(world, auditor, coordinator, signed_in):
    assert f'href="{AUDIT}"' in signed_in(auditor).get(reverse("plans:home")).text
    assert f'href="{AUDIT}"' not in signed_in(coordinator).get(reverse("plans:home")).text
