"""The tamper-evident audit record: a SHA-256 hash chain over every append-only row.

Every history entry (django-simple-history), status update, output delivery and audit event is linked into the
chain when it is written. `verify` recomputes the chain from the rows themselves and checks that each live row
equals its latest history entry, so an edit made behind the application's back shows.
"""

import contextlib
import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from .append_only import APPEND_ONLY_MODELS, is_history_model, m2m_history_models
from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64
CHUNK = 2000
HISTORY_META = {"history_id", "history_date", "history_type", "history_user_id", "history_change_reason"}
# Further checks of what the record holds, added by the apps (AppConfig.ready) under what they count; each returns
# that count and the problems it found. `verify` runs them once the chain and the live rows are found intact.
CHECKS: dict[str, Callable[[], tuple[int, list[str]]]] = {}


PLAIN = frozenset({str, int, bool, type(None), list})


def _normalise(value: Any) -> Any:
    if type(value) in PLAIN:
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def canonical(values: dict[str, Any]) -> str:
    return json.dumps(
        {key: _normalise(value) for key, value in values.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_hash(previous_hash: str, source: str, source_pk: int, content_hash: str) -> str:
    return sha256(f"{previous_hash}|{source}|{source_pk}|{content_hash}")


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def chained_models() -> list[type[models.Model]]:
    """Every model whose rows are linked into the chain (the m2m history rows count within their parent's content)."""
    history = [model for model in apps.get_models() if is_history_model(model)]
    return history + [apps.get_model(name) for name in APPEND_ONLY_MODELS if name != "core.AuditEntry"]


def contents(model: type[models.Model], pks: Iterable[int]) -> dict[int, str]:
    """The canonical content of each row, read from the database, with its m2m history rows for history entries."""
    pks = list(pks)
    attnames = [f.attname for f in model._meta.concrete_fields]
    pk_name = model._meta.pk.attname
    rows = {row[pk_name]: dict(row) for row in model._default_manager.filter(pk__in=pks).values(*attnames)}
    if is_history_model(model):
        for m2m_model in m2m_history_models(model):
            names = [
                f.attname
                for f in m2m_model._meta.concrete_fields
                if f.attname not in {"history_id", m2m_model._meta.pk.attname}
            ]
            linked: dict[int, list[str]] = {}
            for row in m2m_model._default_manager.filter(history_id__in=pks).values("history_id", *names):
                history_id = row.pop("history_id")
                linked.setdefault(history_id, []).append(canonical(row))
            for pk, row in rows.items():
                row[f"m2m:{m2m_model._meta.model_name}"] = sorted(linked.get(pk, []))
    return {pk: canonical(row) for pk, row in rows.items()}


def append(model: type[models.Model], pk: int) -> None:
    """Link one newly written row into the chain: now, or at the end of the enclosing `linked_together` block.

    The row's content is hashed as it is written either way; only its place in the chain waits.
    """
    source, content_hash = label(model), sha256(contents(model, [pk])[pk])
    waiting = getattr(connection, "audit_waiting", None)
    if waiting is not None:
        waiting.append((source, pk, content_hash))
    else:
        _link([(source, pk, content_hash)])


def _link(rows: list[tuple[str, int, str]]) -> None:
    """Chain rows in the order given. Serialised by locking the chain head, held until the transaction commits."""
    if not rows:
        return
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        for source, pk, content_hash in rows:
            entry = AuditEntry.objects.create(
                source=source,
                source_pk=pk,
                content_hash=content_hash,
                previous_hash=head.last_hash,
                entry_hash=link_hash(head.last_hash, source, pk, content_hash),
            )
            head.last_seq, head.last_hash = entry.seq, entry.entry_hash
        head.save(update_fields=["last_seq", "last_hash"])


@contextlib.contextmanager
def linked_together() -> Iterator[None]:
    """A transaction whose new rows are linked into the chain together, at its end.

    Every writer waits for the chain head, so the less time between taking it and committing, the less they wait:
    a status update takes it for its last few statements instead of from its first write.
    """
    with transaction.atomic():
        if getattr(connection, "audit_waiting", None) is not None:  # inside another: that one links
            yield
            return
        connection.audit_waiting = []
        try:
            yield
        finally:
            waiting, connection.audit_waiting = connection.audit_waiting, None
        _link(waiting)


@dataclass
class Verification:
    entries: int = 0
    rows_compared: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)  # by each of CHECKS

    @property
    def ok(self) -> bool:
        return not self.problems


def _entries() -> Iterator[list[AuditEntry]]:
    last = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:CHUNK])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def _content_hashes(model: type[models.Model], pks: list[int]) -> dict[int, str]:
    """The hash of each row's content, read `AUDIT_BATCH` rows at a time where a model's rows are large."""
    size = getattr(model, "AUDIT_BATCH", CHUNK)
    hashes: dict[int, str] = {}
    for start in range(0, len(pks), size):
        hashes.update((pk, sha256(text)) for pk, text in contents(model, pks[start : start + size]).items())
    return hashes


def verify() -> Verification:
    """Recompute the chain and compare every row with what was chained and every live row with its history."""
    result = Verification()
    models_by_label = {label(model): model for model in chained_models()}
    chained: dict[str, set[int]] = {name: set() for name in models_by_label}
    running = GENESIS
    for batch in _entries():
        by_source: dict[str, list[int]] = {}
        for entry in batch:
            by_source.setdefault(entry.source, []).append(entry.source_pk)
        current = {
            source: _content_hashes(models_by_label[source], pks)
            for source, pks in by_source.items()
            if source in models_by_label
        }
        for entry in batch:
            where = f"entry {entry.seq} ({entry.source} {entry.source_pk})"
            if entry.previous_hash != running:
                result.problems.append(f"{where}: the chain is broken here (an entry before it was removed or moved)")
            if entry.entry_hash != link_hash(entry.previous_hash, entry.source, entry.source_pk, entry.content_hash):
                result.problems.append(f"{where}: the entry itself was altered")
            content_hash = current.get(entry.source, {}).get(entry.source_pk)
            if content_hash is None:
                result.problems.append(f"{where}: the recorded row has been deleted")
            elif content_hash != entry.content_hash:
                result.problems.append(f"{where}: the recorded row has been altered since it was written")
            chained.setdefault(entry.source, set()).add(entry.source_pk)
            running = entry.entry_hash
            result.entries += 1
            if result.problems:
                return result
    result.head_hash = running
    head = AuditChainHead.objects.filter(pk=1).first()
    if result.entries and (head is None or head.last_hash != running):
        result.problems.append(f"the chain ends at entry {result.entries} but its head names another: entries were cut")
        return result
    for name, model in models_by_label.items():
        if model._default_manager.count() == len(chained[name]):
            continue
        for pk in model._default_manager.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=CHUNK):
            if pk not in chained[name]:
                result.problems.append(f"{name} {pk}: a row was added without passing through the application")
                return result
    result.problems.extend(_compare_live_rows(result))
    for name, check in CHECKS.items():
        if result.problems:
            break
        result.checked[name], problems = check()
        result.problems.extend(problems)
    return result


def _compare_live_rows(result: Verification) -> list[str]:
    """Each live row must equal its latest history entry, field by field."""
    problems = []
    for history_model in (m for m in apps.get_models() if is_history_model(m)):
        live_model = history_model.instance_type
        tracked = [f.attname for f in history_model._meta.concrete_fields if f.attname not in HISTORY_META]
        pk_name = live_model._meta.pk.attname
        live_pks = list(live_model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(live_pks), CHUNK):
            chunk = live_pks[start : start + CHUNK]
            latest: dict[int, dict] = {}
            for row in (
                history_model._default_manager.filter(**{f"{pk_name}__in": chunk})
                .order_by(pk_name, "-history_date", "-history_id")
                .values(*tracked, "history_id", "history_type")
            ):
                latest.setdefault(row[pk_name], row)
            for row in live_model._default_manager.filter(pk__in=chunk).values(*tracked):
                result.rows_compared += 1
                name = f"{label(live_model)} {row[pk_name]}"
                entry = latest.get(row[pk_name])
                if entry is None:
                    problems.append(f"{name}: the live row has no history (written behind the application's back)")
                elif entry["history_type"] == "-":
                    problems.append(f"{name}: the history says it was deleted, but the row is there")
                else:
                    changed = [n for n in tracked if canonical({n: row[n]}) != canonical({n: entry[n]})]
                    if changed:
                        problems.append(
                            f"{name}: the live row differs from its latest history entry "
                            f"(history {entry['history_id']}) in {', '.join(changed)}"
                        )
                if problems:
                    return problems
    return problems
