"""Database triggers that make the record append-only: UPDATE and DELETE are refused by the database itself.

Installed after every `migrate` (post_migrate), on SQLite and PostgreSQL alike, on every history table, the
status update tables and the audit ledger. Nothing in the application updates or deletes those rows; a person
with raw database access is stopped by the trigger, and `verify_audit` shows it if they drop the trigger first.
"""

import functools

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION prevent_tracker_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""

# The append-only tables besides the history tables simple-history creates.
APPEND_ONLY_MODELS = [
    "actions.StatusUpdate",
    "projects.ProjectStatusUpdate",
    "projects.OutputDelivery",
    "core.AuditEntry",
    "core.AuditEvent",
    "core.ChangeRecord",
    "plans.SealedDashboard",
]


def is_history_model(model: type[models.Model]) -> bool:
    """A model simple-history generated to hold another model's history (not the rows of its m2m fields)."""
    return (
        getattr(model, "instance_type", None) is not None
        and model.__name__.startswith("Historical")
        and not any(field.name == "history" and field.is_relation for field in model._meta.fields)
    )


def is_m2m_history_model(model: type[models.Model]) -> bool:
    """A table simple-history fills with a many-to-many field's rows at each history entry."""
    return any(
        field.name == "history" and field.is_relation and is_history_model(field.related_model)
        for field in model._meta.fields
    )


@functools.cache
def history_model(model: type[models.Model]) -> type[models.Model]:
    """The model simple-history keeps `model`'s history in. Asking `model.history` instead builds a new manager
    class on every access, which a page reading several histories would pay many times over."""
    return model.history.model


@functools.cache
def m2m_history_models(history: type[models.Model]) -> tuple[type[models.Model], ...]:
    """The tables holding the many-to-many rows of a history model's entries."""
    return tuple(
        model
        for model in apps.get_models()
        if is_m2m_history_model(model) and model._meta.get_field("history").related_model is history
    )


def m2m_history_model(history: type[models.Model]) -> type[models.Model]:
    """The one table holding the many-to-many rows of a history model's entries (actions and projects have one)."""
    (m2m_model,) = m2m_history_models(history)
    return m2m_model


def append_only_models() -> list[type[models.Model]]:
    found = [m for m in apps.get_models() if is_history_model(m) or is_m2m_history_model(m)]
    found += [apps.get_model(label) for label in APPEND_ONLY_MODELS]
    return found


def _trigger_names(table: str) -> tuple[str, str]:
    return f"append_only_{table}_update", f"append_only_{table}_delete"


def install(connection: BaseDatabaseWrapper) -> list[str]:
    """Create the triggers that are missing; returns the tables covered."""
    tables = sorted({model._meta.db_table for model in append_only_models()})
    existing = set(connection.introspection.table_names())
    tables = [table for table in tables if table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in tables:
                name = f"append_only_{table}"
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
                cursor.execute(
                    f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" '
                    "FOR EACH ROW EXECUTE FUNCTION prevent_tracker_append_only()"
                )
        elif connection.vendor == "sqlite":
            for table in tables:
                update, delete = _trigger_names(table)
                for name, operation in ((update, "UPDATE"), (delete, "DELETE")):
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS "{name}" BEFORE {operation} ON "{table}" '
                        f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: {operation} refused'); END"
                    )
        else:
            raise NotImplementedError(f"No append-only triggers for {connection.vendor}")
    return tables


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers. Only tests call this: to empty the database between tests, and to prove tampering shows."""
    existing = set(connection.introspection.table_names())
    tables = sorted({model._meta.db_table for model in append_only_models()} & existing)
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS "append_only_{table}" ON "{table}"')
            else:
                for name in _trigger_names(table):
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
