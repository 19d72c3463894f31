"""The change record of history written without it: before the table existed (the migration that backfills it), or
in bulk by the data generator. Kept for those two; the application writes its rows as it changes things.

Each object's history records are compared in time order, each with the one before it, and worded as
core.changes words them. A status update's record of its item only repeats the RAG its own row shows: before the
services said so, the reason they wrote ("Status update: ...") was the only mark of one, so it is read here and
nowhere else.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

from . import audit, changes
from .append_only import history_model, m2m_history_model

STATUS_UPDATE_REASON = "Status update"
SortKey = tuple[datetime.datetime, int, int, int]


@dataclass(frozen=True)
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


def latest_of(records: Iterable[Record]) -> dict[tuple[str, int], dict[str, Any]]:
    latest: dict[tuple[str, int], tuple[tuple, dict[str, Any]]] = {}
    for record in records:
        key, order = (record.label, record.values["id"]), (record.at, record.seq)
        if key not in latest or latest[key][0] <= order:
            latest[key] = (order, record.values)
    return {key: values for key, (_, values) in latest.items()}


def history_rows(records: Iterable[Record], names: changes.Names) -> Iterator[tuple[SortKey, changes.Row]]:
    """Each record compared with the one before it of the same object."""
    ordered = sorted(records, key=lambda r: (r.label, r.values["id"], r.at, r.seq))
    previous: Record | None = None
    for record in ordered:
        before = previous if previous is not None and previous.label == record.label else None
        if before is not None and before.values["id"] != record.values["id"]:
            before = None
        previous = record
        if (record.reason or "").startswith(STATUS_UPDATE_REASON):
            continue
        fresh = before is None or before.kind == "-"
        kind = record.kind if record.kind == "-" or not fresh else "+"
        rows = changes.record_rows(
            record.label,
            kind=kind,
            new=record.values,
            old=None if fresh else before.values,
            at=record.at,
            user_id=record.user_id,
            reason=record.reason,
            names=names,
            m2m=None if record.m2m is None else (record.m2m, None if fresh else before.m2m),
        )
        rank = changes.TRACKED.index(record.label)
        for n, row in enumerate(rows):
            yield (record.at, rank, record.seq, n), row


def status_update_rows(
    item_label: str, updates: Iterable[dict[str, Any]], items: dict[int, dict[str, Any]], names: changes.Names
) -> Iterator[tuple[SortKey, changes.Row]]:
    """The status updates of live actions or projects (`items` by key), as the history shows them."""
    rank = changes.STATUS_UPDATE_RANK[item_label]
    parent = "action_id" if item_label == "actions.action" else "project_id"
    for update in updates:
        item = items.get(update[parent])
        if item is None:
            continue
        rows = changes.status_update_rows(item_label, item, update, names.username(update["created_by_id"]), names)
        for n, row in enumerate(rows):
            yield (update["created_at"], rank, update["id"], n), row


def lead_rows(
    grants: Iterable[dict[str, Any]], items: dict[tuple[str, int], dict[str, Any]], names: changes.Names
) -> Iterator[tuple[SortKey, changes.Row]]:
    """Grants and revocations of the lead's permission; `grants` carry `item_label` and are update_status ones."""
    for grant in grants:
        if grant["history_type"] not in {"+", "-"}:
            continue
        label, pk = grant["item_label"], int(grant["object_pk"])
        item = items.get((label, pk))
        if item is None:
            continue
        lead = names.username(grant["user_id"])
        lead = f"#{grant['user_id']}" if lead == changes.SYSTEM else lead
        (row,) = changes.lead_rows(
            label,
            item,
            granted=grant["history_type"] == "+",
            lead=lead,
            at=grant["history_date"],
            user_id=grant["history_user_id"],
            reason=grant["history_change_reason"] or None,
            names=names,
        )
        yield (grant["history_date"], changes.LEAD_RANK[label], grant["history_id"], 0), row


def in_order(*parts: Iterable[tuple[SortKey, changes.Row]]) -> list[changes.Row]:
    """The rows in the history's order: the order they are to be written in, which their keys then follow."""
    found = [item for part in parts for item in part]
    found.sort(key=lambda item: item[0])
    return [row for _, row in found]


def _target_column(through: type[models.Model], target: type[models.Model]) -> str:
    return next(f.attname for f in through._meta.concrete_fields if f.is_relation and f.related_model is target)


# Reading what is in the database: the migration's backfill.


def _records(label: str) -> list[Record]:
    live_model = changes.model(label)
    history = history_model(live_model)
    m2m: dict[int, set[int]] = {}
    if label in changes.M2M:
        through = m2m_history_model(history)
        target = changes.model(changes.m2m_field(label)[2])
        column = _target_column(through, target)
        for history_id, key in through._default_manager.values_list("history_id", column).iterator():
            m2m.setdefault(history_id, set()).add(key)
    meta = changes.HISTORY_META
    found = []
    for row in history._default_manager.values().iterator(chunk_size=2000):
        values = {name: value for name, value in row.items() if name not in meta}
        keys = frozenset(m2m.get(row["history_id"], ())) if label in changes.M2M else None
        found.append(
            Record(label, row["history_type"], values, row["history_date"], row["history_user_id"],
                   row["history_change_reason"], row["history_id"], keys)
        )  # fmt: skip
    return found


def _grants() -> list[dict[str, Any]]:
    from .models import HistoricalUserObjectPermission

    labels, permissions = lead_permissions()
    found = []
    for grant in HistoricalUserObjectPermission.objects.filter(content_type_id__in=labels).values().iterator():
        if grant["permission_id"] in permissions:
            found.append({**grant, "item_label": labels[grant["content_type_id"]]})
    return found


def _live(label: str) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in changes.model(label)._default_manager.values().iterator()}


def backfill() -> int:
    """Write the change record of every history record there is (once: the table must be empty). Returns the count."""
    record_model = changes.model("core.changerecord")
    if record_model._default_manager.exists():
        raise RuntimeError("The change record is not empty: it has been written already")
    records = [record for label in changes.TRACKED for record in _records(label)]
    latest = latest_of(records)
    from django.contrib.auth import get_user_model

    usernames = dict(get_user_model()._default_manager.values_list("pk", "username"))
    names = KnownNames(latest, usernames)
    actions, projects = _live("actions.action"), _live("projects.commissionedproject")
    items = {("actions.action", pk): row for pk, row in actions.items()}
    items.update({("projects.commissionedproject", pk): row for pk, row in projects.items()})
    for (label, pk), values in latest.items():  # a deleted item keeps the name its history last gave it
        if label in changes.LEAD_RANK:
            items.setdefault((label, pk), values)
    rows = in_order(
        history_rows(records, names),
        status_update_rows("actions.action", changes.model("actions.statusupdate")._default_manager.values(),
                           actions, names),
        status_update_rows("projects.commissionedproject",
                           changes.model("projects.projectstatusupdate")._default_manager.values(), projects, names),
        lead_rows(_grants(), items, names),
    )  # fmt: skip
    write(rows)
    return len(rows)


def write(rows: list[changes.Row], batch: int = 2000) -> None:
    """Write rows in the order given, each linked into the audit chain."""
    record_model = changes.model("core.changerecord")
    with audit.chained():
        for start in range(0, len(rows), batch):
            written = record_model._default_manager.bulk_create([row.record() for row in rows[start : start + batch]])
            for record in written:
                audit.written(record_model, record.pk)


def lead_permissions() -> tuple[dict[int, str], set[int]]:
    """The content types of the items that have leads (by key, their labels), and the keys of the lead's permission."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    labels = {ContentType.objects.get_for_model(changes.model(label)).pk: label for label in changes.LEAD_RANK}
    return labels, set(Permission.objects.filter(codename="update_status").values_list("pk", flat=True))


def batch_rows(
    tables: dict[type[models.Model], list[dict[str, Any]]], leads: tuple[dict[int, str], set[int]]
) -> list[changes.Row]:
    """The change record of rows about to be written in bulk (the data generator's), table by table, in order.
    Reads nothing from the database (another thread may be writing to it): `leads` is `lead_permissions()`."""
    from django.contrib.auth import get_user_model

    from .models import HistoricalUserObjectPermission

    records = []
    for label in changes.TRACKED:
        history = history_model(changes.model(label))
        m2m: dict[int, set[int]] | None = None
        if label in changes.M2M:
            through = m2m_history_model(history)
            target = changes.model(changes.m2m_field(label)[2])
            column = next(
                f.attname for f in through._meta.concrete_fields if f.is_relation and f.related_model is target
            )
            m2m = {}
            for row in tables.get(through, []):
                m2m.setdefault(row["history_id"], set()).add(row[column])
        for row in tables.get(history, []):
            values = {name: value for name, value in row.items() if name not in changes.HISTORY_META}
            keys = None if m2m is None else frozenset(m2m.get(row["history_id"], ()))
            records.append(
                Record(label, row["history_type"], values, row["history_date"], row.get("history_user_id"),
                       row.get("history_change_reason"), row["history_id"], keys)
            )  # fmt: skip
    latest = latest_of(records)
    usernames = {row["id"]: row["username"] for row in tables.get(get_user_model(), [])}
    names = KnownNames(latest, usernames)
    actions = {row["id"]: row for row in tables.get(changes.model("actions.action"), [])}
    projects = {row["id"]: row for row in tables.get(changes.model("projects.commissionedproject"), [])}
    items = {("actions.action", pk): row for pk, row in actions.items()}
    items.update({("projects.commissionedproject", pk): row for pk, row in projects.items()})
    labels, permissions = leads
    grants = [
        {**grant, "item_label": labels[grant["content_type_id"]]}
        for grant in tables.get(HistoricalUserObjectPermission, [])
        if grant["content_type_id"] in labels and grant["permission_id"] in permissions
    ]
    return in_order(
        history_rows(records, names),
        status_update_rows("actions.action", tables.get(changes.model("actions.statusupdate"), []), actions, names),
        status_update_rows("projects.commissionedproject",
                           tables.get(changes.model("projects.projectstatusupdate"), []), projects, names),
        lead_rows(grants, items, names),
    )  # fmt: skip
