"""The history of changes, read from the change record (plans.changes); the names other modules import from here."""

from .changes import (
    COLUMNS,
    FORMULA_START,
    ChangeRow,
    Item,
    Scope,
    changes,
    council_changes,
    export_copy_sql,
    export_rows,
    neutralise,
    plan_change_people,
    plan_changes,
)

__all__ = [
    "COLUMNS",
    "FORMULA_START",
    "ChangeRow",
    "Item",
    "Scope",
    "changes",
    "council_changes",
    "export_copy_sql",
    "export_rows",
    "neutralise",
    "plan_change_people",
    "plan_changes",
]
