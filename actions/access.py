"""Who may see an action and who may report on it. Views reach actions only through these functions."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from core.access import leads_by_item
from core.security import hidden
from plans.access import can_edit_plan, can_see_plan
from plans.models import DeliveryPlan

from .models import Action

User = AbstractBaseUser | AnonymousUser
UPDATE_STATUS = "actions.update_status"


def actions_led_by(user: User) -> QuerySet[Action]:
    """Actions on which the user holds the lead's object permission (never through a global permission)."""
    # An invited lead's account is inactive until they accept: their grant waits until then.
    if not (user.is_authenticated and user.is_active):
        return Action.objects.none()
    return get_objects_for_user(user, UPDATE_STATUS, klass=Action, accept_global_perms=False, with_superuser=False)


def can_update_status(user: User, action: Action) -> bool:
    """Coordinators report on any action of their council's plans; leads on their own actions only."""
    if can_edit_plan(user, action.plan):
        return True
    led = getattr(user, "_led_action_ids", None)
    if led is None:
        led = set(actions_led_by(user).values_list("pk", flat=True))
        user._led_action_ids = led
    return action.pk in led


def get_action_for_user(user: User, pk: int, *, write: bool = False) -> Action:
    """The action, if the user may see its plan (else 404); with write=True, if they may edit the plan (else 403)."""
    found = Action.objects.select_related("plan__council", "objective").filter(pk=pk)
    action = found.first() if user.is_authenticated else None
    if action is None:
        raise Http404("No such action")
    if not can_see_plan(user, action.plan):
        raise hidden(action, "No such action")
    if write and not can_edit_plan(user, action.plan):
        raise PermissionDenied
    return action


def get_action_for_status_update(user: User, pk: int) -> Action:
    """The action, if the user may report on it: 404 if they may not see it, 403 if they may see but not report."""
    action = get_action_for_user(user, pk)
    if not can_update_status(user, action):
        raise PermissionDenied
    return action


def leads_of_plan(plan: DeliveryPlan) -> dict[int, list[AbstractBaseUser]]:
    """The active users holding the lead's object permission on each action of the plan, by action pk (one query)."""
    return leads_by_item(Action.objects.filter(plan=plan))
