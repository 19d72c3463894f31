"""The plan as it stood at a moment: objectives, actions, projects, links and statuses, rebuilt from history.

Used by the as-at plan page, the Board's dashboard for a past meeting and the exports. With `at=None` the same
shapes are built from the live rows, so every page reads one structure whether it shows now or the past.
A snapshot costs a fixed number of queries whatever the size of the plan.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

from actions.models import Action, StatusUpdate
from core.append_only import history_model, m2m_history_model
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import DeliveryPlan
from projects.models import CommissionedProject, OutputTarget, ProjectStatusUpdate


@dataclass
class ObjectiveState:
    pk: int
    number: int
    title: str
    actions: list["ActionState"] = field(default_factory=list)


@dataclass
class ActionState:
    pk: int
    reference: str
    position: int
    objective_id: int | None
    section: str
    title: str
    outcomes: str
    outputs: str
    timescale: str
    due_date: datetime.date | None
    lead: str
    lead_agency: str
    rag: str
    withheld_fields: list[str]
    withdrawn: bool
    answers: set[int] = field(default_factory=set)
    latest_update: Any = None  # StatusUpdate or None
    timescale_to_review: bool = False  # carried with a timescale already passed: not overdue until it is changed

    def is_overdue(self, today: datetime.date) -> bool:
        if self.timescale_to_review:
            return False
        return self.due_date is not None and self.due_date < today and self.rag != "complete"


@dataclass
class OutputState:
    pk: int
    description: str
    target: int | None
    delivered: int


@dataclass
class ProjectState:
    pk: int
    position: int
    name: str
    provider: str
    description: str
    outcomes: str
    lead: str
    timescale: str
    due_date: datetime.date | None
    rag: str
    withheld_fields: list[str]
    withdrawn: bool
    objective_ids: set[int] = field(default_factory=set)
    outputs: list[OutputState] = field(default_factory=list)
    latest_update: Any = None
    unheaded_column: str = ""  # only the published version shows it and the funding source
    funding_source: str = ""


@dataclass
class RecommendationState:
    pk: int
    review_id: int
    review_title: str
    number: int
    theme: str
    text: str
    owner: str


@dataclass
class ReviewState:
    """A review's own texts. Only the published version shows them, so they sit beside the snapshot, not in it (the
    sealed dashboards pin the snapshot's shapes)."""

    pk: int
    title: str
    summary: str
    areas: str
    key_findings: str


@dataclass
class PlanSnapshot:
    plan: DeliveryPlan
    at: datetime.datetime | None
    introduction: str
    local_context: str
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
    states = [ReviewState(_row_pk(r), r.title, r.summary, r.areas, r.key_findings) for r in reviews]
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
        answers=answers,
        timescale_to_review=row.timescale_to_review,
        latest_update=latest_update,
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
        objective_ids=objective_ids,
        outputs=[
            OutputState(pk=_row_pk(o), description=o.description, target=o.target, delivered=o.delivered)
            for o in sorted(outputs, key=lambda o: (o.position if hasattr(o, "position") else 0, _row_pk(o)))
            if o.project_id == pk
        ],
        latest_update=latest_update,
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
    by_objective = {objective.pk: objective for objective in objectives}
    for action in live_actions:
        if action.objective_id in by_objective:
            by_objective[action.objective_id].actions.append(action)
    return PlanSnapshot(
        plan=plan,
        at=at,
        introduction=plan_row.introduction,
        local_context=plan_row.local_context,
        status=plan_row.status,
        objectives=objectives,
        actions=live_actions,
        projects=_live_in_order(projects),
        recommendations=sorted(recommendations, key=lambda r: (r.review_id, r.number)),
    )
