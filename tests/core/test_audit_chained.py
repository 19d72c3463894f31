"""audit.chained(): the transaction of a service, whose new rows are linked into the chain together as it ends."""

import threading

import pytest
from django.db import transaction

from core import audit
from core.models import AuditEntry, AuditEvent


def event(description: str) -> AuditEvent:
    return AuditEvent.objects.create(kind=AuditEvent.Kind.EXPORT, description=description)


@pytest.fixture
def visits(monkeypatch) -> list[list[tuple[str, int, str]]]:
    """Each visit to the chain head, with the rows it linked."""
    seen: list[list[tuple[str, int, str]]] = []
    real_link = audit._link

    def watching(rows):
        seen.append(list(rows))
        real_link(rows)

    monkeypatch.setattr(audit, "_link", watching)
    return seen


def test_a_block_links_its_rows_once_at_its_end_in_the_order_written(db, visits):
    with audit.chained():
        first, second = event("first"), event("second")
        assert visits == [], "nothing is linked while the block writes"
        with audit.chained():  # a service calling another: the outer block links
            third = event("third")
        assert visits == []
    assert [[pk for _, pk, _ in rows] for rows in visits] == [[first.pk, second.pk, third.pk]]
    assert audit.verify().ok


def test_a_row_written_outside_any_block_is_linked_at_once(db, visits):
    written = event("from the admin")
    assert len(visits) == 1 and AuditEntry.objects.filter(source="core.auditevent", source_pk=written.pk).exists()
    assert audit.verify().ok


def test_rows_a_savepoint_rolled_back_are_not_linked(db, visits):
    with audit.chained():
        kept = event("kept")
        try:
            with transaction.atomic():
                event("undone")
                raise RuntimeError("the savepoint fails")
        except RuntimeError:
            pass
    assert [[pk for _, pk, _ in rows] for rows in visits] == [[kept.pk]]
    assert audit.verify().ok


def test_a_failed_block_leaves_nothing_waiting(db):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), audit.chained():
        event("rolled back")
        raise RuntimeError("the service fails")
    assert audit._written.get() is None
    assert AuditEntry.objects.count() == before


def test_another_thread_inside_a_block_starts_with_none_of_its_own(db):
    """The waiting rows belong to the code running the block, not to whatever shares the process."""
    seen = []
    with audit.chained():
        event("in the block")
        thread = threading.Thread(target=lambda: seen.append(audit._written.get()))
        thread.start()
        thread.join()
        assert audit._written.get() is not None
    assert seen == [None]
