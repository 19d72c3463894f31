"""What a Board dashboard shows before any filter, as the read model's shapes: built from the plan and its history,
or read back as one row from what was sealed of a past Board meeting (board.sealing). Both give the same value.

The sealed text is the shapes' own JSON, and CONTENTS_VERSION is derived from their fields (snapshots.shapes): a
dashboard reads only sealed rows of the current version and builds the rest afresh until `seal_meetings` seals
them again, so changing a shape needs no hand-kept number.
"""

import dataclasses
import datetime
import json
import logging
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone

from actions.models import StatusUpdate
from plans.models import DeliveryPlan, SealedDashboard
from projects.models import ProjectStatusUpdate
from snapshots.shapes import ACTION, PROJECT, Item, ObjectiveState, RecommendationState, Shape, shape_version
from snapshots.snapshot import items_as_at, live_positions, plan_items, plan_snapshot

from .board_record import BoardRecord, board_record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RagChange(Shape):
    """A status update that changed an item's RAG: what the list of changes reads of it."""

    kind: str
    item_pk: int
    pk: int
    from_rag: str
    to_rag: str
    by_id: int  # the user: people have no history, so the name shown is the one they have now
    at: datetime.datetime
    commentary: str


@dataclass(frozen=True)
class Contents(Shape):
    """Everything a dashboard shows before any filter."""

    objectives: list[ObjectiveState]  # without their actions: the dashboard reads those from `items`
    items: list[Item]  # actions, then projects, each in plan order
    recommendations: list[RecommendationState]
    then: list[Item] | None = None  # the items at the moment compared with; None: nothing to compare with
    rag_changes: list[RagChange] = field(default_factory=list)  # between the two moments, oldest first
    named: list[Item] = field(default_factory=list)  # items of rag_changes added and withdrawn between the two
    board: BoardRecord = field(default_factory=BoardRecord)

    def to_json(self, *, any_order: bool = False) -> str:
        """The contents as JSON. `any_order` sorts the items by kind and key: the plan's order of its items is kept
        on the live rows only, so a later move changes the order but not what the Board was shown."""
        return sorted_items_text(self.to_data()) if any_order else super().to_json()


def sorted_items_text(data: dict) -> str:
    """Contents' data as text, its lists of items sorted by kind and key and without their positions (as sealed, of
    any version): the plan's order is kept on the live rows alone, so it is not part of what the Board was shown."""
    for name in ("items", "then", "named"):
        if data.get(name) is not None:
            data[name].sort(key=lambda item: (item["kind"], item["pk"]))
            for item in data[name]:
                item.pop("position", None)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


CONTENTS_VERSION = shape_version(Contents)


def dashboard_contents(plan: DeliveryPlan, at: datetime.datetime | None, since: datetime.datetime | None) -> Contents:
    """The contents of the dashboard as at `at` (None: now) compared with `since` (None: with nothing), built from
    the plan and its history: a fixed number of queries, and up to three more to name items added and withdrawn
    between the two moments."""
    snapshot = plan_snapshot(plan, at)
    contents = Contents(
        objectives=[ObjectiveState(pk=o.pk, number=o.number, title=o.title) for o in snapshot.objectives],
        items=[*snapshot.actions, *snapshot.projects],
        recommendations=snapshot.recommendations,
        board=board_record(plan, at),
    )
    moment = at or timezone.now()
    if since is None or since >= moment:
        return contents
    then_actions, then_projects = plan_items(plan, since)
    then: list[Item] = [*then_actions, *then_projects]
    rag_changes = _rag_changes(plan, since, moment)
    # An item added and withdrawn between the two moments is in neither: it is named as it stood at the moment.
    held = {(item.kind, item.pk) for item in [*contents.items, *then]}
    missing = {(change.kind, change.item_pk) for change in rag_changes} - held
    named_actions, named_projects = items_as_at(
        moment,
        action_ids=[pk for kind, pk in missing if kind == ACTION],
        project_ids=[pk for kind, pk in missing if kind == PROJECT],
    )
    return dataclasses.replace(contents, then=then, rag_changes=rag_changes, named=[*named_actions, *named_projects])


def _rag_changes(plan: DeliveryPlan, since: datetime.datetime, until: datetime.datetime) -> list[RagChange]:
    columns = ["pk", "previous_rag", "rag", "created_by_id", "created_at", "commentary"]
    changes = [
        RagChange(kind, *row)
        for kind, updates, item in (
            (ACTION, StatusUpdate.objects.filter(action__plan=plan), "action_id"),
            (PROJECT, ProjectStatusUpdate.objects.filter(project__plan=plan), "project_id"),
        )
        for row in updates.filter(created_at__gt=since, created_at__lte=until)
        .exclude(rag=F("previous_rag"))
        .values_list(item, *columns)
    ]
    return sorted(changes, key=lambda change: (change.at, change.pk))


def read_contents(plan: DeliveryPlan, at: datetime.datetime | None, since: datetime.datetime | None) -> Contents:
    """A past moment's contents as sealed, when they were at the current version (3 queries); otherwise built."""
    if at is not None:
        sealed = (
            SealedDashboard.objects.filter(plan=plan, at=at, since=since, version=CONTENTS_VERSION)
            .values_list("content", flat=True)
            .first()
        )
        if sealed is not None:
            try:
                return _in_live_order(plan, Contents.from_json(sealed))
            except (KeyError, TypeError, ValueError):  # whatever the row holds, never a 500
                logger.exception("The sealed dashboard of plan %s as at %s cannot be read", plan.pk, at.isoformat())
    return dashboard_contents(plan, at, since)


def _in_live_order(plan: DeliveryPlan, contents: Contents) -> Contents:
    """Sealed items in the order the plan gives them now, as items built from history are (2 queries): the order is
    kept on the live rows alone, so what was sealed says nothing of it."""
    positions = dict(zip((ACTION, PROJECT), live_positions(plan), strict=True))

    def in_order(items: list[Item]) -> list[Item]:
        placed = [dataclasses.replace(item, position=positions[item.kind].get(item.pk, 0)) for item in items]
        return sorted(placed, key=lambda item: (item.kind != ACTION, item.position, item.pk))

    then = None if contents.then is None else in_order(contents.then)
    return dataclasses.replace(contents, items=in_order(contents.items), then=then)
