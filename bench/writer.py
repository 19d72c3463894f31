"""Writes the generated rows: COPY on PostgreSQL, bulk_create elsewhere, a council to a transaction, the rows arriving
in chunks and the council's audit links last, once all of its rows are made."""

import datetime
import io
import json
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from core import audit, checkpoints
from core.models import AuditChainHead, AuditEntry

from .chain import PendingLinks

Rows = dict[type[models.Model], list[dict]]
ENTRIES = 10_000  # audit entries written per statement when linking a council


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    kind = type(value)
    if kind is str:
        if "\\" in value or "\n" in value or "\r" in value or "\t" in value:
            return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return value
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.datetime or kind is datetime.date:
        return value.isoformat()
    if kind is list or kind is dict:
        return _copy_text(json.dumps(value))
    return str(value)


class Writer:
    """Writes council after council, each in one transaction that ends by extending the audit chain from its head."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.columns: dict[type[models.Model], list[str]] = {}
        self.written: dict[str, int] = {}

    def _columns(self, model: type[models.Model]) -> list[str]:
        if model not in self.columns:
            self.columns[model] = [f.attname for f in model._meta.concrete_fields]
        return self.columns[model]

    def write(self, messages: Iterator[Rows | PendingLinks]) -> None:
        """Each council arrives as chunks of rows followed by its links; a chunk's rows are final when it is sent."""
        for message in messages:
            with transaction.atomic():
                if self.postgres:
                    # Generated data can be generated again: no need to wait for each commit to reach the disk.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit = off")
                while not isinstance(message, PendingLinks):
                    for model, rows in message.items():
                        self._insert(model, rows)
                    message = next(messages, None)
                    if message is None:  # the generating thread stopped mid-council: roll it back
                        raise RuntimeError("The council's rows ended before its links")
                self._link(message)

    def _link(self, pending: PendingLinks) -> None:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": audit.GENESIS})
        seq, previous = head.last_seq, head.last_hash
        entries: list[dict] = []
        try:
            for at, source, pk, content in pending.in_order():
                seq += 1
                entry_hash = audit.link_hash(previous, source, pk, content)
                entries.append(
                    {
                        "seq": seq,
                        "recorded_at": at,
                        "source": source,
                        "source_pk": pk,
                        "content_hash": content,
                        "previous_hash": previous,
                        "entry_hash": entry_hash,
                    }
                )
                previous = entry_hash
                if len(entries) >= ENTRIES:
                    self._insert(AuditEntry, entries)
                    entries = []
        finally:
            pending.close()
        self._insert(AuditEntry, entries)
        head.last_seq, head.last_hash = seq, previous
        head.save(update_fields=["last_seq", "last_hash"])
        # Written behind the services' back, so checkpointed here: verify_audit then holds on the dataset.
        checkpoints.after_commit(seq=seq, entry_hash=previous)

    def _insert(self, model: type[models.Model], rows: list[dict]) -> None:
        if not rows:
            return
        self.written[model._meta.label] = self.written.get(model._meta.label, 0) + len(rows)
        columns = self._columns(model)
        if not self.postgres:
            model._default_manager.bulk_create([model(**row) for row in rows], batch_size=500)
            return
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join([_copy_text(row[name]) for name in columns]))
            buffer.write("\n")
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(name) for name in columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN", buffer)

    def finish(self) -> None:
        """Move each table's sequence past the rows written with explicit keys, and refresh the planner's figures."""
        written = [apps.get_model(name) for name in self.written]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), written):
                cursor.execute(statement)
            if self.postgres:
                for model in written:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
