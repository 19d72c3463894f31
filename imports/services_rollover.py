"""Next year's plan from this one: every April the new plan starts from the old."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from actions.models import Action
from core import audit
from core.access import leads_of, set_leads
from core.rag import RAG
from core.versioning import create_recorded
from items.models import PlanItem
from objectives.models import Objective
from plans.models import DeliveryPlan, validate_financial_year
from projects.models import CommissionedProject, OutputTarget


def next_year(year: str) -> str:
    start = int(year[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def carried_values(item: PlanItem) -> dict:
    """What a carried action or project keeps: its content and its RAG. Its status updates stay with the old one."""
    return {name: getattr(item, name) for name in [*item.content_fields(), "rag"]}


def carried_projects(plan: DeliveryPlan) -> list[CommissionedProject]:
    """The projects a rollover carries when asked: in the plan, not withdrawn, not Complete."""
    return list(
        CommissionedProject.objects.filter(plan=plan, withdrawn_at__isnull=True)
        .exclude(rag=RAG.COMPLETE)
        .prefetch_related("objectives", "output_targets")
        .order_by("position", "pk")
    )


def carried_actions(plan: DeliveryPlan) -> list[Action]:
    """The actions a rollover carries: in the plan, not withdrawn, not Complete."""
    return list(
        Action.objects.filter(plan=plan, withdrawn_at__isnull=True)
        .exclude(rag=RAG.COMPLETE)
        .select_related("objective")
        .prefetch_related("answers")
        .order_by("position", "pk")
    )


@audit.chained()
def plan_rollover(*, plan: DeliveryPlan, year: str, by: AbstractBaseUser, carry_projects: bool = False) -> DeliveryPlan:
    """Create next year's draft plan: objectives copied; actions not Complete carried over, each linked to the
    action it continues, with its leads and the recommendations it answers (so recommendations still open are
    carried with them); completed and withdrawn actions stay behind in this year's plan. A carried action whose due
    date passed before the new plan begins is marked "timescale to review" rather than overdue from its first day.
    With carry_projects, projects not Complete are carried too, with their objectives, outputs and leads."""
    validate_financial_year(year)
    if DeliveryPlan.objects.filter(council=plan.council, year=year).exists():
        raise ValidationError({"year": f"{plan.council.name} already has a plan for {year}"})
    if year <= plan.year:
        raise ValidationError({"year": f"The new plan must be for a year after {plan.year}"})
    new_plan = create_recorded(
        DeliveryPlan,
        by=by,
        council=plan.council,
        year=year,
        status=DeliveryPlan.Status.DRAFT,
        introduction=plan.introduction,
        local_context=plan.local_context,
        rag_column=plan.rag_column,  # the council's way of setting out its tables, which its published plan follows
    )
    objectives = {
        objective.pk: create_recorded(
            Objective,
            by=by,
            plan=new_plan,
            number=objective.number,
            title=objective.title,
            description=objective.description,
        )
        for objective in plan.objectives.order_by("number")
    }
    for position, action in enumerate(carried_actions(plan), start=1):
        carried = Action(
            # with the new plan's copy of its objective
            **{**carried_values(action), "objective": objectives.get(action.objective_id)},
            plan=new_plan,
            position=position,
            carried_from=action,
            timescale_to_review=action.due_date is not None and action.due_date < new_plan.start_date,
        )
        carried._history_user = by
        carried._change_reason = f"Carried over from action {action.reference} of {plan.year}"
        carried.save()
        carried.answers.set(action.answers.all())
        set_leads(carried, leads_of(action))
    if carry_projects:
        _carry_projects(plan, new_plan, objectives, by)
    return new_plan


def _carry_projects(
    plan: DeliveryPlan, new_plan: DeliveryPlan, objectives: dict[int, Objective], by: AbstractBaseUser
) -> None:
    for position, project in enumerate(carried_projects(plan), start=1):
        carried = CommissionedProject(**carried_values(project), plan=new_plan, position=position)
        carried._history_user = by
        carried._change_reason = f"Carried over from project {project.name} of {plan.year}"
        carried.save()
        carried.objectives.set([objectives[o.pk] for o in project.objectives.all() if o.pk in objectives])
        for target in project.output_targets.all():
            output = OutputTarget(
                project=carried,
                position=target.position,
                description=target.description,
                target=target.target,
                delivered=target.delivered,
            )
            output._history_user = by
            output.save()
        set_leads(carried, leads_of(project))
