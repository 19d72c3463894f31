"""The Prevent Programme Board's dashboard: how the plan stands, what changed since the Board last met, what is late
or has gone quiet, how the reviews' recommendations are being answered and what the commissioned projects deliver.

Built from the dashboard's contents (board.contents), which are the read model's shapes as at a moment, so the
dashboard as it stood at a past meeting is the same code with `at=`, and it costs a fixed number of queries
whatever the size of the plan. A past meeting's contents, once sealed (board.sealing), are read back as one row.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from actions.answers import answered_in_earlier_plans
from core.rag import RAG
from plans.models import BoardMeeting, DeliveryPlan
from snapshots.revision import end_of_day
from snapshots.shapes import ACTION, PROJECT, Item, ObjectiveState, RecommendationState

from .board_record import BoardRecord
from .contents import Contents, RagChange, read_contents

__all__ = ["end_of_day"]


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


@dataclass(frozen=True)
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
    contents = read_contents(plan, at, since if since is not None and since < moment else None)

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
