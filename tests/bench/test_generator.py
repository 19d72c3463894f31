"""The national dataset generator: what it writes is what the services would have written, and it can be audited."""

import datetime
import io
import itertools
import random

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Max
from django.urls import reverse

import bench.chain
import bench.records
from actions.models import Action, StatusUpdate
from bench.generate import main
from core import append_only, audit, change_backfill, checkpoints
from core.models import AuditChainHead, AuditEntry, ChangeRecord
from core.rag import RAG
from plans.models import Council, DeliveryPlan, Role
from projects.models import CommissionedProject, OutputTarget

UNTIL = "2026-11-22"


def generate(**options) -> str:
    out = io.StringIO()
    arguments = {"councils": 2, "years": 3, "actions": 12, "projects": 2, "seed": 7, "until": UNTIL, **options}
    main([f"--{name}={value}" for name, value in arguments.items()], out)
    return out.getvalue()


@pytest.fixture
def generated(transactional_db, monkeypatch):
    monkeypatch.setenv("SCALE_PASSWORD", "scale-password-for-tests")
    return generate()


def test_the_generated_record_verifies_and_every_live_row_equals_its_history(generated):
    result = audit.verify()
    assert result.ok, result.problems
    # Written by COPY behind the services' back, the chain is still checkpointed: once per council, the last its head.
    assert result.checkpoints == Council.objects.count()
    newest = max(item.seq for item in checkpoints.read())
    assert newest == AuditChainHead.objects.get().last_seq
    assert result.entries == AuditEntry.objects.count() > 1000
    assert result.rows_compared > 200


def test_it_makes_plans_of_every_year_with_actions_updates_and_projects(generated):
    assert Council.objects.count() == 2
    years = sorted(set(DeliveryPlan.objects.values_list("year", flat=True)))
    assert years == ["2024-25", "2025-26", "2026-27"]
    # Past years are closed, the current one is in progress.
    assert set(DeliveryPlan.objects.filter(year="2026-27").values_list("status", flat=True)) == {"active"}
    assert set(DeliveryPlan.objects.exclude(year="2026-27").values_list("status", flat=True)) == {"closed"}
    per_plan = DeliveryPlan.objects.annotate(count=Count("actions")).values_list("count", flat=True)
    assert all(6 <= count <= 20 for count in per_plan)
    assert CommissionedProject.objects.count() >= 6 and OutputTarget.objects.exists()
    latest = StatusUpdate.objects.aggregate(latest=Max("created_at"))["latest"]
    assert latest <= datetime.datetime(2026, 11, 22, 18, tzinfo=datetime.UTC)
    assert "rows in" in generated


def test_each_action_stands_where_its_latest_status_update_left_it(generated):
    actions = Action.objects.prefetch_related("status_updates")
    assert any(action.status_updates.all() for action in actions)
    for action in actions:
        updates = sorted(action.status_updates.all(), key=lambda update: update.created_at)
        assert action.version == 1 + len(updates)
        if updates:
            assert action.rag == updates[-1].rag and action.status_updated_at == updates[-1].created_at
            assert [u.previous_rag for u in updates] == [RAG.NOT_STARTED, *(u.rag for u in updates[:-1])]
        else:
            assert action.rag == RAG.NOT_STARTED


def test_the_generated_people_sign_in_and_read_their_council(generated, client):
    council = Council.objects.order_by("pk").first()
    coordinator = get_user_model().objects.get(username=f"{council.slug}-{Role.COORDINATOR}")
    # Through the sign-in form: django-axes refuses a sign-in without a request (Client.login() has none).
    credentials = {"username": coordinator.username, "password": "scale-password-for-tests"}
    assert client.post(reverse("login"), credentials).status_code == 302
    plan = council.plans.get(year="2026-27")
    assert client.get(reverse("plans:dashboard", args=[plan.pk])).status_code == 200
    other = Council.objects.exclude(pk=council.pk).get().plans.first()
    assert client.get(reverse("plans:detail", args=[other.pk])).status_code == 404


def test_the_same_seed_makes_the_same_data_after_what_is_there(generated):
    """A second run adds councils after the first, with keys after the first's, and the record still verifies."""
    first = list(Action.objects.order_by("pk").values_list("title", "rag", "due_date"))
    generate(seed=7)
    assert Council.objects.count() == 4
    second = list(Action.objects.order_by("pk").values_list("title", "rag", "due_date"))[len(first) :]
    assert second == first
    assert audit.verify().ok


def test_small_chunks_and_links_sorted_on_disk_give_a_record_that_verifies(transactional_db, monkeypatch):
    """What a million-row council does (chunks, links spilled to disk in sorted runs), at a size a test can afford."""
    monkeypatch.setattr(bench.records, "CHUNK", 97)
    monkeypatch.setattr(bench.chain, "RUN", 211)
    monkeypatch.setattr(bench.chain, "SLICE", 13)
    generate(councils=2, years=2)
    assert audit.verify().ok
    # Each council is one stretch of the chain in the order things happened: time goes back only where one ends.
    times = list(AuditEntry.objects.order_by("seq").values_list("recorded_at", flat=True))
    assert len(times) > 5 * 211
    assert sum(later < earlier for earlier, later in itertools.pairwise(times)) == 1


def test_pending_links_come_out_in_the_order_sorting_them_all_would_give(monkeypatch):
    monkeypatch.setattr(bench.chain, "RUN", 50)
    monkeypatch.setattr(bench.chain, "SLICE", 7)
    rng = random.Random(3)
    start = datetime.datetime(2020, 4, 1, tzinfo=datetime.UTC)
    links = [
        (start + datetime.timedelta(seconds=rng.randrange(100)), rng.choice(["a.x", "a.y"]), pk, f"{pk:064x}")
        for pk in range(1, 338)
    ]
    pending = bench.chain.PendingLinks()
    for link in links:
        pending.add(link)
    assert list(pending.in_order()) == sorted(links)


def change_record() -> dict[int, list[tuple]]:
    """Each council's change record in the order of its keys, the keys aside."""
    columns = [f.attname for f in ChangeRecord._meta.concrete_fields if f.attname != "id"]
    found: dict[int, list[tuple]] = {}
    for row in ChangeRecord.objects.order_by("pk").values_list("council_id", *columns):
        found.setdefault(row[0], []).append(row[1:])
    return found


def test_the_generated_change_record_is_what_the_backfill_makes_of_the_same_history(transactional_db, monkeypatch):
    """Worked out as the history is made, its rows waiting on disk in sorted runs, the record is the migration's."""
    monkeypatch.setattr(bench.chain, "CHANGE_RUN", 101)
    monkeypatch.setattr(bench.chain, "CHANGE_SLICE", 11)
    generate(councils=2, years=2)
    generated = change_record()
    assert len(generated) == 2 and all(len(rows) > 5 * 101 for rows in generated.values())
    append_only.remove(connection)
    try:
        ChangeRecord.objects.all().delete()
    finally:
        append_only.install(connection)
    change_backfill.backfill()
    # The backfill writes every council's rows at once, in time order: within a council, the same order.
    assert change_record() == generated
