"""Two people save the same action from forms opened at the same version: one wins, the other is told, none is lost.

Runs on both databases; on PostgreSQL the row lock decides, on SQLite the IMMEDIATE transaction's write lock.
"""

import datetime
import threading

import pytest
from django.db import connection

from actions import services
from actions.models import Action
from core.versioning import StaleEdit


def save_in_thread(action_pk: int, user, rag: str, barrier: threading.Barrier, outcomes: list) -> None:
    try:
        action = Action.objects.get(pk=action_pk)
        barrier.wait(timeout=10)
        services.action_update_status(
            action=action,
            rag=rag,
            commentary=f"Reported {rag}",
            as_of=datetime.date(2018, 9, 1),
            evidence=None,
            by=user,
            expected_version=1,
        )
        outcomes.append(("saved", rag))
    except StaleEdit as stale:
        outcomes.append(("stale", stale.current.rag))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_stale_status_updates_never_lose_one(world, coordinator, lead, round_):
    barrier = threading.Barrier(2)
    outcomes: list = []
    threads = [
        threading.Thread(target=save_in_thread, args=(world.action.pk, coordinator, "red", barrier, outcomes)),
        threading.Thread(target=save_in_thread, args=(world.action.pk, lead, "green", barrier, outcomes)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2, outcomes
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["saved", "stale"], outcomes
    winner = next(rag for kind, rag in outcomes if kind == "saved")
    loser_saw = next(rag for kind, rag in outcomes if kind == "stale")
    assert loser_saw == winner  # the one refused is shown the winner's newer version

    action = Action.objects.get(pk=world.action.pk)
    assert action.rag == winner
    assert action.version == 2
    assert list(action.status_updates.values_list("rag", flat=True)) == [winner]


@pytest.mark.django_db(transaction=True)
def test_two_stale_edits_never_overwrite_each_other(world, coordinator):
    barrier = threading.Barrier(2)
    outcomes: list = []

    def edit(title: str) -> None:
        try:
            action = Action.objects.get(pk=world.action.pk)
            barrier.wait(timeout=10)
            services.action_change(
                action=action, fields={"title": title}, answers=[], leads=[], by=coordinator, expected_version=1
            )
            outcomes.append(("saved", title))
        except StaleEdit as stale:
            outcomes.append(("stale", stale.current.title))
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(title,)) for title in ("Wording A", "Wording B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _ in outcomes) == ["saved", "stale"], outcomes
    winner = next(title for kind, title in outcomes if kind == "saved")
    assert Action.objects.get(pk=world.action.pk).title == winner
