"""Who may see or change an objective: whoever may see or edit its plan."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from core.security import not_found
from plans.access import can_edit_plan, plans_visible_to

from .models import Objective

User = AbstractBaseUser | AnonymousUser


def get_objective_for_user(user: User, pk: int, *, write: bool = False) -> Objective:
    """The objective, if the user may see its plan (else 404); with write=True, if they may edit the plan (else 403)."""
    try:
        objective = Objective.objects.select_related("plan__council").filter(plan__in=plans_visible_to(user)).get(pk=pk)
    except Objective.DoesNotExist:
        raise not_found(Objective, pk, "No such objective") from None
    if write and not can_edit_plan(user, objective.plan):
        raise PermissionDenied
    return objective
