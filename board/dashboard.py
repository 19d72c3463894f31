"""The Prevent Programme Board's dashboard: how the plan stands, what changed since the Board last met, what is late
or has gone quiet, how the reviews' recommendations are being answered and what the commissioned projects deliver.

Built from plan_snapshot, so the dashboard as it stood at a past meeting is the same code with `at=`, and it costs
a fixed number of queries whatever the size of the plan: up to three more only when an item was added and withdrawn
between the two moments compared, to name it. A past meeting's contents, once sealed (board.sealing), are read back
as one row instead: a years-old meeting is then a few blocks to read, not its plan's whole history.
"""

import dataclasses
import datetime
import functools
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import F, Func, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from actions.answers import answered_in_earlier_plans
from actions.models import Action, StatusUpdate
from core.rag import RAG
from items.models import is_stale
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import ActionArising, BoardMeeting, DeliveryPlan, SealedDashboard
from projects.models import CommissionedProject, OutputTarget, ProjectStatusUpdate
from snapshots.snapshot import (
    ActionState,
    ObjectiveState,
    OutputState,
    ProjectState,
    RecommendationState,
    items_as_at,
    live_positions,
    plan_items,
    plan_snapshot,
)

from .board_record import BoardRecord, board_record

logger = logging.getLogger(__name__)
ACTION, PROJECT = "action", "project"
# The shape of Contents.to_json and what goes into it. Change it with either: a dashboard reads only sealed contents
# of the current version, and builds the rest afresh until `seal_meetings` seals them again.
CONTENTS_VERSION = 5  # 2: who made a RAG change is sealed as the user's key, not their name then
# 3: an item carries its "timescale to review" flag (a carried action with last year's timescale is not overdue)
# 4: the Board's record: the previous meeting's decisions and the open actions arising
# 5: an item carries the date its latest update speaks for (as_of), which the Board reads as "Updated"


def end_of_day(date: datetime.date) -> datetime.datetime:
    """The last moment of a day in the service's time zone (Europe/London): what a meeting or a chosen date means."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.max))


@dataclass
class Item:
    """An action or a commissioned project, as the dashboard lists it."""

    kind: str  # ACTION or PROJECT
    pk: int
    reference: str  # "" for projects
    title: str
    lead: str
    lead_agency: str
    rag: str
    timescale: str
    due_date: datetime.date | None
    objective_ids: frozenset[int]
    updated_at: datetime.datetime | None = None  # of its latest status update
    commentary: str = ""  # of its latest status update
    answers: frozenset[int] = frozenset()
    outputs: list[OutputState] = field(default_factory=list)
    timescale_to_review: bool = False
    as_of: datetime.date | None = None  # the date its latest status update speaks for, not when it was typed

    @property
    def label(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    @functools.cached_property
    def url(self) -> str:  # an item shows in several lists of one page
        return reverse("actions:detail" if self.kind == ACTION else "projects:detail", args=[self.pk])

    def is_overdue(self, today: datetime.date) -> bool:
        if self.timescale_to_review:
            return False
        return self.due_date is not None and self.due_date < today and self.rag != RAG.COMPLETE

    def is_stale(self, moment: datetime.datetime) -> bool:
        return is_stale(self.rag, self.updated_at, moment)


def _action_item(action: ActionState) -> Item:
    return Item(
        kind=ACTION,
        pk=action.pk,
        reference=action.reference,
        title=action.title,
        lead=action.lead,
        lead_agency=action.lead_agency,
        rag=action.rag,
        timescale=action.timescale,
        due_date=action.due_date,
        objective_ids=frozenset([action.objective_id] if action.objective_id else []),
        updated_at=getattr(action.latest_update, "created_at", None),
        commentary=getattr(action.latest_update, "commentary", ""),
        as_of=getattr(action.latest_update, "as_of", None),
        answers=frozenset(action.answers),
        timescale_to_review=action.timescale_to_review,
    )


def _project_item(project: ProjectState) -> Item:
    return Item(
        kind=PROJECT,
        pk=project.pk,
        reference="",
        title=project.name,
        lead=project.provider or project.lead,
        lead_agency=project.lead,
        rag=project.rag,
        timescale=project.timescale,
        due_date=project.due_date,
        objective_ids=frozenset(project.objective_ids),
        updated_at=getattr(project.latest_update, "created_at", None),
        commentary=getattr(project.latest_update, "commentary", ""),
        as_of=getattr(project.latest_update, "as_of", None),
        outputs=project.outputs,
    )


@dataclass
class Tally:
    """How many items stand at each RAG status."""

    counts: dict[str, int]

    @classmethod
    def of(cls, items: Iterable[Item]) -> "Tally":
        counts = {rag.value: 0 for rag in RAG}
        for item in items:
            counts[item.rag] += 1
        return cls(counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[tuple[RAG, int]]:
        return [(rag, self.counts[rag.value]) for rag in RAG]


@dataclass(frozen=True)
class Filters:
    objective: int | None = None
    lead_agency: str = ""
    rag: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return self.objective is not None or bool(self.lead_agency) or bool(self.rag)

    def matches(self, item: Item) -> bool:
        if self.objective is not None and self.objective not in item.objective_ids:
            return False
        if self.lead_agency and item.lead_agency != self.lead_agency:
            return False
        return not self.rag or item.rag in self.rag


@dataclass
class ObjectiveSummary:
    number: int | None  # None: actions the plan holds outside its objectives
    title: str
    actions: list[Item]
    projects: list[Item]

    @property
    def action_tally(self) -> Tally:
        return Tally.of(self.actions)

    @property
    def project_tally(self) -> Tally:
        return Tally.of(self.projects)


@dataclass
class RagChange:
    """A status update that changed an item's RAG: what the list of changes reads of it."""

    kind: str
    item_pk: int
    pk: int
    from_rag: str
    to_rag: str
    by_id: int  # the user: people have no history, so the name shown is the one they have now
    at: datetime.datetime
    commentary: str


@dataclass
class StatusChange(RagChange):
    """A RAG change with the item it changed and who made it, as the list of changes shows it."""

    item: Item | None = None
    by: str = ""


@dataclass
class Changes:
    """What changed between `since` and the moment shown."""

    since: datetime.datetime
    meeting: BoardMeeting | None  # the meeting `since` stands for, when it is one
    status_changes: list[StatusChange]
    added: list[Item]
    withdrawn: list[Item]
    completed: list[Item]

    @property
    def empty(self) -> bool:
        return not (self.status_changes or self.added or self.withdrawn or self.completed)

    @property
    def lists(self) -> list[tuple[str, list[Item]]]:
        return [("Added to the plan", self.added), ("Withdrawn", self.withdrawn), ("Completed", self.completed)]


@dataclass
class RecommendationProgress:
    recommendation: RecommendationState
    actions: list[Item]  # the live actions answering it (within the filters)
    answered: bool  # some live action of the plan answers it, filters aside
    # Actions completed in the council's earlier plans that answered it (read live: not part of a sealed dashboard).
    earlier: list = field(default_factory=list)

    @property
    def tally(self) -> Tally:
        return Tally.of(self.actions)


@dataclass
class ReviewProgress:
    review_id: int
    title: str
    recommendations: list[RecommendationProgress]

    @property
    def unanswered(self) -> int:
        return sum(1 for progress in self.recommendations if not (progress.answered or progress.earlier))


@dataclass
class Dashboard:
    plan: DeliveryPlan
    at: datetime.datetime | None  # None: live
    moment: datetime.datetime  # the moment shown
    filters: Filters
    objectives: list[ObjectiveState]  # the plan's objectives at the moment (filter options)
    lead_agencies: list[str]  # filter options
    meetings: list[BoardMeeting]  # the plan's meetings, newest first
    actions: Tally
    projects: Tally
    by_objective: list[ObjectiveSummary]
    red_amber: list[Item]
    overdue: list[Item]
    stale: list[Item]
    changes: Changes | None  # None: no earlier meeting to compare with
    reviews: list[ReviewProgress]
    project_items: list[Item]
    board: BoardRecord = field(default_factory=BoardRecord)  # the previous meeting's decisions, open actions
    # Until when this dashboard holds as it is, if nothing is recorded meanwhile: the next moment an item turns
    # stale or a day ends (overdue is by date). None for a past moment, which never changes.
    fresh_until: datetime.datetime | None = None

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.moment)

    @property
    def unanswered(self) -> int:
        return sum(review.unanswered for review in self.reviews)

    @property
    def needs_attention(self) -> list[tuple[Item, bool, bool]]:
        """Overdue and stale items in one list for the Board, each once: (item, overdue, stale), overdue first."""
        stale = {(item.kind, item.pk) for item in self.stale}
        overdue = {(item.kind, item.pk) for item in self.overdue}
        rows = [(item, True, (item.kind, item.pk) in stale) for item in self.overdue]
        return rows + [(item, False, True) for item in self.stale if (item.kind, item.pk) not in overdue]


def _rag_values(rag: str | Iterable[str] | None) -> frozenset[str]:
    values = frozenset([rag] if isinstance(rag, str) else rag or [])
    unknown = values - set(RAG.values)
    if unknown:
        raise ValueError(f"Not a RAG status: {', '.join(sorted(unknown))}")
    return values


def _items_of(actions: Iterable[ActionState], projects: Iterable[ProjectState]) -> list[Item]:
    return [*map(_action_item, actions), *map(_project_item, projects)]


@dataclass
class Contents:
    """Everything a dashboard shows before any filter. Built from the plan and its history, or read back as one row
    from what was sealed of a past Board meeting (board.sealing): both give the same value."""

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
        data = dataclasses.asdict(self)
        if any_order:
            for name in ("items", "then", "named"):
                if data[name] is not None:
                    data[name].sort(key=lambda item: (item["kind"], item["pk"]))
        return json.dumps(data, default=_json_value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Contents":
        data = json.loads(text)
        return cls(
            objectives=[ObjectiveState(**objective) for objective in data["objectives"]],
            items=[_item_from(item) for item in data["items"]],
            recommendations=[RecommendationState(**recommendation) for recommendation in data["recommendations"]],
            then=None if data["then"] is None else [_item_from(item) for item in data["then"]],
            rag_changes=[
                RagChange(**{**change, "at": datetime.datetime.fromisoformat(change["at"])})
                for change in data["rag_changes"]
            ],
            named=[_item_from(item) for item in data["named"]],
            board=BoardRecord.from_dict(data["board"]),
        )


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} has no JSON form in a dashboard's contents")


def _item_from(data: dict[str, Any]) -> Item:
    return Item(
        **{
            **data,
            "due_date": data["due_date"] and datetime.date.fromisoformat(data["due_date"]),
            "updated_at": data["updated_at"] and datetime.datetime.fromisoformat(data["updated_at"]),
            "as_of": data["as_of"] and datetime.date.fromisoformat(data["as_of"]),
            "objective_ids": frozenset(data["objective_ids"]),
            "answers": frozenset(data["answers"]),
            "outputs": [OutputState(**output) for output in data["outputs"]],
        }
    )


def dashboard_contents(plan: DeliveryPlan, at: datetime.datetime | None, since: datetime.datetime | None) -> Contents:
    """The contents of the dashboard as at `at` (None: now) compared with `since` (None: with nothing), built from
    the plan and its history: a fixed number of queries, and up to three more to name items added and withdrawn
    between the two moments."""
    snapshot = plan_snapshot(plan, at)
    contents = Contents(
        objectives=[ObjectiveState(pk=o.pk, number=o.number, title=o.title) for o in snapshot.objectives],
        items=_items_of(snapshot.actions, snapshot.projects),
        recommendations=snapshot.recommendations,
        board=board_record(plan, at),
    )
    moment = at or timezone.now()
    if since is None or since >= moment:
        return contents
    contents.then = _items_of(*plan_items(plan, since))
    contents.rag_changes = _rag_changes(plan, since, moment)
    # An item added and withdrawn between the two moments is in neither: it is named as it stood at the moment.
    held = {(item.kind, item.pk) for item in [*contents.items, *contents.then]}
    missing = {(change.kind, change.item_pk) for change in contents.rag_changes} - held
    contents.named = _items_of(
        *items_as_at(
            moment,
            action_ids=[pk for kind, pk in missing if kind == ACTION],
            project_ids=[pk for kind, pk in missing if kind == PROJECT],
        )
    )
    return contents


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


def _contents(plan: DeliveryPlan, at: datetime.datetime | None, since: datetime.datetime | None) -> Contents:
    """A past moment's contents as sealed, when they were (3 queries); otherwise built."""
    if at is not None:
        sealed = (
            SealedDashboard.objects.filter(plan=plan, at=at, since=since, version=CONTENTS_VERSION)
            .values_list("content", flat=True)
            .first()
        )
        if sealed is not None:
            try:
                return _in_live_order(plan, Contents.from_json(sealed))
            except (KeyError, TypeError, ValueError):  # a shape CONTENTS_VERSION should have named: never a 500
                logger.exception("The sealed dashboard of plan %s as at %s cannot be read", plan.pk, at.isoformat())
    return dashboard_contents(plan, at, since)


def _in_live_order(plan: DeliveryPlan, contents: Contents) -> Contents:
    """Sealed items in the order the plan gives them now, as items built from history are (2 queries): the order is
    kept on the live rows alone, so what was sealed says nothing of it."""
    positions = dict(zip((ACTION, PROJECT), live_positions(plan), strict=True))

    def in_order(items: list[Item]) -> list[Item]:
        return sorted(items, key=lambda item: (item.kind != ACTION, positions[item.kind].get(item.pk, 0), item.pk))

    contents.items = in_order(contents.items)
    contents.then = None if contents.then is None else in_order(contents.then)
    return contents


def build_dashboard(
    plan: DeliveryPlan,
    *,
    at: datetime.datetime | None = None,
    since: datetime.datetime | None = None,
    objective: Any = None,
    lead_agency: str | None = None,
    rag: str | Iterable[str] | None = None,
    meetings: Sequence[BoardMeeting] | None = None,
) -> Dashboard:
    """The dashboard as at `at` (None: now), with changes since `since` (None: the Board meeting before the moment).

    `objective` (an Objective or its pk), `lead_agency` and `rag` (one status or several) narrow every list and
    total. `meetings` passes the plan's meetings when the caller has read them already.
    """
    moment = at or timezone.now()
    today = timezone.localdate(moment)
    filters = Filters(getattr(objective, "pk", objective), lead_agency or "", _rag_values(rag))
    if meetings is None:
        meetings = BoardMeeting.objects.filter(plan=plan).order_by("-date")
    meetings = sorted(meetings, key=lambda meeting: meeting.date, reverse=True)
    previous = None
    if since is None:
        previous = next((meeting for meeting in meetings if meeting.date < today), None)
        since = end_of_day(previous.date) if previous else None
    contents = _contents(plan, at, since if since is not None and since < moment else None)

    everything = contents.items
    items = [item for item in everything if filters.matches(item)]
    actions = [item for item in items if item.kind == ACTION]
    projects = [item for item in items if item.kind == PROJECT]
    attention = [item for item in items if item.rag in (RAG.RED, RAG.AMBER)]
    return Dashboard(
        plan=plan,
        at=at,
        moment=moment,
        filters=filters,
        objectives=contents.objectives,
        lead_agencies=sorted({item.lead_agency for item in everything if item.lead_agency}),
        meetings=meetings,
        actions=Tally.of(actions),
        projects=Tally.of(projects),
        by_objective=_by_objective(contents.objectives, actions, projects, filters),
        red_amber=sorted(attention, key=lambda item: item.rag != RAG.RED),
        overdue=sorted((i for i in items if i.is_overdue(today)), key=lambda item: item.due_date),
        stale=sorted(
            (item for item in items if item.is_stale(moment)),
            key=lambda item: item.updated_at or datetime.datetime.min.replace(tzinfo=datetime.UTC),
        ),
        changes=None if contents.then is None else _changes(contents, since, filters, previous),
        reviews=_reviews(
            contents.recommendations,
            [item for item in everything if item.kind == ACTION],
            filters,
            plan,
            live=at is None,
        ),
        project_items=projects,
        board=contents.board,
        fresh_until=None if at is not None else _fresh_until(everything, moment),
    )


def _fresh_until(items: list[Item], moment: datetime.datetime) -> datetime.datetime:
    """The first moment after `moment` at which an item turns stale or the day (and so overdue) changes."""
    cycle = datetime.timedelta(days=settings.STALE_AFTER_DAYS)
    turning = [
        item.updated_at + cycle
        for item in items
        if item.rag != RAG.COMPLETE and item.updated_at is not None and item.updated_at + cycle >= moment
    ]
    return min([*turning, end_of_day(timezone.localdate(moment))])


def plan_revision(plan: DeliveryPlan) -> tuple[int | None, ...]:
    """The newest history entry of everything a dashboard of the plan shows, in one query.

    History is append-only, so any change to the plan, its objectives, actions, projects, outputs, meetings or its
    council's reviews gives a new revision; a status update comes with a history entry of its action or project.
    """
    with connections[DeliveryPlan.objects.db].cursor() as cursor:
        cursor.execute(_revision_sql(DeliveryPlan.objects.db), [plan.pk])
        return tuple(cursor.fetchone() or ())


@functools.cache
def _revision_sql(alias: str) -> str:
    """The revision query, compiled once: its Python side would otherwise cost ten times its database side."""
    newest = {
        "plan": DeliveryPlan.history.filter(id=OuterRef("pk")),
        "objectives": Objective.history.filter(plan_id=OuterRef("pk")),
        "actions": Action.history.filter(plan_id=OuterRef("pk")),
        "projects": CommissionedProject.history.filter(plan_id=OuterRef("pk")),
        "outputs": OutputTarget.history.filter(
            project_id__in=CommissionedProject.objects.filter(plan=OuterRef(OuterRef("pk")))
        ),
        "meetings": BoardMeeting.history.filter(plan_id=OuterRef("pk")),
        # Actions arising carry over from the plan before, so any of the council's counts.
        "arising": ActionArising.history.filter(
            meeting_id__in=BoardMeeting.objects.filter(plan__council=OuterRef(OuterRef("council_id")))
        ),
        "reviews": Review.history.filter(council_id=OuterRef("council_id")),
        "recommendations": Recommendation.history.filter(
            review_id__in=Review.objects.filter(council=OuterRef(OuterRef("council_id")))
        ),
    }
    # MAX() over the subquery's rows (a Func, so no GROUP BY): read through the plan's indexes, whatever the total.
    annotations = {
        f"newest_{name}": Subquery(
            history.order_by().annotate(newest=Func(F("history_id"), function="MAX")).values("newest")
        )
        for name, history in newest.items()
    }
    query = DeliveryPlan.objects.filter(pk=0).annotate(**annotations).values_list(*annotations).query
    sql, params = query.get_compiler(using=alias).as_sql()
    if list(params) != [0]:
        raise AssertionError("the revision query should take the plan's key as its only parameter")
    return sql


def _by_objective(
    objectives: list[ObjectiveState], actions: list[Item], projects: list[Item], filters: Filters
) -> list[ObjectiveSummary]:
    summaries = [
        ObjectiveSummary(
            number=objective.number,
            title=objective.title,
            actions=[item for item in actions if objective.pk in item.objective_ids],
            projects=[item for item in projects if objective.pk in item.objective_ids],
        )
        for objective in objectives
        if filters.objective in (None, objective.pk)
    ]
    outside = [item for item in actions if not item.objective_ids]
    if outside:
        summaries.append(ObjectiveSummary(number=None, title="Other actions", actions=outside, projects=[]))
    return summaries


def _changes(contents: Contents, since: datetime.datetime, filters: Filters, meeting: BoardMeeting | None) -> Changes:
    now = {(item.kind, item.pk): item for item in contents.items}
    then = {(item.kind, item.pk): item for item in contents.then or []}
    named = {(item.kind, item.pk): item for item in contents.named}
    shown = []
    for change in contents.rag_changes:
        key = (change.kind, change.item_pk)
        item = now.get(key) or then.get(key) or named[key]
        if filters.matches(item):
            shown.append((change, item))
    users = get_user_model().objects.filter(pk__in={change.by_id for change, _ in shown})  # no query when empty
    names = {user.pk: user.get_full_name() or user.get_username() for user in users}
    return Changes(
        since=since,
        meeting=meeting,
        status_changes=[
            StatusChange(**dataclasses.asdict(change), item=item, by=names.get(change.by_id, ""))
            for change, item in shown
        ],
        added=[item for key, item in now.items() if key not in then and filters.matches(item)],
        withdrawn=[item for key, item in then.items() if key not in now and filters.matches(item)],
        completed=[
            item
            for key, item in now.items()
            if item.rag == RAG.COMPLETE
            and getattr(then.get(key), "rag", None) != RAG.COMPLETE
            and filters.matches(item)
        ],
    )


def _reviews(
    recommendations: list[RecommendationState], actions: list[Item], filters: Filters, plan: DeliveryPlan, *, live: bool
) -> list[ReviewProgress]:
    """Each review's recommendations with the live actions answering them. With filters on, a recommendation shows
    when a matching action answers it; one that no action answers at all is a gap and always shows, unless (live
    only: a past dashboard shows what it showed) an action completed in an earlier plan answered it."""
    reviews: dict[int, ReviewProgress] = {}
    for recommendation in recommendations:
        answering = [item for item in actions if recommendation.pk in item.answers]
        matching = [item for item in answering if filters.matches(item)]
        if answering and not matching and filters.active:
            continue
        review = reviews.setdefault(
            recommendation.review_id, ReviewProgress(recommendation.review_id, recommendation.review_title, [])
        )
        review.recommendations.append(RecommendationProgress(recommendation, matching, answered=bool(answering)))
    gaps = [progress for review in reviews.values() for progress in review.recommendations if not progress.answered]
    if live and gaps:
        earlier = answered_in_earlier_plans(plan, [progress.recommendation.pk for progress in gaps])
        for progress in gaps:
            progress.earlier = earlier.get(progress.recommendation.pk, [])
    return list(reviews.values())
