"""Workflows that change a plan's objectives. Each validates first, runs in one transaction and records who did it;
edits raise StaleEdit when the objective changed after the form was opened."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from core import audit, numbering
from core.versioning import create_recorded, delete_recorded, lock_for_edit, save_values
from plans.models import DeliveryPlan

from .models import Objective


def next_number(plan: DeliveryPlan) -> int:
    """The number a new objective of the plan is offered: one after the highest."""
    return numbering.next_number(plan.objectives.all())


def _check_number(plan: DeliveryPlan, number: int, objective: Objective | None = None) -> None:
    numbering.check_number(plan.objectives.all(), number, besides=objective, noun="objective", parent="plan")


def deletion_blockers(objective: Objective) -> list[str]:
    """Why the objective cannot be deleted: the actions and projects delivering it would lose their objective."""
    reasons = []
    if actions := objective.actions.count():
        reasons.append(f"{actions} action{'s' if actions != 1 else ''}")
    if projects := objective.projects.count():
        reasons.append(f"{projects} project{'s' if projects != 1 else ''}")
    return reasons


@audit.chained()
def objective_create(
    *, plan: DeliveryPlan, number: int, title: str, description: str, by: AbstractBaseUser
) -> Objective:
    """Add a numbered objective to the plan; numbers are unique within a plan."""
    _check_number(plan, number)
    return create_recorded(Objective, by=by, plan=plan, number=number, title=title, description=description)


@audit.chained()
def objective_change(
    *,
    objective: Objective,
    number: int,
    title: str,
    description: str,
    by: AbstractBaseUser,
    expected_version: int,
) -> Objective:
    """Renumber or reword an objective; its actions and projects stay with it."""
    current = lock_for_edit(objective, expected_version)
    _check_number(current.plan, number, current)
    save_values(current, {"number": number, "title": title, "description": description}, by=by)
    return current


@audit.chained()
def objective_delete(*, objective: Objective, by: AbstractBaseUser, expected_version: int) -> None:
    """Delete an objective nothing delivers yet; one with actions or projects must keep them in the record."""
    current = lock_for_edit(objective, expected_version)
    if blockers := deletion_blockers(current):
        raise ValidationError(f"Objective {current.number} has {' and '.join(blockers)}, so it cannot be deleted")
    delete_recorded(current, by=by)
