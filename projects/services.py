"""Workflows that change commissioned projects. Each validates first, runs in one transaction and records who did it."""

from dataclasses import dataclass
from typing import Unpack

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from core import audit
from core.access import set_leads
from core.versioning import create_recorded, delete_recorded, lock_for_edit, save_values
from items.services import StatusReport, item_reinstate, item_update_status, item_withdraw, lock_for_delete
from objectives.models import Objective
from plans.models import DeliveryPlan

from .models import CommissionedProject, OutputDelivery, OutputTarget, ProjectStatusUpdate

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


class _Deliveries:
    """What a project's status update reports delivered so far against its output targets: `counts` maps an
    OutputTarget pk to the number; targets left out keep theirs."""

    def __init__(self, counts: dict[int, int], by: AbstractBaseUser) -> None:
        self.counts, self.by = counts, by

    def check(self, project: CommissionedProject) -> None:
        self.targets = {target.pk: target for target in project.output_targets.select_for_update()}
        if set(self.counts) - set(self.targets):
            raise ValidationError("An output reported on is not one of this project's outputs")
        for pk, delivered in self.counts.items():
            _check_count(delivered, f"The number delivered so far for {self.targets[pk].description}")

    def record(self, update: ProjectStatusUpdate) -> None:
        for pk, delivered in self.counts.items():
            target = self.targets[pk]
            OutputDelivery.objects.create(
                status_update=update, output_target=target, previous_delivered=target.delivered, delivered=delivered
            )
            if target.delivered != delivered:
                target.delivered = delivered
                target._history_user = self.by
                target.save(update_fields=["delivered"])


def project_update_status(
    *, project: CommissionedProject, deliveries: dict[int, int], **report: Unpack[StatusReport]
) -> ProjectStatusUpdate:
    """Record a status update with what each output target has delivered so far, and set the project's RAG to it.

    `deliveries` maps OutputTarget pk to the number delivered so far; targets left out keep their count. All of it
    is saved together or not at all. Raises StaleEdit when the project changed after the form was opened.
    """
    counts = _Deliveries(deliveries, report["by"])
    return item_update_status(item=project, check=counts.check, record=counts.record, **report)


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
    CommissionedProject.check_content(fields)
    current = lock_for_edit(project, expected_version)
    _check_objectives(current.plan, objectives)
    _check_outputs(outputs)
    _save_outputs(current, outputs, by)
    save_values(current, fields, by=by)
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
    current = lock_for_delete(item=project, by=by, expected_version=expected_version)
    current.objectives.clear()
    # Deleted one by one, so the history records who removed each output rather than a cascade nobody owns.
    for target in current.output_targets.all():
        delete_recorded(target, by=by)
    delete_recorded(current, by=by)
