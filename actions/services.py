"""Workflows that change actions. Each validates first, runs in one transaction and records who did it."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import audit
from core.access import set_leads
from core.limits import check_limits
from core.rag import reported_rag
from core.services import item_reinstate, item_withdraw, lock_for_delete
from core.versioning import create_recorded, delete_recorded, lock_for_edit, save_edit
from peer_review.models import Recommendation
from plans.models import DeliveryPlan

from .models import Action, StatusUpdate

EDITABLE_FIELDS = [
    "objective",
    "reference",
    "section",
    "title",
    "outcomes",
    "outputs",
    "timescale",
    "due_date",
    "lead",
    "lead_agency",
    "withheld_fields",
]


@audit.chained()
def action_update_status(
    *,
    action: Action,
    rag: str,
    commentary: str,
    as_of: datetime.date,
    evidence: str | None,  # the name core.evidence.stored gave the file, written before this transaction
    by: AbstractBaseUser,
    expected_version: int,
) -> StatusUpdate:
    """Record a status update and set the action's current RAG to it, together or not at all.

    Raises StaleEdit when the action changed after the form was opened.
    """
    current = lock_for_edit(action, expected_version)
    if current.is_withdrawn:
        raise ValidationError("This action has been withdrawn: its status can no longer be updated")
    now = timezone.now()
    update = StatusUpdate(
        action=current,
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
    current = lock_for_delete(item=action, by=by, expected_version=expected_version, noun="action")
    current.answers.clear()
    delete_recorded(current, by=by)
