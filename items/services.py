"""Workflows every plan item has: a status update, withdrawing, reinstating and the checks before a delete.

Each app's services name the item (`action_update_status`, `project_withdraw`) and call these, so the rules for
what a status update records, what withdrawal records and when an item may be deleted are written once.
"""

import datetime
from collections.abc import Callable
from typing import TypedDict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import audit
from core.access import set_leads
from core.limits import check_limits
from core.rag import reported_rag
from core.versioning import lock_for_edit, save_edit

from .models import PlanItem, StatusUpdateBase, item_key


class StatusReport(TypedDict):
    """What a person reports in a status update, as the apps' `<item>_update_status` services take it."""

    rag: str
    commentary: str
    as_of: datetime.date
    evidence: str | None  # the name core.evidence.stored gave the file, written before this transaction
    by: AbstractBaseUser
    expected_version: int


@audit.chained()
def item_update_status[I: PlanItem](
    *,
    item: I,
    rag: str,
    commentary: str,
    as_of: datetime.date,
    evidence: str | None,
    by: AbstractBaseUser,
    expected_version: int,
    check: Callable[[I], None] | None = None,
    record: Callable[[StatusUpdateBase], None] | None = None,
) -> StatusUpdateBase:
    """Record a status update and set the item's current RAG to it, together or not at all.

    `check(item)` runs on the locked item before anything is written and may refuse it (ValidationError);
    `record(update)` writes what the app keeps with an update (a project's deliveries). Raises StaleEdit when the
    item changed after the form was opened.
    """
    current = lock_for_edit(item, expected_version)
    if current.is_withdrawn:
        raise ValidationError(f"This {current.noun} has been withdrawn: its status can no longer be updated")
    if check is not None:
        check(current)
    now = timezone.now()
    update_model = current.status_updates.model
    update = update_model(
        rag=reported_rag(rag),
        previous_rag=current.rag,
        commentary=commentary,
        as_of=as_of,
        created_by=by,
        created_at=now,
        **{item_key(update_model): current},
    )
    if evidence:
        update.evidence = evidence
    check_limits(update)
    update.save()
    if record is not None:
        record(update)
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
def item_withdraw[I: PlanItem](*, item: I, by: AbstractBaseUser, expected_version: int) -> I:
    """Withdraw an action or project from its plan; it and its history stay in the record.

    Raises StaleEdit when the item changed after the confirmation page was opened.
    """
    current = lock_for_edit(item, expected_version)
    if current.is_withdrawn:
        return current
    current.withdrawn_at = timezone.now()
    save_edit(current, by=by, fields=["withdrawn_at"], reason="Withdrawn")
    return current


@audit.chained()
def item_reinstate[I: PlanItem](*, item: I, by: AbstractBaseUser, expected_version: int) -> I:
    """Return a withdrawn action or project to its plan with the status it had."""
    current = lock_for_edit(item, expected_version)
    current.withdrawn_at = None
    save_edit(current, by=by, fields=["withdrawn_at"], reason="Reinstated")
    return current


def lock_for_delete[I: PlanItem](*, item: I, by: AbstractBaseUser, expected_version: int) -> I:
    """Lock an item about to be deleted (call inside a transaction) and remove its leads.

    Only an item nobody has reported on may be deleted: one with status updates raises ValidationError and can
    only be withdrawn. Raises StaleEdit when it changed after the confirmation page was opened.
    """
    current = lock_for_edit(item, expected_version)
    if current.status_updates.exists():
        raise ValidationError(f"This {current.noun} has status updates, so it cannot be deleted. Withdraw it instead.")
    set_leads(current, [])
    current._history_user = by
    return current
