"""The change record of history written without it: before the table existed (the migration that backfills it), or
in bulk by the data generator. Kept for those two; the application writes its rows as it changes things.

Each object's history records are compared in time order, each with the one before it, and worded as
core.changes words them. A status update's record of its item only repeats the RAG its own row shows: before the
services said so, the reason they wrote ("Status update: ...") was the only mark of one, so it is read here and
nowhere else.

History arrives record by record (`Gathering`), and only what a row will need waits for the end: the record before
each object's latest, to compare the next one with, and the rows to come, keyed by when they happened. The words
wait too: a row names the objects it refers to as their latest record names them, which only the end knows.
"""

import datetime
import functools
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import audit, changes
from .append_only import history_model, m2m_history_model
from .models import HistoricalUserObjectPermission

STATUS_UPDATE_REASON = "Status update"
# When, the kind of record (changes.TRACKED, then status updates and leads), its key: no two sources share one.
SortKey = tuple[datetime.datetime, int, int]
Waiting = tuple[SortKey, tuple]


@dataclass(frozen=True, slots=True)
class Record:
    """One history record of a tracked model, with its many-to-many keys where the model has some."""

    label: str
    kind: str
    values: dict[str, Any]
    at: datetime.datetime
    user_id: int | None
    reason: str | None
    seq: int
    m2m: frozenset[int] | None = None


class KnownNames(changes.Names):
    """Names from rows already in hand (the latest record of each object, the people), the database otherwise."""

    def __init__(self, latest: dict[tuple[str, int], dict[str, Any]], usernames: dict[int, str]) -> None:
        super().__init__()
        self.known = latest
        self.usernames = usernames

    def latest(self, label: str, pk: int | None, column: str) -> Any:
        if pk is not None and (label, pk) in self.known:
            return self.known[(label, pk)].get(column)
        return super().latest(label, pk, column)

    def carried(self, pk: int | None) -> str | None:
        action = self.known.get(("actions.action", pk)) if pk is not None else None
        if action is None:
            return super().carried(pk)
        return f"{action['reference']} ({self.plan(action['plan_id'])[1]})"

    def username(self, pk: int | None) -> str:
        if pk is not None and pk in self.usernames:
            return self.usernames[pk]
        return super().username(pk)


class Pending(Protocol):
    """Where rows to come wait for the end: any order in, in the order of their keys out."""

    def add(self, item: Waiting) -> None: ...

    def in_order(self) -> Iterator[Waiting]: ...


class InMemory:
    """Pending rows held in a list: enough for the migration, which holds the history's records anyway."""

    def __init__(self) -> None:
        self._items: list[Waiting] = []

    def add(self, item: Waiting) -> None:
        self._items.append(item)

    def in_order(self) -> Iterator[Waiting]:
        self._items.sort(key=lambda item: item[0])
        return iter(self._items)


@functools.cache
def _target_column(label: str) -> str:
    """The column of a tracked model's many-to-many history that holds the linked row's key."""
    through = m2m_history_model(history_model(changes.model(label)))
    target = changes.model(changes.m2m_field(label)[2])
    return next(f.attname for f in through._meta.concrete_fields if f.is_relation and f.related_model is target)


def m2m_keys(label: str, throughs: Iterable[dict[str, Any]]) -> frozenset[int] | None:
    """The linked rows' keys of a history record, from its many-to-many history rows (None: the model has none)."""
    if label not in changes.M2M:
        return None
    column = _target_column(label)
    return frozenset(through[column] for through in throughs)


class Gathering:
    """The change record of a stretch of history (a database's, a generated council's), as its rows arrive.

    Every history record of an object must come after the ones before it in time; the other rows in any order.
    `pending` holds the rows to come (a generated council spills them to disk); `leads` is `lead_permissions()`.
    """

    def __init__(self, leads: tuple[dict[int, str], set[int]], pending: Pending | None = None) -> None:
        self.labels, self.permissions = leads
        self.pending = pending if pending is not None else InMemory()
        self.previous: dict[tuple[str, int], Record] = {}
        self.usernames: dict[int, str] = {}
        self.items: dict[tuple[str, int], dict[str, Any]] = {}
        self._ranks = {label: rank for rank, label in enumerate(changes.TRACKED)}
        self._handlers = {
            changes.label(get_user_model()): self._user,
            changes.label(HistoricalUserObjectPermission): self._grant,
            "actions.statusupdate": functools.partial(self._status_update, "actions.action", "action_id"),
            "projects.projectstatusupdate": functools.partial(
                self._status_update, "projects.commissionedproject", "project_id"
            ),
            **{label: functools.partial(self._item, label) for label in changes.LEAD_RANK},
        }

    def history(self, label: str, row: dict[str, Any], m2m: frozenset[int] | None = None) -> None:
        """A history record (`row` as its table holds it), and its linked rows' keys; untracked models have none."""
        if label not in self._ranks:
            return
        values = {name: value for name, value in row.items() if name not in changes.HISTORY_META}
        record = Record(label, row["history_type"], values, row["history_date"], row.get("history_user_id"),
                        row.get("history_change_reason"), row["history_id"], m2m)  # fmt: skip
        key = (label, values["id"])
        before = self.previous.get(key)
        if before is not None and (record.at, record.seq) < (before.at, before.seq):
            raise ValueError(f"The history of {label} {values['id']} came out of time order")
        self.previous[key] = record
        if (record.reason or "").startswith(STATUS_UPDATE_REASON):
            return
        fresh = before is None or before.kind == "-"
        kind = record.kind if record.kind == "-" or not fresh else "+"
        old, m2m_before = (None, None) if fresh else (before.values, before.m2m)
        shown = (label, kind, values, old, record.user_id, record.reason, m2m, m2m_before)
        self.pending.add(((record.at, self._ranks[label], record.seq), ("history", shown)))

    def row(self, label: str, row: dict[str, Any]) -> None:
        """A row of another table the record reads: a person, a live action or project, a status update, a grant
        (a history row of django-guardian's object permissions). Rows of other tables are not its business."""
        handler = self._handlers.get(label)
        if handler is not None:
            handler(row)

    def _user(self, row: dict[str, Any]) -> None:
        self.usernames[row["id"]] = row["username"]

    def _item(self, label: str, row: dict[str, Any]) -> None:
        key = (label, row["id"])
        latest = self.previous.get(key)
        # Where the live row agrees with its latest history record, the record names it as well (a row is named
        # from fields its history holds), so a large council's items are held once rather than twice.
        self.items[key] = latest.values if latest is not None and latest.values.items() <= row.items() else row

    def _status_update(self, item_label: str, parent: str, update: dict[str, Any]) -> None:
        rank = changes.STATUS_UPDATE_RANK[item_label]
        self.pending.add(((update["created_at"], rank, update["id"]), ("status", (item_label, parent, update))))

    def _grant(self, grant: dict[str, Any]) -> None:
        label = self.labels.get(grant["content_type_id"])
        if label is None or grant["permission_id"] not in self.permissions or grant["history_type"] not in {"+", "-"}:
            return
        key = (grant["history_date"], changes.LEAD_RANK[label], grant["history_id"])
        self.pending.add((key, ("lead", (label, grant))))

    def rows(self) -> Iterator[changes.Row]:
        """The change record, in the history's order: the order it is to be written in, which its keys then follow."""
        latest = {key: record.values for key, record in self.previous.items()}
        names = KnownNames(latest, self.usernames)
        for (at, _, _), (what, shown) in self.pending.in_order():
            if what == "history":
                yield from self._history_rows(at, shown, names)
            elif what == "status":
                item_label, parent, update = shown
                item = self.items.get((item_label, update[parent]))
                if item is not None:  # a deleted item's status updates went with it
                    username = names.username(update["created_by_id"])
                    yield from changes.status_update_rows(item_label, item, update, username, names)
            else:
                yield from self._lead_rows(*shown, latest, names)

    @staticmethod
    def _history_rows(at: datetime.datetime, shown: tuple, names: changes.Names) -> list[changes.Row]:
        label, kind, new, old, user_id, reason, m2m, m2m_before = shown
        return changes.record_rows(label, kind=kind, new=new, old=old, at=at, user_id=user_id, reason=reason,
                                   names=names, m2m=None if m2m is None else (m2m, m2m_before))  # fmt: skip

    def _lead_rows(
        self, label: str, grant: dict[str, Any], latest: dict[tuple[str, int], dict[str, Any]], names: changes.Names
    ) -> list[changes.Row]:
        key = (label, int(grant["object_pk"]))
        item = self.items.get(key, latest.get(key))  # a deleted item keeps the name its history last gave it
        if item is None:
            return []
        lead = names.username(grant["user_id"])
        lead = f"#{grant['user_id']}" if lead == changes.SYSTEM else lead
        return changes.lead_rows(label, item, granted=grant["history_type"] == "+", lead=lead,
                                 at=grant["history_date"], user_id=grant["history_user_id"],
                                 reason=grant["history_change_reason"] or None, names=names)  # fmt: skip


# Reading what is in the database: the migration's backfill.


def _history(gathering: Gathering, label: str) -> None:
    history = history_model(changes.model(label))
    m2m: dict[int, set[int]] = {}
    if label in changes.M2M:
        through = m2m_history_model(history)
        for history_id, key in through._default_manager.values_list("history_id", _target_column(label)).iterator():
            m2m.setdefault(history_id, set()).add(key)
    # Each object's records in time order, as the gathering takes them.
    for row in history._default_manager.order_by("id", "history_date", "history_id").values().iterator(chunk_size=2000):
        keys = frozenset(m2m.get(row["history_id"], ())) if label in changes.M2M else None
        gathering.history(label, row, keys)


def backfill() -> int:
    """Write the change record of every history record there is (once: the table must be empty). Returns the count."""
    record_model = changes.model("core.changerecord")
    if record_model._default_manager.exists():
        raise RuntimeError("The change record is not empty: it has been written already")
    gathering = Gathering(lead_permissions())
    for label in changes.TRACKED:
        _history(gathering, label)
    sources: list[type[models.Model]] = [
        get_user_model(), HistoricalUserObjectPermission, changes.model("actions.statusupdate"),
        changes.model("projects.projectstatusupdate"), *(changes.model(label) for label in changes.LEAD_RANK),
    ]  # fmt: skip
    for source in sources:
        for row in source._default_manager.values().iterator(chunk_size=2000):
            gathering.row(changes.label(source), row)
    return write(gathering.rows())


def write(rows: Iterable[changes.Row], batch: int = 2000) -> int:
    """Write rows in the order given, each linked into the audit chain. Returns the count."""
    record_model = changes.model("core.changerecord")
    count = 0
    with audit.chained():
        for part in itertools.batched(rows, batch):
            written = record_model._default_manager.bulk_create([row.record() for row in part])
            for record in written:
                audit.written(record_model, record.pk)
            count += len(written)
    return count


def lead_permissions() -> tuple[dict[int, str], set[int]]:
    """The content types of the items that have leads (by key, their labels), and the keys of the lead's permission."""
    labels = {ContentType.objects.get_for_model(changes.model(label)).pk: label for label in changes.LEAD_RANK}
    return labels, set(Permission.objects.filter(codename="update_status").values_list("pk", flat=True))
