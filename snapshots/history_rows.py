"""Reading the past: the newest history record of each object as at a moment, and the newest status update of each
item, in written SQL with every value a parameter. What snapshot.py builds the read model from."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection, models

from actions.models import StatusUpdate
from core.append_only import history_model, m2m_history_model
from plans.models import DeliveryPlan
from projects.models import ProjectStatusUpdate


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _newest(model: type[models.Model], source: str, partition: str, order: str, where: list[str], params: list):
    """The newest row (alias `s` in `source`) of each `partition` value among those `where` keeps, as `model`s.

    Written SQL rather than built by the ORM: a past Board dashboard reads a dozen of these (the moment and the
    meeting before), and compiling each window query took longer than the database took to answer it. Names come
    from the models' own metadata; every value is a parameter.
    """
    ranked = (
        f"SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.{partition} ORDER BY {order}) AS newest "  # noqa: S608
        f"FROM {source} WHERE {' AND '.join(where)}"
    )
    return model.objects.raw(f"SELECT * FROM ({ranked}) ranked WHERE ranked.newest = 1", params)  # noqa: S608


def _latest_rows(model: type[models.Model], at: datetime.datetime, **filters: Any) -> list[Any]:
    """The latest history record of each object as at `at`, deletions dropped (ties broken by history id).

    `filters` are equalities, or `column__in` lists, on columns of the history table.
    """
    model = history_model(model)
    where, params = ["s.history_date <= %s"], [at]
    for key, value in filters.items():
        name, _, lookup = key.partition("__")
        column = _q(model._meta.get_field(name).column)
        if lookup == "in":
            values = list(value)
            if not values:
                return []
            where.append(f"s.{column} IN ({', '.join(['%s'] * len(values))})")
            params += values
        else:
            where.append(f"s.{column} = %s")
            params.append(value)
    order = "s.history_date DESC, s.history_id DESC"
    rows = _newest(model, f"{_q(model._meta.db_table)} s", "id", order, where, params)
    return sorted((row for row in rows if row.history_type != "-"), key=lambda row: row.id)


def latest_rows(model: type[models.Model], at: datetime.datetime, **filters: Any) -> list[Any]:
    """The latest history record of each object of `model` as at `at`, for the other readers of the past."""
    return _latest_rows(model, at, **filters)


def _m2m_at(history: type[models.Model], attname: str, history_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each history record, the ids its m2m field held at that record."""
    m2m_model = m2m_history_model(history)
    linked: dict[int, set[int]] = {}
    for history_id, target in m2m_model._default_manager.filter(history_id__in=list(history_ids)).values_list(
        "history_id", attname
    ):
        linked.setdefault(history_id, set()).add(target)
    return linked


def _latest_by(model: type[models.Model], plan: DeliveryPlan, at: datetime.datetime | None = None) -> dict[int, Any]:
    """The newest status update of each action or project of the plan (as at `at`), keyed by the item's id."""
    item = (StatusUpdate.action if model is StatusUpdate else ProjectStatusUpdate.project).field
    key = _q(item.column)  # action_id or project_id
    source = f"{_q(model._meta.db_table)} s JOIN {_q(item.related_model._meta.db_table)} i ON i.id = s.{key}"
    where, params = ["i.plan_id = %s"], [plan.pk]
    if at is not None:
        where.append("s.created_at <= %s")
        params.append(at)
    updates = _newest(model, source, key, "s.created_at DESC, s.id DESC", where, params)
    return {getattr(update, item.attname): update for update in updates}
