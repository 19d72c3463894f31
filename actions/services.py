"""Workflows that change actions. Each validates first, runs in one transaction and records who did it."""

from typing import Unpack

from django.contrib.auth.models import AbstractBaseUser

from core import audit
from core.access import set_leads
from core.versioning import create_recorded, delete_recorded, lock_for_edit, save_edit
from items.services import StatusReport, item_reinstate, item_update_status, item_withdraw, lock_for_delete
from peer_review.models import Recommendation
from plans.models import DeliveryPlan

from .models import Action, StatusUpdate


def action_update_status(*, action: Action, **report: Unpack[StatusReport]) -> StatusUpdate:
    """Record a status update and set the action's current RAG to it, together or not at all.

    Raises StaleEdit when the action changed after the form was opened.
    """
    return item_update_status(item=action, **report)


@audit.chained()
def action_create(
    *,
    plan: DeliveryPlan,
    fields: dict,
    answers: list[Recommendation],
    leads: list[AbstractBaseUser],
    by: AbstractBaseUser,
) -> Action:
    position = (plan.actions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    action = create_recorded(Action, by=by, plan=plan, position=position, **fields)
    action.answers.set(answers)
    set_leads(action, leads)
    return action


@audit.chained()
def action_change(
    *,
    action: Action,
    fields: dict,
    answers: list[Recommendation],
    leads: list[AbstractBaseUser],
    by: AbstractBaseUser,
    expected_version: int,
) -> Action:
    """Change an action's content. Raises StaleEdit when someone saved it after the form was opened."""
    Action.check_content(fields)
    current = lock_for_edit(action, expected_version)
    changed = list(fields)
    # A carried action's timescale under review is reviewed once the coordinator gives it another one.
    if current.timescale_to_review and any(
        name in fields and fields[name] != getattr(current, name) for name in ("timescale", "due_date")
    ):
        current.timescale_to_review = False
        changed.append("timescale_to_review")
    for name, value in fields.items():
        setattr(current, name, value)
    save_edit(current, by=by, fields=changed)
    current._history_user = by
    current.answers.set(answers)
    set_leads(current, leads)
    return current


def action_withdraw(*, action: Action, by: AbstractBaseUser, expected_version: int) -> Action:
    """Withdraw an action from the plan; it and its history stay in the record."""
    return item_withdraw(item=action, by=by, expected_version=expected_version)


def action_reinstate(*, action: Action, by: AbstractBaseUser, expected_version: int) -> Action:
    """Return a withdrawn action to the plan with the status it had."""
    return item_reinstate(item=action, by=by, expected_version=expected_version)


@audit.chained()
def action_delete(*, action: Action, by: AbstractBaseUser, expected_version: int) -> None:
    """Delete an action nobody has reported on yet; one with status updates can only be withdrawn."""
    current = lock_for_delete(item=action, by=by, expected_version=expected_version)
    current.answers.clear()
    delete_recorded(current, by=by)
