"""The plan as it stood at a moment: objectives, actions, projects, links and statuses, in the read model's shapes
(snapshots.shapes), rebuilt from history.

Used by the plan page, the as-at plan page, the Board's dashboard and pack, the published version and the exports.
With `at=None` the same shapes are built from the live rows, so every page reads one structure whether it shows now
or the past. A snapshot costs a fixed number of queries whatever the size of the plan.
"""

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from actions.models import Action, StatusUpdate
from core.append_only import history_model
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import DeliveryPlan
from projects.models import CommissionedProject, OutputTarget, ProjectStatusUpdate

from .history_rows import _latest_by, _latest_rows, _m2m_at, latest_rows
from .shapes import (
    ActionState,
    ObjectiveState,
    OutputState,
    ProjectState,
    RecommendationState,
    ReviewState,
    UpdateState,
)

__all__ = ["latest_rows"]  # for the other readers of the past (board.board_record)


@dataclass
class PlanSnapshot:
    plan: DeliveryPlan
    at: datetime.datetime | None
    introduction: str
    local_context: str
    title: str
    rag_column: bool
    status: str
    objectives: list[ObjectiveState]
    actions: list[ActionState]  # live (not withdrawn) actions, in plan order
    projects: list[ProjectState]
    recommendations: list[RecommendationState]

    def actions_answering(self, recommendation_pk: int) -> list[ActionState]:
        return [action for action in self.actions if recommendation_pk in action.answers]

    @property
    def unassigned_actions(self) -> list[ActionState]:
        return [action for action in self.actions if action.objective_id is None]


@dataclass
class _ItemRows:
    """The newest history record, as at a moment, of each action and project of a plan, with what links them."""

    actions: list[Any]
    projects: list[Any]
    project_objectives: dict[int, set[int]]  # by history id
    positions: dict[int, int]  # by action id
    project_positions: dict[int, int]  # by project id


def live_positions(plan: DeliveryPlan) -> tuple[dict[int, int], dict[int, int]]:
    """Where each action and each project of the plan stands in its order, by id (2 queries). Order is kept on the
    live rows only: moving an item is not a change the history records."""
    return (
        dict(Action.objects.filter(plan=plan).order_by().values_list("pk", "position")),
        dict(CommissionedProject.objects.filter(plan=plan).order_by().values_list("pk", "position")),
    )


def _item_rows(plan: DeliveryPlan, at: datetime.datetime) -> _ItemRows:
    projects = _latest_rows(CommissionedProject, at, plan_id=plan.pk)
    positions, project_positions = live_positions(plan)
    return _ItemRows(
        actions=_latest_rows(Action, at, plan_id=plan.pk),
        projects=projects,
        project_objectives=_m2m_at(
            history_model(CommissionedProject), "objective_id", [row.history_id for row in projects]
        ),
        positions=positions,
        project_positions=project_positions,
    )


def plan_items(plan: DeliveryPlan, at: datetime.datetime) -> tuple[list[ActionState], list[ProjectState]]:
    """The plan's actions and projects (not withdrawn, in plan order) as at `at`, and no more: no recommendations
    answered, latest status updates or outputs. What comparing two moments needs, in 5 queries rather than 13."""
    rows = _item_rows(plan, at)
    actions = [_action_state(row, set(), None, rows.positions.get(row.id, 0)) for row in rows.actions]
    projects = [
        _project_state(
            row, rows.project_objectives.get(row.history_id, set()), [], None, rows.project_positions.get(row.id, 0)
        )
        for row in rows.projects
    ]
    return _live_in_order(actions), _live_in_order(projects)


def items_as_at(
    at: datetime.datetime, *, action_ids: list[int], project_ids: list[int]
) -> tuple[list[ActionState], list[ProjectState]]:
    """The given actions and projects as they last stood at `at`, withdrawn or not, as plan_items gives them: for an
    item neither moment of a comparison holds. Up to 3 queries, none when no item is asked for."""
    actions = _latest_rows(Action, at, id__in=action_ids)
    projects = _latest_rows(CommissionedProject, at, id__in=project_ids)
    objectives = _m2m_at(history_model(CommissionedProject), "objective_id", [row.history_id for row in projects])
    return (
        [_action_state(row, set(), None, 0) for row in actions],
        [_project_state(row, objectives.get(row.history_id, set()), [], None, 0) for row in projects],
    )


def plan_snapshot(plan: DeliveryPlan, at: datetime.datetime | None = None) -> PlanSnapshot:
    if at is None:
        return _live(plan)
    plan_rows = _latest_rows(DeliveryPlan, at, id=plan.pk)
    plan_row = plan_rows[0] if plan_rows else None
    objectives = [
        ObjectiveState(pk=row.id, number=row.number, title=row.title)
        for row in sorted(_latest_rows(Objective, at, plan_id=plan.pk), key=lambda row: row.number)
    ]
    rows = _item_rows(plan, at)
    answers = _m2m_at(history_model(Action), "recommendation_id", [row.history_id for row in rows.actions])
    updates = _latest_by(StatusUpdate, plan, at)
    actions = [
        _action_state(row, answers.get(row.history_id, set()), updates.get(row.id), rows.positions.get(row.id, 0))
        for row in rows.actions
    ]
    outputs = _latest_rows(OutputTarget, at, project_id__in=[row.id for row in rows.projects])
    project_updates = _latest_by(ProjectStatusUpdate, plan, at)
    projects = [
        _project_state(
            row,
            rows.project_objectives.get(row.history_id, set()),
            outputs,
            project_updates.get(row.id),
            rows.project_positions.get(row.id, 0),
        )
        for row in rows.projects
    ]
    review_titles = {row.id: row.title for row in _latest_rows(Review, at, council_id=plan.council_id)}
    recommendations = [
        _recommendation_state(row, review_titles[row.review_id])
        for row in _latest_rows(Recommendation, at, review_id__in=list(review_titles))
    ]
    return _assemble(plan, at, plan_row or plan, objectives, actions, projects, recommendations)


def plan_texts(plan: DeliveryPlan, at: datetime.datetime | None) -> tuple[dict[int, str], list[ReviewState]]:
    """The objectives' descriptions (by id) and the council's reviews as at `at` (None: now), in 2 queries: what the
    published version shows besides the snapshot."""
    if at is None:
        descriptions = dict(plan.objectives.order_by().values_list("pk", "description"))
        reviews: list[Any] = list(Review.objects.filter(council=plan.council_id))
    else:
        descriptions = {row.id: row.description for row in _latest_rows(Objective, at, plan_id=plan.pk)}
        reviews = _latest_rows(Review, at, council_id=plan.council_id)
    kinds = dict(Review._meta.get_field("kind").choices or [])
    states = [
        ReviewState(_row_pk(r), r.title, r.summary, r.areas, r.key_findings, kinds.get(r.kind, r.kind), r.date)
        for r in reviews
    ]
    return descriptions, sorted(states, key=lambda review: review.pk)


def _live(plan: DeliveryPlan) -> PlanSnapshot:
    objectives = [ObjectiveState(pk=o.pk, number=o.number, title=o.title) for o in plan.objectives.order_by("number")]
    updates = _latest_by(StatusUpdate, plan)
    actions = [
        _action_state(action, {rec.pk for rec in action.answers.all()}, updates.get(action.pk), action.position)
        for action in Action.objects.filter(plan=plan).prefetch_related("answers")
    ]
    outputs = list(OutputTarget.objects.filter(project__plan=plan))
    project_updates = _latest_by(ProjectStatusUpdate, plan)
    projects = [
        _project_state(
            project,
            {o.pk for o in project.objectives.all()},
            outputs,
            project_updates.get(project.pk),
            project.position,
        )
        for project in CommissionedProject.objects.filter(plan=plan).prefetch_related("objectives")
    ]
    recommendations = [
        _recommendation_state(rec, rec.review.title)
        for rec in Recommendation.objects.filter(review__council=plan.council_id).select_related("review")
    ]
    return _assemble(plan, None, plan, objectives, actions, projects, recommendations)


def _row_pk(row: Any) -> int:
    return row.id if hasattr(row, "history_id") else row.pk


def _update_state(update: Any) -> UpdateState | None:
    """A status update (model row) as the read model holds it."""
    if update is None:
        return None
    return UpdateState(created_at=update.created_at, as_of=update.as_of, commentary=update.commentary)


def _action_state(row: Any, answers: set[int], latest_update: Any, position: int) -> ActionState:
    return ActionState(
        pk=_row_pk(row),
        reference=row.reference,
        position=position,
        objective_id=row.objective_id,
        section=row.section,
        title=row.title,
        outcomes=row.outcomes,
        outputs=row.outputs,
        timescale=row.timescale,
        due_date=row.due_date,
        lead=row.lead,
        lead_agency=row.lead_agency,
        rag=row.rag,
        withheld_fields=list(row.withheld_fields or []),
        withdrawn=row.withdrawn_at is not None,
        answers=frozenset(answers),
        timescale_to_review=row.timescale_to_review,
        latest_update=_update_state(latest_update),
    )


def _project_state(
    row: Any, objective_ids: set[int], outputs: list[Any], latest_update: Any, position: int
) -> ProjectState:
    pk = _row_pk(row)
    return ProjectState(
        pk=pk,
        position=position,
        name=row.name,
        provider=row.provider,
        description=row.description,
        outcomes=row.outcomes,
        lead=row.lead,
        timescale=row.timescale,
        due_date=row.due_date,
        rag=row.rag,
        withheld_fields=list(row.withheld_fields or []),
        withdrawn=row.withdrawn_at is not None,
        objective_ids=frozenset(objective_ids),
        outputs=[
            OutputState(pk=_row_pk(o), description=o.description, target=o.target, delivered=o.delivered)
            for o in sorted(outputs, key=lambda o: (o.position if hasattr(o, "position") else 0, _row_pk(o)))
            if o.project_id == pk
        ],
        latest_update=_update_state(latest_update),
        unheaded_column=getattr(row, "unheaded_column", ""),  # history rows from before the field have none
        funding_source=row.funding_source,
    )


def _recommendation_state(row: Any, review_title: str) -> RecommendationState:
    return RecommendationState(
        pk=_row_pk(row),
        review_id=row.review_id,
        review_title=review_title,
        number=row.number,
        theme=row.theme,
        text=row.text,
        owner=row.owner,
    )


def _live_in_order[T: (ActionState, ProjectState)](states: list[T]) -> list[T]:
    return sorted((state for state in states if not state.withdrawn), key=lambda state: (state.position, state.pk))


def _assemble(
    plan: DeliveryPlan,
    at: datetime.datetime | None,
    plan_row: Any,
    objectives: list[ObjectiveState],
    actions: list[ActionState],
    projects: list[ProjectState],
    recommendations: list[RecommendationState],
) -> PlanSnapshot:
    live_actions = _live_in_order(actions)
    by_objective: dict[int, list[ActionState]] = {objective.pk: [] for objective in objectives}
    for action in live_actions:
        if action.objective_id in by_objective:
            by_objective[action.objective_id].append(action)
    objectives = [dataclasses.replace(objective, actions=by_objective[objective.pk]) for objective in objectives]
    return PlanSnapshot(
        plan=plan,
        at=at,
        introduction=plan_row.introduction,
        local_context=plan_row.local_context,
        title=DeliveryPlan.title_of(plan_row.heading, plan_row.year),
        rag_column=plan_row.rag_column,
        status=plan_row.status,
        objectives=objectives,
        actions=live_actions,
        projects=_live_in_order(projects),
        recommendations=sorted(recommendations, key=lambda r: (r.review_id, r.number)),
    )
