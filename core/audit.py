"""The tamper-evident audit record: a SHA-256 hash chain over every append-only row.

Every history entry (django-simple-history), status update, output delivery and audit event is linked into the
chain by the transaction that writes it: services run in `chained()`, which links their new rows as it ends.
`verify` recomputes the chain from the rows themselves and checks that each live row equals its latest history
entry, so an edit made behind the application's back shows.
"""

import contextlib
import contextvars
import datetime
import decimal
import functools
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import models, transaction

from . import checkpoints, revisions
from .append_only import APPEND_ONLY_MODELS, is_history_model, m2m_history_models
from .models import AuditChainHead, AuditEntry, ChangeRecord
from .verification import ENTRIES, GENESIS, LIVE_ROWS, Problem, Progress, Verification, no_progress

CHUNK = 2000

HISTORY_META = {"history_id", "history_date", "history_type", "history_user_id", "history_change_reason"}
# Further checks of what the record holds, added by the apps (AppConfig.ready) under what they count; each takes the
# councils to check (None: all) and a function to report its count so far (and its total, if known) with, and returns
# that count and the problems it found. `verify` runs them once the chain and the live rows are found intact.
Counted = Callable[[int, int | None], None]
CHECKS: dict[str, Callable[[frozenset[int] | None, Counted], tuple[int, list[str]]]] = {}


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


# The rows written so far inside the innermost open `chained()` block of this thread (or task), in the order they
# were written; None outside any. A context variable, not an attribute of the connection: it belongs to the code
# running the block, and a thread or task of its own starts with none.
_written: contextvars.ContextVar[list[tuple[type[models.Model], int]] | None] = contextvars.ContextVar(
    "audit_written", default=None
)


@contextlib.contextmanager
def chained() -> Iterator[None]:
    """The transaction of a service, whose appended rows are linked into the chain together as it ends.

    Rows are only noted as they are written (`written`); the block then reads each model's new rows in one query,
    hashes them and takes the chain head for its last few statements, not from its first write: every writer waits
    for the head, so the less time between taking it and committing, the less they wait. Inside another block it
    is a savepoint of that one, which links. Use it where the service would use `transaction.atomic`.
    """
    if _written.get() is not None:
        with transaction.atomic():
            yield
        return
    rows: list[tuple[type[models.Model], int]] = []
    with transaction.atomic():
        token = _written.set(rows)
        try:
            yield
        finally:
            _written.reset(token)
        _link(_hashed(rows))


def written(model: type[models.Model], pk: int) -> None:
    """Note a newly written append-only row for the enclosing `chained()` block to link. A row written outside any
    (the admin, a management command) is a block of its own, linked at once."""
    rows = _written.get()
    if rows is None:
        with chained():
            written(model, pk)
        return
    rows.append((model, pk))


def _hashed(rows: list[tuple[type[models.Model], int]]) -> list[tuple[str, int, str]]:
    """(source, pk, content hash) of each row, in the order written; each model's rows read in one query. A row
    a savepoint inside the block rolled back is no longer there, and is not linked."""
    pks_by_model: dict[type[models.Model], list[int]] = {}
    for model, pk in rows:
        pks_by_model.setdefault(model, []).append(pk)
    hashes = {model: _content_hashes(model, pks) for model, pks in pks_by_model.items()}
    # Each row once, in case a key a rolled-back savepoint used were handed out again.
    return [(label(model), pk, hashes[model][pk]) for model, pk in dict.fromkeys(rows) if pk in hashes[model]]


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
        change_records = label(ChangeRecord)
        revisions.advance([pk for source, pk, _ in rows if source == change_records], seq=head.last_seq)
        checkpoints.after_commit(seq=head.last_seq, entry_hash=head.last_hash)


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


def chain_length() -> int:
    """How many entries the chain has: counted, since a sequence number skips those of transactions rolled back."""
    return AuditEntry.objects.count()


def verify(*, councils: frozenset[int] | None = None, progress: Progress | None = None) -> Verification:
    """Recompute the chain, check it against the checkpoints kept outside the database, compare every row with what
    was chained and every live row with its history. For the whole record by default; with `councils`, what each of
    these councils' auditors may be told (Verification.problem_for). `progress(done, total, unit)` is told how far
    each stage has gone, for a progress page or the command line."""
    progress = progress or no_progress
    result = Verification(councils=councils)
    head = AuditChainHead.objects.filter(pk=1).first()
    progress(0, head.last_seq if head else 0, ENTRIES)
    models_by_label = {label(model): model for model in chained_models()}
    chained: dict[str, set[int]] = {name: set() for name in models_by_label}
    running, last_seq = GENESIS, 0
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
            where, neutral = f"entry {entry.seq} ({entry.source} {entry.source_pk})", f"entry {entry.seq}"
            model = models_by_label.get(entry.source)
            if entry.previous_hash != running:
                reason = "the chain is broken here (an entry before it was removed or moved)"
                result.add(f"{where}: {reason}", neutral=f"{neutral}: {reason}")
            if entry.entry_hash != link_hash(entry.previous_hash, entry.source, entry.source_pk, entry.content_hash):
                result.add(f"{where}: the entry itself was altered", neutral=f"{neutral}: the entry itself was altered")
            content_hash = current.get(entry.source, {}).get(entry.source_pk)
            if content_hash is None:
                reason = "the recorded row has been deleted"
                result.add(f"{where}: {reason}", neutral=f"{neutral}: {reason}")
            elif content_hash != entry.content_hash:
                reason = "the recorded row has been altered since it was written"
                result.add(f"{where}: {reason}", neutral=f"{neutral}: {reason}", row=(model, entry.source_pk))
            chained.setdefault(entry.source, set()).add(entry.source_pk)
            running, last_seq = entry.entry_hash, entry.seq
            result.entries += 1
            if result.done:
                return result
        progress(result.entries, max(result.entries, head.last_seq if head else 0), ENTRIES)
    result.head_hash = running
    head = AuditChainHead.objects.filter(pk=1).first()
    if result.entries and (head is None or head.last_hash != running):
        result.add(f"the chain ends at entry {last_seq} but its head names another: entries were cut")
        return result
    _compare_checkpoints(result, last_seq)
    if result.done:
        return result
    for name, model in models_by_label.items():
        if model._default_manager.count() == len(chained[name]):
            continue
        for pk in model._default_manager.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=CHUNK):
            if pk not in chained[name]:
                result.add(f"{name} {pk}: a row was added without passing through the application", row=(model, pk))
                if result.done:
                    return result
    _compare_live_rows(result, progress)
    _run_checks(result, progress)
    return result


def _compare_checkpoints(result: Verification, last_seq: int) -> None:
    """Every checkpoint must be authentic and name an entry of the chain with the hash the chain gives it.

    The chain was just found to link up, so each entry's stored hash is the one recomputed: checkpoints are read
    as a stream and compared with the stored hashes a batch at a time, in constant memory however long the file.
    Entries appended since the walk began are compared as they are (a checkpoint may name one).
    """
    batch: list[checkpoints.Checkpoint] = []

    def compare() -> None:
        stored = dict(AuditEntry.objects.filter(seq__in=[c.seq for c in batch]).values_list("seq", "entry_hash"))
        for checkpoint in batch:
            recorded = stored.get(checkpoint.seq)
            if recorded is None and checkpoint.seq > last_seq:
                end = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
                if checkpoint.seq > end:
                    result.add(f"the chain ends at {end} but a checkpoint of {checkpoint.at} records {checkpoint.seq}")
                    return
            if recorded != checkpoint.entry_hash:
                result.add(f"entry {checkpoint.seq} differs from the checkpoint of {checkpoint.at}")
                return
            result.checkpoints += 1
        batch.clear()

    for item in checkpoints.read():
        if isinstance(item, str):
            result.add(item)
            return
        batch.append(item)
        if len(batch) == CHUNK:
            compare()
            if result.done:
                return
    if batch:
        compare()


def _so_far(progress: Progress, name: str, before: int | None, count: int, total: int | None) -> None:
    """A check's count so far as the progress shows it: with its total over the whole record (`before` None), or
    after the councils already checked (`before` their count), where a council's own total is not the whole one."""
    if before is None:
        progress(count, total, name)
    else:
        progress(before + count, None, name)


def _run_checks(result: Verification, progress: Progress) -> None:
    """The apps' further checks: over the whole record, or council by council for those not already failed."""
    for name, check in CHECKS.items():
        if result.done:
            return
        progress(0, None, name)
        if result.councils is None:
            result.checked[name], problems = check(None, functools.partial(_so_far, progress, name, None))
            for problem in problems:
                result.add(problem)
            continue
        result.checked[name] = 0
        for council in sorted(result.councils - {p.council_id for p in result.found}):
            so_far = functools.partial(_so_far, progress, name, result.checked[name])
            count, problems = check(frozenset({council}), so_far)
            result.checked[name] += count
            if problems:
                result.found.append(Problem(problems[0], problems[0], council))


def _compare_live_rows(result: Verification, progress: Progress) -> None:
    """Each live row must equal its latest history entry, field by field."""
    progress(0, None, LIVE_ROWS)
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
                pk = row[pk_name]
                name = f"{label(live_model)} {pk}"
                entry = latest.get(pk)
                if entry is None:
                    problem = f"{name}: the live row has no history (written behind the application's back)"
                elif entry["history_type"] == "-":
                    problem = f"{name}: the history says it was deleted, but the row is there"
                else:
                    changed = [n for n in tracked if canonical({n: row[n]}) != canonical({n: entry[n]})]
                    problem = (
                        f"{name}: the live row differs from its latest history entry "
                        f"(history {entry['history_id']}) in {', '.join(changed)}"
                        if changed
                        else ""
                    )
                if problem:
                    result.add(problem, row=(live_model, pk))
                    if result.done:
                        return
            progress(result.rows_compared, None, LIVE_ROWS)
