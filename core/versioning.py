"""Optimistic concurrency for edit forms: a form opened before someone else saved never overwrites their change."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from .change_writer import status_update_recorded
from .limits import check_limits
from .models import Versioned


class StaleEdit(Exception):
    """Raised when the row changed after the form was opened; `current` is the newer version."""

    def __init__(self, current: Versioned) -> None:
        super().__init__(f"{current._meta.verbose_name} {current.pk} is now at version {current.version}")
        self.current = current


def lock_for_edit[V: Versioned](instance: V, expected_version: int) -> V:
    """Re-read and lock the row (call inside a transaction); raise StaleEdit if it moved on since the form opened.

    On PostgreSQL the row lock makes a concurrent save wait; on SQLite the IMMEDIATE transactions of the settings
    take the database write lock at BEGIN, which serialises writers the same way.
    """
    current = type(instance).objects.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        raise StaleEdit(current)
    return current


def save_edit(
    instance: Versioned,
    *,
    by: AbstractBaseUser,
    fields: list[str],
    reason: str = "",
    status_update: models.Model | None = None,
) -> None:
    """Save the named fields, bump the version and attribute the history entry to `by`. Text over its limit or a
    date outside the years raises ValidationError and saves nothing.

    The change record gets a row per changed field, old to new (the old values are those the row was loaded or
    locked with). With `status_update`, the status update just saved is what the record shows instead: one row
    carrying its commentary."""
    check_limits(instance, fields)
    if status_update is not None:
        status_update_recorded(instance, status_update, username=by.get_username())
    instance.version += 1
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.save(update_fields=[*fields, "version"])


def save_values(instance: Versioned, values: dict[str, object], *, by: AbstractBaseUser) -> None:
    """Set each of `values` on the row (a locked one) and save them as one edit, as save_edit does."""
    for name, value in values.items():
        setattr(instance, name, value)
    save_edit(instance, by=by, fields=list(values))


def create_recorded[V: Versioned](model: type[V], *, by: AbstractBaseUser, **fields: object) -> V:
    instance = model(**fields)
    check_limits(instance)
    instance._history_user = by
    instance.save()
    return instance


def delete_recorded(instance: models.Model, *, by: AbstractBaseUser) -> None:
    instance._history_user = by
    instance.delete()
