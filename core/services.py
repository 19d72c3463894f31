"""Workflows that actions and projects share: withdrawing, reinstating and the checks before a delete.

Each app's services name the item (`action_withdraw`, `project_withdraw`) and call these, so the rules for what
withdrawal records and when an item may be deleted are written once.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import audit
from .access import set_leads
from .versioning import lock_for_edit, save_edit


@audit.chained()
def item_withdraw[I](*, item: I, by: AbstractBaseUser, expected_version: int) -> I:
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
def item_reinstate[I](*, item: I, by: AbstractBaseUser, expected_version: int) -> I:
    """Return a withdrawn action or project to its plan with the status it had."""
    current = lock_for_edit(item, expected_version)
    current.withdrawn_at = None
    save_edit(current, by=by, fields=["withdrawn_at"], reason="Reinstated")
    return current


def lock_for_delete[I](*, item: I, by: AbstractBaseUser, expected_version: int, noun: str) -> I:
    """Lock an item about to be deleted (call inside a transaction) and remove its leads.

    Only an item nobody has reported on may be deleted: one with status updates raises ValidationError and can
    only be withdrawn. Raises StaleEdit when it changed after the confirmation page was opened.
    """
    current = lock_for_edit(item, expected_version)
    if current.status_updates.exists():
        raise ValidationError(f"This {noun} has status updates, so it cannot be deleted. Withdraw it instead.")
    set_leads(current, [])
    current._history_user = by
    return current
