"""Workflows that change commissioned projects. Each validates first, runs in one transaction and records who did it."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import audit
from core.access import set_leads
from core.limits import check_limits
from core.rag import reported_rag
from core.services import item_reinstate, item_withdraw, lock_for_delete
from core.versioning import create_recorded, delete_recorded, lock_for_edit, save_edit
from objectives.models import Objective
from plans.models import DeliveryPlan

from .models import CommissionedProject, OutputDelivery, OutputTarget, ProjectStatusUpdate

EDITABLE_FIELDS = [
    "name",
    "provider",
    "description",
    "outcomes",
    "lead",
    "funding_source",
    "amount",
    "timescale",
    "unheaded_column",
    "due_date",
    "withheld_fields",
]
MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class OutputSpec:
    """One output target as the edit form leaves it: `pk` None for a new one. Targets left out are removed."""

    description: str
    target: int | None = None
    pk: int | None = None


def _check_count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ValidationError(f"{what} must be a whole number from 0 to 1,000,000")
    return value


@audit.chained()
def project_update_status(
    *,
    project: CommissionedProject,
    rag: str,
    commentary: str,
    as_of: datetime.date,
    evidence: str | None,  # the name core.evidence.stored gave the file, written before this transaction
    deliveries: dict[int, int],
    by: AbstractBaseUser,
    expected_version: int,
) -> ProjectStatusUpdate:
    """Record a status update with what each output target has delivered so far, and set the project's RAG to it.

    `deliveries` maps OutputTarget pk to the number delivered so far; targets left out keep their count. All of it
    is saved together or not at all. Raises StaleEdit when the project changed after the form was opened.
    """
    current = lock_for_edit(project, expected_version)
    if current.is_withdrawn:
        raise ValidationError("This project has been withdrawn: its status can no longer be updated")
    targets = {target.pk: target for target in current.output_targets.select_for_update()}
    unknown = set(deliveries) - set(targets)
    if unknown:
        raise ValidationError("An output reported on is not one of this project's outputs")
    for pk, delivered in deliveries.items():
        _check_count(delivered, f"The number delivered so far for {targets[pk].description}")

    now = timezone.now()
    update = ProjectStatusUpdate(
        project=current,
        rag=reported_rag(rag),
        previous_rag=current.rag,
        commentary=commentary,
        as_of=as_of,
        created_by=by,
        created_at=now,
    )
    if evidence:
        update.evidence = evidence
    check_limits(update)
    update.save()
    for pk, delivered in deliveries.items():
        target = targets[pk]
        OutputDelivery.objects.create(
            status_update=update, output_target=target, previous_delivered=target.delivered, delivered=delivered
        )
        if target.delivered != delivered:
            target.delivered = delivered
            target._history_user = by
            target.save(update_fields=["delivered"])
    current.rag = update.rag
    current.status_updated_at = now
    save_edit(
        current,
        by=by,
        fields=["rag", "status_updated_at"],
        reason=f"Status update: {update.get_rag_display()}",
        status_update=update,
    )
    return update


def _check_objectives(plan: DeliveryPlan, objectives: list[Objective]) -> None:
    if any(objective.plan_id != plan.pk for objective in objectives):
        raise ValidationError("A project can only deliver objectives of its own plan")


def _check_outputs(outputs: list[OutputSpec]) -> None:
    for output in outputs:
        if not output.description.strip():
            raise ValidationError("Enter what each output is")
        if output.target is not None and (_check_count(output.target, "The number targeted") < 1):
            raise ValidationError("The number targeted must be 1 or more")


def _save_outputs(project: CommissionedProject, outputs: list[OutputSpec], by: AbstractBaseUser) -> None:
    """Add, change and remove output targets to match `outputs`. One with deliveries reported cannot be removed."""
    existing = {target.pk: target for target in project.output_targets.select_for_update()}
    kept = {output.pk for output in outputs if output.pk is not None}
    if kept - set(existing):
        raise ValidationError("An output being changed is not one of this project's outputs")
    removed = [target for pk, target in existing.items() if pk not in kept]
    for target in removed:
        if target.deliveries.exists():
            raise ValidationError(
                f"The output {target.description} has deliveries reported against it, so it cannot be removed"
            )
    for target in removed:
        delete_recorded(target, by=by)
    for position, output in enumerate(outputs, start=1):
        description = output.description.strip()
        if output.pk is None:
            create_recorded(
                OutputTarget, by=by, project=project, position=position, description=description, target=output.target
            )
            continue
        target = existing[output.pk]
        if (target.position, target.description, target.target) != (position, description, output.target):
            target.position, target.description, target.target = position, description, output.target
            target._history_user = by
            target.save(update_fields=["position", "description", "target"])


@audit.chained()
def project_create(
    *,
    plan: DeliveryPlan,
    fields: dict,
    objectives: list[Objective],
    outputs: list[OutputSpec],
    leads: list[AbstractBaseUser],
    by: AbstractBaseUser,
) -> CommissionedProject:
    """Add a project to the plan, after its last one, with its objectives, output targets and leads."""
    _check_objectives(plan, objectives)
    _check_outputs(outputs)
    position = (plan.projects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    project = create_recorded(CommissionedProject, by=by, plan=plan, position=position, **fields)
    project._history_user = by
    project.objectives.set(objectives)
    _save_outputs(project, outputs, by)
    set_leads(project, leads)
    return project


@audit.chained()
def project_change(
    *,
    project: CommissionedProject,
    fields: dict,
    objectives: list[Objective],
    outputs: list[OutputSpec],
    leads: list[AbstractBaseUser],
    by: AbstractBaseUser,
    expected_version: int,
) -> CommissionedProject:
    """Change a project's content and output targets. Raises StaleEdit when someone saved it after the form opened.

    Output targets left out of `outputs` are removed; one with deliveries reported against it cannot be
    (ValidationError, and nothing is saved).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}")
    current = lock_for_edit(project, expected_version)
    _check_objectives(current.plan, objectives)
    _check_outputs(outputs)
    _save_outputs(current, outputs, by)
    for name, value in fields.items():
        setattr(current, name, value)
    save_edit(current, by=by, fields=list(fields))
    current._history_user = by
    current.objectives.set(objectives)
    set_leads(current, leads)
    return current


def project_withdraw(
    *, project: CommissionedProject, by: AbstractBaseUser, expected_version: int
) -> CommissionedProject:
    """Withdraw a project from the plan; it, its outputs and its history stay in the record."""
    return item_withdraw(item=project, by=by, expected_version=expected_version)


def project_reinstate(
    *, project: CommissionedProject, by: AbstractBaseUser, expected_version: int
) -> CommissionedProject:
    """Return a withdrawn project to the plan with the status it had."""
    return item_reinstate(item=project, by=by, expected_version=expected_version)


@audit.chained()
def project_delete(*, project: CommissionedProject, by: AbstractBaseUser, expected_version: int) -> None:
    """Delete a project nobody has reported on yet; one with status updates can only be withdrawn."""
    current = lock_for_delete(item=project, by=by, expected_version=expected_version, noun="project")
    current.objectives.clear()
    # Deleted one by one, so the history records who removed each output rather than a cascade nobody owns.
    for target in current.output_targets.all():
        delete_recorded(target, by=by)
    delete_recorded(current, by=by)
