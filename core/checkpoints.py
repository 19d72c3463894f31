"""Checkpoints of the audit chain's head, kept outside the database, so that a rewritten or shortened chain shows.

Someone holding the database can drop the triggers, edit a history row, recompute every following link with the
project's own functions and reset the head; or cut the last entries and reset the head. The chain then holds
together again, and nothing inside the database can tell. So after each transaction that extends the chain commits,
one line naming the head (sequence number, entry hash, time) is appended to `AUDIT_CHECKPOINT_PATH`, authenticated
with HMAC-SHA256 under `AUDIT_SIGNING_KEY`: a key the database never holds, in a file it cannot reach.
`verify_audit` checks the chain against every line.

Written after commit, never before: a checkpoint of a transaction that then rolled back would accuse an honest
chain. Several workers append at once, so lines may come out of sequence order; each is right on its own.
"""

import contextvars
import datetime
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The latest head this thread's (or task's) transaction wrote: the one its commit checkpoints.
_latest: contextvars.ContextVar[object | None] = contextvars.ContextVar("audit_latest_head", default=None)


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    entry_hash: str
    at: str  # ISO 8601, UTC, as signed
    line: int  # its line in the file, from 1


def _mac(seq: int, entry_hash: str, at: str) -> str:
    message = f"{seq}|{entry_hash}|{at}".encode()
    return hmac.new(settings.AUDIT_SIGNING_KEY.encode(), message, hashlib.sha256).hexdigest()


def line_for(*, seq: int, entry_hash: str, at: datetime.datetime) -> str:
    """One checkpoint as the file holds it: a line of JSON."""
    stamp = at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    fields = {"seq": seq, "hash": entry_hash, "at": stamp, "mac": _mac(seq, entry_hash, stamp)}
    return json.dumps(fields, separators=(",", ":")) + "\n"


def write(*, seq: int, entry_hash: str) -> None:
    """Append a checkpoint of the head (seq, entry_hash), timed now."""
    data = line_for(seq=seq, entry_hash=entry_hash, at=timezone.now()).encode()
    path = Path(settings.AUDIT_CHECKPOINT_PATH)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    try:
        fd = os.open(path, flags, 0o640)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o640)
    try:
        # One write of one short line to a file opened for appending: lines of concurrent writers never interleave.
        written = os.write(fd, data)
    finally:
        os.close(fd)
    if written != len(data):
        raise OSError(f"only {written} of {len(data)} bytes of a checkpoint reached {path}")


def after_commit(*, seq: int, entry_hash: str) -> None:
    """Checkpoint this head once the transaction that wrote it commits. Of several heads one transaction writes,
    only the last is checkpointed: it vouches for all before it."""
    token = object()
    _latest.set(token)

    def checkpoint() -> None:
        # A later head of the same transaction, if any, writes instead. Should that later head have been rolled
        # back with a savepoint, this transaction goes without a checkpoint: one missed, never a wrong one.
        if _latest.get() is not token:
            return
        _latest.set(None)
        try:
            write(seq=seq, entry_hash=entry_hash)
        except OSError:
            # The change is committed: failing the request now would tell the person it was not. The chain stays
            # whole; only this anchor is missing, and the operator must hear of it.
            logger.exception("Could not checkpoint entry %s in %s", seq, settings.AUDIT_CHECKPOINT_PATH)

    transaction.on_commit(checkpoint)


def read() -> Iterator[Checkpoint | str]:
    """Each line of the checkpoint file in turn: a Checkpoint whose MAC verifies, or a sentence saying what is wrong
    with the line. Read as a stream, so a file of millions of lines costs no memory."""
    try:
        lines = open(settings.AUDIT_CHECKPOINT_PATH, encoding="utf-8", errors="replace")  # noqa: SIM115
    except FileNotFoundError:
        return
    with lines:
        for number, text in enumerate(lines, start=1):
            try:
                fields = json.loads(text)
                seq, entry_hash, at, mac = int(fields["seq"]), str(fields["hash"]), str(fields["at"]), fields["mac"]
            except (ValueError, KeyError, TypeError):
                yield f"checkpoint line {number} cannot be read: the checkpoint file was altered"
                continue
            if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(seq, entry_hash, at)):
                yield (
                    f"checkpoint line {number} (entry {seq}, {at}) is not authentic: its MAC does not verify "
                    "(forged, or signed with another key)"
                )
                continue
            yield Checkpoint(seq=seq, entry_hash=entry_hash, at=at, line=number)
