"""Where the generator puts every row it makes, and the one place that makes history rows and audit links.

Rows leave in chunks for the writing thread as they are made, so memory holds a chunk or two whatever the size of a
council. A row handed over may be written at any moment after, so a live row is handed over once it is final: an
item that status updates will change is added when its last update is made, its history entries as they happen.
"""

import datetime
import functools
import itertools
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model
from django.db import models
from guardian.models import UserObjectPermission

from actions.models import Action, StatusUpdate
from core import audit, change_backfill
from core.append_only import history_model, m2m_history_model
from core.models import ChangeRecord, HistoricalUserObjectPermission
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import BoardMeeting, Council, DeliveryPlan, Membership
from projects.models import CommissionedProject, OutputDelivery, OutputTarget, ProjectStatusUpdate

from .chain import PendingLinks, pending_changes
from .writer import Rows

CHUNK = 10_000  # rows handed to the writing thread at a time


def written_models() -> list[type[models.Model]]:
    """Every table the generator writes to (its keys are allocated here, not by the database)."""
    history = [history_model(model) for model in (Council, Membership, DeliveryPlan, BoardMeeting, Objective, Action,
                                             CommissionedProject, OutputTarget, Review, Recommendation)]  # fmt: skip
    live = [Council, Membership, DeliveryPlan, BoardMeeting, Objective, Action, CommissionedProject, OutputTarget,
            Review, Recommendation, StatusUpdate, ProjectStatusUpdate, OutputDelivery, UserObjectPermission,
            HistoricalUserObjectPermission, ChangeRecord, Action.answers.through,
            CommissionedProject.objectives.through, get_user_model()]  # fmt: skip
    m2m = [m2m_history_model(history_model(Action)), m2m_history_model(history_model(CommissionedProject))]
    return history + live + m2m


class Ids:
    """The next primary key of each table, starting after what the database held when generation began."""

    def __init__(self, tables: list[type[models.Model]]) -> None:
        self._next: dict[type[models.Model], Iterator[int]] = {}
        for model in tables:
            highest = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self._next[model] = itertools.count(highest + 1)

    def __call__(self, model: type[models.Model]) -> int:
        return next(self._next[model])


@functools.cache
def _tracked(model: type[models.Model]) -> list[str]:
    meta = audit.HISTORY_META
    return [f.attname for f in history_model(model)._meta.concrete_fields if f.attname not in meta]


class Records:
    """Gathers rows into chunks, a council's audit links and its change record, and sends each on (to the writing
    thread) when due."""

    def __init__(self, ids: Ids, send: Callable[[Rows | PendingLinks], None]) -> None:
        self.ids = ids
        self._send = send
        self._rows: Rows = {}
        self._held = 0
        self._links = PendingLinks()
        self.count = 0  # rows made, audit entries aside
        # The change record the services would have written, worked out as the council's history is made; its rows
        # wait on disk, like the links, for the council's end (they are worded from the latest names then).
        self._leads = change_backfill.lead_permissions()
        self._changes = change_backfill.Gathering(self._leads, pending_changes())

    def add(self, model: type[models.Model], row: dict, *, chain_at: datetime.datetime | None = None) -> dict:
        """A final row; linked into the chain at `chain_at` if its model is append-only."""
        self._rows.setdefault(model, []).append(row)
        self._changes.row(model._meta.label_lower, row)
        self._held += 1
        self.count += 1
        if chain_at is not None:
            content = audit.sha256(audit.canonical(row))
            self._links.add((chain_at, audit.label(model), row[model._meta.pk.attname], content))
        if self._held >= CHUNK:
            self._flush()
        return row

    def _flush(self) -> None:
        if self._rows:
            self._send(self._rows)
        self._rows, self._held = {}, 0

    def end_council(self) -> None:
        """Add the council's change record, send what is left of the council, then its links: the writer links
        them and commits the council."""
        for change in self._changes.rows():
            self.add(ChangeRecord, {"id": self.ids(ChangeRecord), **change.fields()}, chain_at=change.recorded_at)
        self._changes = change_backfill.Gathering(self._leads, pending_changes())
        self._flush()
        self._send(self._links)
        self._links = PendingLinks()

    def history(
        self, model: type[models.Model], live: dict, at: datetime.datetime, kind: str, user: int | None,
        reason: str | None = None, m2m: list[dict] | None = None,
    ) -> None:  # fmt: skip
        """The history entry the services would write for `live` as it stands, with its m2m rows, and its link."""
        history = history_model(model)
        row = {name: live[name] for name in _tracked(model)}
        row.update(
            history_id=self.ids(history),
            history_date=at,
            history_change_reason=reason,
            history_type=kind,
            history_user_id=user,
        )
        content = dict(row)
        self.add(history, row)
        if m2m is not None:
            m2m_model = m2m_history_model(history)
            for through in m2m:
                self.add(m2m_model, {"m2m_history_id": self.ids(m2m_model), "history_id": row["history_id"], **through})
            content[f"m2m:{m2m_model._meta.model_name}"] = sorted(audit.canonical(through) for through in m2m)
        label = model._meta.label_lower
        self._changes.history(label, row, change_backfill.m2m_keys(label, m2m or ()))
        self._links.add((at, audit.label(history), row["history_id"], audit.sha256(audit.canonical(content))))

    def created(self, model: type[models.Model], live: dict, at: datetime.datetime, user: int | None) -> dict:
        """A row that nothing changes later, with its history entry."""
        self.add(model, live)
        self.history(model, live, at, "+", user)
        return live

    def grant(self, *, content_type: int, permission: int, pk: int, lead: int, at: datetime.datetime, by: int) -> None:
        """A lead's right to update one item, as the services grant it (django-guardian), with its history."""
        grant = {"id": self.ids(UserObjectPermission), "permission_id": permission, "content_type_id": content_type,
                 "object_pk": str(pk), "user_id": lead}  # fmt: skip
        self.add(UserObjectPermission, grant)
        history = {**grant, "history_id": self.ids(HistoricalUserObjectPermission), "history_date": at,
                   "history_change_reason": None, "history_type": "+", "history_user_id": by}  # fmt: skip
        self.add(HistoricalUserObjectPermission, history, chain_at=at)
