"""Every recorded change to a plan or a whole council, one row per changed field: read from the change record.

The rows were written when each change was made (core.change_writer), already worded; reading them is one query
over core.ChangeRecord in its recorded order (recorded_at, then the kind of record, then the order written), which
its indexes give without a sort. A scope is one plan, with what belongs to its council (reviews, the Programme
Board), or every plan the council has had (an auditor's export of the council's whole record).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from core.cells import FORMULA_START, neutralise
from core.changes import SYSTEM
from core.models import ChangeRecord
from plans.models import Council, DeliveryPlan

CHUNK = 2000
Item = models.Model | tuple[type[models.Model], int]


class ChangeRow(NamedTuple):
    recorded_at: datetime.datetime  # UTC
    user: str
    council: str
    plan: str
    object_type: str
    object_ref: str
    field: str
    old_value: str
    new_value: str
    comment: str


COLUMNS = list(ChangeRow._fields)  # the export's columns, as DESIGN.md names them
# The columns a person can write (or name), made inert in a CSV; object types, field names and years are the
# application's own words.
WRITTEN = {"user", "council", "object_ref", "old_value", "new_value", "comment"}


@dataclass(frozen=True)
class Scope:
    """The plans whose history is read: one plan (with its council's reviews and Board), or the whole council."""

    council: Council
    plan: DeliveryPlan | None = None

    @classmethod
    def of_plan(cls, plan: DeliveryPlan) -> "Scope":
        return cls(plan.council, plan)

    @classmethod
    def of_council(cls, council: Council) -> "Scope":
        return cls(council)


def item_key(item: Item) -> str:
    model, pk = item if isinstance(item, tuple) else (type(item), item.pk)
    return f"{model._meta.label_lower}:{pk}"


def _username(user: AbstractBaseUser | str | None) -> str | None:
    return user if isinstance(user, str) or user is None else user.get_username()


def records(
    scope: Scope,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    user: AbstractBaseUser | str | None = None,
    item: Item | None = None,
) -> QuerySet[ChangeRecord]:
    """The scope's change records, narrowed by the filters, in no order yet."""
    if scope.plan is not None:
        found = ChangeRecord.objects.filter(
            Q(plan_id=scope.plan.pk) | Q(plan_id__isnull=True, council_id=scope.council.pk)
        )
    else:
        found = ChangeRecord.objects.filter(council_id=scope.council.pk)
    if item is not None:
        found = found.filter(item=item_key(item))
    if since is not None:
        found = found.filter(recorded_at__gte=since)
    if until is not None:
        found = found.filter(recorded_at__lte=until)
    username = _username(user)
    if username is not None:
        found = found.filter(username=username)
    return found


ORDER = ("recorded_at", "rank", "id")
NEWEST_FIRST = tuple(f"-{name}" for name in ORDER)
VALUES = ("recorded_at", "username", "plan", "object_type", "object_ref", "field", "old_value", "new_value", "comment")


def _row(scope: Scope, values: tuple) -> ChangeRow:
    at, username, plan, *rest = values
    year = scope.plan.year if scope.plan is not None else plan
    return ChangeRow(at.astimezone(datetime.UTC), username, scope.council.name, year, *rest)


def changes(scope: Scope, **filters: Any) -> Iterator[ChangeRow]:
    """Every change in the scope, oldest first. Filters as for `plan_changes`."""
    found = records(scope, **filters).order_by(*ORDER).values_list(*VALUES)
    for values in found.iterator(chunk_size=CHUNK):
        yield _row(scope, values)


def newest_page(scope: Scope, number: int, per_page: int, **filters: Any) -> tuple[list[ChangeRow], int, int]:
    """One page of changes, newest first, read by the database as that page only; with the count and the page
    number (past the end: the last page)."""
    found = records(scope, **filters)
    total = found.count()
    pages = max(1, -(-total // per_page))
    number = min(max(number, 1), pages)
    start = (number - 1) * per_page
    page = found.order_by(*NEWEST_FIRST).values_list(*VALUES)[start : start + per_page]
    return [_row(scope, values) for values in page], total, number


def plan_changes(
    plan: DeliveryPlan,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    user: AbstractBaseUser | str | None = None,
    item: Item | None = None,
) -> Iterator[ChangeRow]:
    """Every change to the plan's content, one row per changed field, in the order it was recorded (UTC).

    `since` and `until` bound the time recorded (inclusive); `user` keeps the changes of one person (a user or a
    username; "system" for changes made outside a signed-in session); `item` keeps those of one object (an
    instance, or a (model, pk) pair for one that has since been deleted): an action or project brings its status
    updates, leads and, for a project, its output targets.
    """
    return changes(Scope.of_plan(plan), since=since, until=until, user=user, item=item)


def council_changes(council: Council, *, until: datetime.datetime | None = None) -> Iterator[ChangeRow]:
    """Every change to every plan the council has had, and to its reviews, in the order it was recorded (UTC)."""
    return changes(Scope.of_council(council), until=until)


def plan_change_people(plan: DeliveryPlan) -> list[str]:
    """Everyone who changed the plan ("system" for changes made outside a signed-in session), in one query."""
    found = set(records(Scope.of_plan(plan)).order_by().values_list("username", flat=True).distinct())
    return sorted(found, key=lambda name: (name == SYSTEM, name.lower()))


def export_rows(scope: Scope, *, inert: bool = True, **filters: Any) -> Iterator[tuple[str, ...]]:
    """The changes as the exports give them: text only, times in ISO 8601 UTC, formula-like cells made inert (unless
    `inert` is false: the XLSX makes them string cells instead). On PostgreSQL the database makes the text (the
    statement `export_copy_sql` copies), read through a server-side cursor; Python only passes each row on."""
    if connection.vendor == "postgresql":
        yield from _export_query(scope, inert=inert, copy=False, **filters).iterator(chunk_size=CHUNK)
        return
    council = neutralise(scope.council.name) if inert else scope.council.name
    for row in changes(scope, **filters):
        cells = row._replace(council=council)
        if inert:
            cells = cells._replace(**{name: neutralise(getattr(row, name)) for name in WRITTEN - {"council"}})
        yield (row.recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ"), *cells[1:])


def export_copy_sql(scope: Scope, **filters: Any) -> tuple[str, list[Any]]:
    """The statement of `export_rows` for PostgreSQL's `COPY (...) TO STDOUT WITH (FORMAT csv)`."""
    return _export_query(scope, inert=True, copy=True, **filters).query.sql_with_params()


def _export_query(scope: Scope, *, inert: bool, copy: bool, **filters: Any) -> QuerySet:
    """The export's rows as text made by PostgreSQL, in the history's order. For COPY, which writes an empty string
    as "" and only NULL as nothing at all, empty cells are NULL."""
    quote = connection.ops.quote_name
    starts = ", ".join(str(ord(c)) for c in FORMULA_START)

    def cell(column: str, written: bool = False) -> str:
        if written and inert:
            column = f"CASE WHEN ascii({column}) IN ({starts}) THEN '''' || {column} ELSE {column} END"
        return f"NULLIF({column}, '')" if copy else column

    plan = "%s" if scope.plan is not None else quote("plan")
    columns = [
        "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        cell("username", written=True),
        cell("CAST(%s AS text)"),
        cell(plan),
        cell("object_type"),
        cell("object_ref", written=True),
        cell(quote("field")),
        *(cell(name, written=True) for name in ("old_value", "new_value", "comment")),
    ]
    council = neutralise(scope.council.name) if inert else scope.council.name
    values: list[Any] = [(), (), (council,), (scope.plan.year,) if scope.plan else ()]
    values += [()] * (len(columns) - len(values))
    # The application's own SQL; the only values (the council's name, the year) go as parameters.
    cells = {
        f"cell{n}": RawSQL(column, params)  # noqa: S611
        for n, (column, params) in enumerate(zip(columns, values, strict=True))
    }
    return records(scope, **filters).annotate(**cells).order_by(*ORDER).values_list(*cells)
