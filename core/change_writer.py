"""Writing the change record as changes are made.

Every write to tracked content goes through django-simple-history's record of it (services, the admin, the demo,
imports): that is the one place each change passes, so the change record is written there, in the same
transaction, from what is in memory. The new values are those the history record was just given; the old ones were
kept when the row was loaded (`remember`, at post_init) and are moved on as each record is written, so nothing is read
back. A many-to-many change is worked out from the keys Django names in its m2m_changed signal. The status update
services say so (`save_edit(status_update=...)`): their change to the item is shown by the status update's own
row, written there, and the item's history record adds no row of its own.
"""

from typing import Any

from django.db import models

from . import changes
from .append_only import history_model
from .models import LOADED

BY_STATUS_UPDATE = "_change_by_status_update"
BEFORE = "_change_before"
M2M_NOW = "_change_m2m"
M2M_EVENT = "_change_m2m_event"


def remember(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Keep the values a row was loaded with: the old values of its next change. (Versioned rows, the ones pages
    read in bulk, keep them more cheaply in from_db.)"""
    if instance.pk is not None:
        instance.__dict__[BEFORE] = instance.__dict__.copy()


def _before(instance: models.Model) -> dict[str, Any] | None:
    if BEFORE in instance.__dict__:
        return instance.__dict__[BEFORE]
    loaded = instance.__dict__.get(LOADED)
    return None if loaded is None else dict(zip(*loaded, strict=True))


def m2m_event(sender: Any, instance: models.Model, action: str, pk_set: set | None, reverse: bool, **kwargs) -> None:
    """Note which links a many-to-many change adds or removes, before simple-history records it."""
    if reverse or action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    if action == "pre_clear":
        name = changes.M2M[changes.label(type(instance))]
        instance.__dict__[M2M_EVENT] = ("before", frozenset(getattr(instance, name).values_list("pk", flat=True)))
        return
    instance.__dict__[M2M_EVENT] = (action, frozenset(pk_set or ()))


def m2m_rows(sender: type[models.Model], created_rows: list, history_instance: Any, field: Any, **kwargs) -> None:
    """Keep the links simple-history just recorded with a history entry: the many-to-many field's new value."""
    target = field.related_model
    attname = next(f.attname for f in sender._meta.concrete_fields if f.is_relation and f.related_model is target)
    history_instance.__dict__[M2M_NOW] = frozenset(getattr(row, attname) for row in created_rows)


def _values(history_instance: Any, live_model: type[models.Model]) -> dict[str, Any]:
    fields = history_model(live_model)._meta.concrete_fields
    return {f.attname: getattr(history_instance, f.attname) for f in fields if f.attname not in changes.HISTORY_META}


def _m2m_before(instance: models.Model, after: frozenset[int] | None) -> frozenset[int] | None:
    event = instance.__dict__.pop(M2M_EVENT, None)
    if after is None:
        return None
    if event is not None:
        action, keys = event
        if action == "pre_add":
            return after - keys
        if action == "pre_remove":
            return after | keys
        return keys
    # A record not made by a many-to-many change copies the links as they were: unchanged.
    return instance.__dict__.get(M2M_NOW, after)


def history_recorded(sender: type[models.Model], instance: models.Model, history_instance: Any, **kwargs) -> None:
    """Write the change record of a history entry simple-history has just written."""
    live_model = sender.instance_type
    label = changes.label(live_model)
    if label == "guardian.userobjectpermission":
        _lead_recorded(instance, history_instance)
        return
    if label not in changes.TRACKED:
        return
    new = _values(history_instance, live_model)
    after = history_instance.__dict__.get(M2M_NOW)
    before = _m2m_before(instance, after)
    old = _before(instance)
    by_status_update = instance.__dict__.pop(BY_STATUS_UPDATE, False)
    instance.__dict__[BEFORE] = dict(new)
    if after is not None:
        instance.__dict__[M2M_NOW] = after
    if by_status_update:
        return  # shown by the status update's own row
    rows = changes.record_rows(
        label,
        kind=history_instance.history_type,
        new=new,
        old=old,
        at=history_instance.history_date,
        user_id=history_instance.history_user_id,
        reason=history_instance.history_change_reason,
        names=changes.Names(),
        m2m=None if after is None else (after, before),
    )
    _write(rows)


def _lead_recorded(instance: models.Model, history_instance: Any) -> None:
    """A lead made, or no longer lead, of an action or project (the update_status object permission)."""
    if history_instance.history_type not in {"+", "-"}:
        return
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    item_model = ContentType.objects.get_for_id(history_instance.content_type_id).model_class()
    if item_model is None or changes.label(item_model) not in changes.LEAD_RANK:
        return
    codename = Permission.objects.filter(pk=history_instance.permission_id).values_list("codename", flat=True).first()
    if codename != "update_status":
        return
    names = changes.Names()
    pk = int(history_instance.object_pk)
    item = item_model._default_manager.filter(pk=pk).values().first()
    if item is None:  # deleted since: named as its history last had it
        item = history_model(item_model)._default_manager.filter(id=pk).order_by("-history_date", "-history_id")
        item = item.values().first()
    user_id = history_instance.user_id
    lead = names.username(user_id)
    lead = f"#{user_id}" if lead == changes.SYSTEM else lead
    rows = changes.lead_rows(
        changes.label(item_model),
        item,
        granted=history_instance.history_type == "+",
        lead=lead,
        at=history_instance.history_date,
        user_id=history_instance.history_user_id,
        reason=history_instance.history_change_reason or None,
        names=names,
    )
    _write(rows)


def status_update_recorded(item: models.Model, update: models.Model, *, username: str) -> None:
    """The status update's row (and its evidence's), written by the service that records it; the item's own
    history entry for the same change then adds none."""
    item.__dict__[BY_STATUS_UPDATE] = True
    values = {f.attname: getattr(item, f.attname) for f in type(item)._meta.concrete_fields}
    update_values = {f.attname: getattr(update, f.attname) for f in type(update)._meta.concrete_fields}
    update_values["evidence"] = update.evidence.name if update.evidence else ""
    rows = changes.status_update_rows(changes.label(type(item)), values, update_values, username, changes.Names())
    _write(rows)


def _write(rows: list[changes.Row]) -> None:
    for row in rows:
        row.record().save()  # one at a time: post_save links each into the audit chain
